"""Reports: canonical sealed JSON, HTML (and later PDF, OSCAL)."""
