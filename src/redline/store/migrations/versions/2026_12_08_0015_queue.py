"""the regulators' queue: each office's assignee of a filing, and the queue views an officer saved

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filing_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("office_role", sa.String(length=20), nullable=False),
        sa.Column("office_region", sa.String(length=6), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.id"], name=op.f("fk_filing_assignments_filing_id_filings")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_filing_assignments_assignee_id_users")),
        sa.ForeignKeyConstraint(["assigned_by"], ["users.id"], name=op.f("fk_filing_assignments_assigned_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_assignments")),
        sa.UniqueConstraint("filing_id", "office_role", "office_region", name="uq_filing_assignments_office"),
    )
    with op.batch_alter_table("filing_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_filing_assignments_filing_id"), ["filing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_filing_assignments_assignee_id"), ["assignee_id"], unique=False)
    op.create_table(
        "saved_queue_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_saved_queue_views_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_queue_views")),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_queue_views_user_id_name"),
    )
    with op.batch_alter_table("saved_queue_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_queue_views_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("saved_queue_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_queue_views_user_id"))
    op.drop_table("saved_queue_views")
    with op.batch_alter_table("filing_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filing_assignments_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_filing_assignments_filing_id"))
    op.drop_table("filing_assignments")
