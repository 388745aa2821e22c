"""a regulator's filings found by index: visible to regulators, in a range of division codes

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.create_index("ix_filings_visible_region", ["visible_to_regulator", "region"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index("ix_filings_visible_region")
