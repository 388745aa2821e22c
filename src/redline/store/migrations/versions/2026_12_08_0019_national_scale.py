"""national scale: a regulator's filings read from one covering index; trigram search on PostgreSQL

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 22:00:00

The office-scope index gains the columns the queue sorts by and the dashboard counts (state, due date, id;
on PostgreSQL the provider, capability tags and title as included columns), so both are answered from the
index without visiting the table (docs/adr/0025). On PostgreSQL the queue's search by title or provider name
gets trigram indexes (pg_trgm, a trusted extension since PostgreSQL 13: the database's owner may create it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

OFFICE_COLUMNS = ["visible_to_regulator", "region", "state", "due_date", "id"]
OFFICE_INCLUDED = ["provider_id", "technologies", "title"]  # PostgreSQL only (SQLite has no INCLUDE)


def upgrade() -> None:
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index("ix_filings_visible_region")
        batch_op.create_index("ix_filings_office", OFFICE_COLUMNS, unique=False, postgresql_include=OFFICE_INCLUDED)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    op.create_index(
        "ix_filings_title_trgm", "filings", ["title"], postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}
    )
    op.create_index(
        "ix_organisations_name_trgm",
        "organisations",
        ["name"],
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_organisations_name_trgm", table_name="organisations")
        op.drop_index("ix_filings_title_trgm", table_name="filings")
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index("ix_filings_office")
        batch_op.create_index("ix_filings_visible_region", ["visible_to_regulator", "region"], unique=False)
