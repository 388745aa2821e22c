"""Persistence: SQLAlchemy 2 models, unit of work, migrations, content-addressed blobs."""

# What every flush keeps on the side of the filings (owed deadline, running totals): registered on import.
from redline.store import filing_totals as filing_totals
