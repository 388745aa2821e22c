"""campaign files: term lists and mappings that probe options name by digest, never by server path

Revision ID: 0006
Revises: 0008
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_files_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], name=op.f("fk_campaign_files_uploaded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_files")),
        sa.UniqueConstraint("campaign_id", "sha256", name="uq_campaign_files_campaign_id_sha256"),
    )
    with op.batch_alter_table("campaign_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_files_campaign_id"), ["campaign_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("campaign_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_files_campaign_id"))
    op.drop_table("campaign_files")
