"""After a rulebook upgrade: which services and filings the change touches, why, and what follows; written
notices for a selection in one step; each provider's accepted filings that predate the change."""
