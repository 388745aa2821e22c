"""The inbox: one row per recipient user of each request or notice a party is sent (domain/inbox.py).

Imported at the end of models.py so that `Base.metadata` (migrations, backup, restore) always has it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redline.store.models.base import Base, utcnow


class InboxItem(Base):
    """What one user was sent: its kind, what it concerns, who caused it and why; when it was read, and when
    the action it asks for was taken (`settled_at`; an item that only tells is settled when made)."""

    __tablename__ = "inbox_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # the occurrence that made it ("event:12", "summons:3", "receipt:7"): the items of one occurrence share it
    cause: Mapped[str] = mapped_column(String(40), index=True)
    authority: Mapped[str | None] = mapped_column(String(10))
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"), index=True)
    summons_id: Mapped[int | None] = mapped_column(ForeignKey("summonses.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column()
    settled_at: Mapped[dt.datetime | None] = mapped_column()


class InboxDelivery(Base):
    """One message about an occurrence's inbox items, on one channel (e-mail, webhook) to one recipient.
    The unique key makes a job run again (after its process stopped) send nothing twice."""

    __tablename__ = "inbox_deliveries"
    __table_args__ = (
        UniqueConstraint("cause", "channel", "recipient", name="uq_inbox_deliveries_cause_channel_recipient"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cause: Mapped[str] = mapped_column(String(80))  # the items' cause and kind: "event:12:supplement_request"
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))  # sending | sent | failed
    error: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
