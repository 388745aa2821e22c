"""inbox: every request or notice sent to a party, one row per recipient user, read and settled apart;
and the e-mails and webhooks that told of them, each sent once

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=False),
        sa.Column("authority", sa.String(length=10), nullable=True),
        sa.Column("filing_id", sa.Integer(), nullable=True),
        sa.Column("summons_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_inbox_items_user_id_users")),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.id"], name=op.f("fk_inbox_items_filing_id_filings")),
        sa.ForeignKeyConstraint(["summons_id"], ["summonses.id"], name=op.f("fk_inbox_items_summons_id_summonses")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["issued_documents.id"], name=op.f("fk_inbox_items_document_id_issued_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
    )
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_items_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_items_cause"), ["cause"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_items_filing_id"), ["filing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_items_document_id"), ["document_id"], unique=False)
    op.create_table(
        "inbox_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_deliveries")),
        sa.UniqueConstraint("cause", "channel", "recipient", name="uq_inbox_deliveries_cause_channel_recipient"),
    )


def downgrade() -> None:
    op.drop_table("inbox_deliveries")
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_items_document_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_items_filing_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_items_cause"))
        batch_op.drop_index(batch_op.f("ix_inbox_items_user_id"))
    op.drop_table("inbox_items")
