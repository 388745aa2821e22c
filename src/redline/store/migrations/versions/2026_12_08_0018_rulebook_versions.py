"""rulebook versions: the rulebooks filings were made under, and each filing's version

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rulebook_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("dated", sa.Date(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rulebook_versions")),
        sa.UniqueConstraint("digest", name=op.f("uq_rulebook_versions_digest")),
    )
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rulebook_version", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_filings_rulebook_version"), ["rulebook_version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filings_rulebook_version"))
        batch_op.drop_column("rulebook_version")
    op.drop_table("rulebook_versions")
