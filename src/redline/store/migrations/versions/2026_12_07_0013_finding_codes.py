"""finding codes: a campaign finding's category is its probe's stable code, with the parameters its words
are filled with in each language

Rows stored before keep the kind that was guessed from the English message, and no parameters: they are
shown with their stored message, as before.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign_findings", schema=None) as batch_op:
        batch_op.drop_column("params")
