"""parallel review: one review track per authority (CAC, public security); existing filings get both tracks
at the state they had, and rectification items record the authority that ordered them

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

AUTHORITIES = ("cac", "mps")


def upgrade() -> None:
    op.create_table(
        "filing_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("officer_name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.id"], name=op.f("fk_filing_reviews_filing_id_filings")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_filing_reviews_officer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_reviews")),
        sa.UniqueConstraint("filing_id", "authority", name=op.f("uq_filing_reviews_filing_id")),
    )
    with op.batch_alter_table("filing_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_filing_reviews_filing_id"), ["filing_id"], unique=False)
    with op.batch_alter_table("rectification_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority", sa.String(length=10), nullable=True))
    # Data: the single state each filing had becomes the state of both authorities' reviews.
    for authority in AUTHORITIES:
        op.execute(
            sa.text(
                "INSERT INTO filing_reviews (filing_id, authority, state, officer_name, note, updated_at) "
                "SELECT id, :authority, state, '', '', updated_at FROM filings"
            ).bindparams(authority=authority)
        )


def downgrade() -> None:
    with op.batch_alter_table("rectification_items", schema=None) as batch_op:
        batch_op.drop_column("authority")
    with op.batch_alter_table("filing_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filing_reviews_filing_id"))
    op.drop_table("filing_reviews")
