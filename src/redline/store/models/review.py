"""Parallel review: each authority's own track of a filing (domain/parallel_review.py).

Imported at the end of models.py so that `Base.metadata` (migrations, backup, restore) always has it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redline.store.models.base import Base, utcnow


class FilingReview(Base):
    """One authority's review of one filing: its state, and who last took a step in it, when, and why."""

    __tablename__ = "filing_reviews"
    __table_args__ = (UniqueConstraint("filing_id", "authority"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    authority: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(30))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    officer_name: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[dt.datetime | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
