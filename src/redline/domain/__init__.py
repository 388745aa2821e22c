"""Pure model and rules: services, changes, obligations, assessments. No I/O here."""
