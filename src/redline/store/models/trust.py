"""Tables of trust: signed checkpoints of the audit chain, and registered signing keys.

Imported at the end of models.py so that `Base.metadata` (migrations, backup, restore) always has them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from redline.store.models.base import Base, utcnow
from redline.store.models.core import Organisation


class AuditCheckpoint(Base):
    """A checkpoint signed with the platform key: the audit chain head and the sealed reports' digests.

    `body` is the exact canonical JSON that was signed (services/records/checkpoints.py documents its fields)."""

    __tablename__ = "audit_checkpoints"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(200))


class SigningKey(Base):
    """A public key registered to an organisation; its signatures are trusted only once approved."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    algorithm: Mapped[str] = mapped_column(String(20))
    public_key: Mapped[str] = mapped_column(String(200))  # base64 of the raw key, as in a signature
    claimed_signer: Mapped[str] = mapped_column(String(200))  # the name inside the key file, never shown alone
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | approved | revoked
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    organisation: Mapped[Organisation] = relationship(lazy="joined")
