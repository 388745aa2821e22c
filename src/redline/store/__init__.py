"""Persistence: SQLAlchemy 2 models, unit of work, migrations, content-addressed blobs."""
