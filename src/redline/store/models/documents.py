"""Tables of issued documents: the frozen documents a regulator issues, their 文号 sequences, and receipts.

Imported at the end of models.py so that `Base.metadata` (migrations, backup, restore) always has them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redline.store.models.base import Base


class IssuedDocument(Base):
    """A document as issued: `content` is the canonical JSON frozen at issue, `sha256` its digest.

    Nothing updates a row after it is written; a PDF is rendered from `content` alone."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("issuer_id", "year", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"), index=True)
    summons_id: Mapped[int | None] = mapped_column(ForeignKey("summonses.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    region: Mapped[str] = mapped_column(String(6), index=True)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[dt.datetime] = mapped_column()
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class DocumentSequence(Base):
    """The last 文号 sequence number an issuer used in a year; read and raised under lock."""

    __tablename__ = "document_sequences"
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Receipt(Base):
    """A signed receipt: the receiving authority's 回执 for a submitted report (kind `submission`), or a
    provider's acknowledgement of an issued document (kind `acknowledgement`).

    `body` is the canonical JSON that was signed; `signature` the detached signature object (JSON)."""

    __tablename__ = "receipts"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"), unique=True)
    subject_sha256: Mapped[str] = mapped_column(String(64))
    signer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(Text)
