"""issued documents: frozen regulator documents with their 文号, per-issuer sequences, signed receipts

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuer_key", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reference_pattern", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_organisations_issuer_key"), ["issuer_key"])
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=True),
        sa.Column("summons_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["organisations.id"], name=op.f("fk_issued_documents_issuer_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["organisations.id"], name=op.f("fk_issued_documents_provider_id_organisations")
        ),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.id"], name=op.f("fk_issued_documents_filing_id_filings")),
        sa.ForeignKeyConstraint(
            ["summons_id"], ["summonses.id"], name=op.f("fk_issued_documents_summons_id_summonses")
        ),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], name=op.f("fk_issued_documents_service_id_services")),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], name=op.f("fk_issued_documents_issued_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint("issuer_id", "year", "number", name=op.f("uq_issued_documents_issuer_id")),
    )
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_documents_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issued_documents_filing_id"), ["filing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issued_documents_region"), ["region"], unique=False)
    op.create_table(
        "document_sequences",
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["organisations.id"], name=op.f("fk_document_sequences_issuer_id_organisations")
        ),
        sa.PrimaryKeyConstraint("issuer_id", "year", name=op.f("pk_document_sequences")),
    )
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("subject_sha256", sa.String(length=64), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.id"], name=op.f("fk_receipts_filing_id_filings")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["issued_documents.id"], name=op.f("fk_receipts_document_id_issued_documents")
        ),
        sa.ForeignKeyConstraint(["signer_id"], ["organisations.id"], name=op.f("fk_receipts_signer_id_organisations")),
        sa.ForeignKeyConstraint(["signed_by"], ["users.id"], name=op.f("fk_receipts_signed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
        sa.UniqueConstraint("document_id", name=op.f("uq_receipts_document_id")),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipts_filing_id"), ["filing_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_filing_id"))
    op.drop_table("receipts")
    op.drop_table("document_sequences")
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_documents_region"))
        batch_op.drop_index(batch_op.f("ix_issued_documents_filing_id"))
        batch_op.drop_index(batch_op.f("ix_issued_documents_provider_id"))
    op.drop_table("issued_documents")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisations_issuer_key"), type_="unique")
        batch_op.drop_column("reference_pattern")
        batch_op.drop_column("issuer_key")
