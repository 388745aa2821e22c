"""signing trust: what an assessor's signature covers, registered signing keys, audit checkpoints

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessor_signed_digest", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_checkpoints",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_checkpoints")),
    )
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("public_key", sa.String(length=200), nullable=False),
        sa.Column("claimed_signer", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_signing_keys_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["registered_by"], ["users.id"], name=op.f("fk_signing_keys_registered_by_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_signing_keys_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_signing_keys_key_id")),
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_keys_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_keys_organisation_id"))
    op.drop_table("signing_keys")
    op.drop_table("audit_checkpoints")
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_column("assessor_signed_digest")
