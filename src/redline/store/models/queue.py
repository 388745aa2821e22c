"""The regulators' queue: who in an office handles which filing, and the views an officer saved.

Imported by `models/__init__.py` so that `Base.metadata` (migrations, backup, restore) always has them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redline.store.models.base import Base, utcnow


class FilingAssignment(Base):
    """The officer an office put in charge of a filing. An office is a role and a jurisdiction (杭州市网信办 is
    cac_officer at 330100): the city's CAC, the city's public-security organ and the province above each keep
    their own assignee of the same filing."""

    __tablename__ = "filing_assignments"
    __table_args__ = (
        UniqueConstraint("filing_id", "office_role", "office_region", name="uq_filing_assignments_office"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    office_role: Mapped[str] = mapped_column(String(20))
    office_region: Mapped[str] = mapped_column(String(6))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SavedQueueView(Base):
    """A filter and sort of the queue an officer saved under a name; only its owner sees it."""

    __tablename__ = "saved_queue_views"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_queue_views_user_id_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the queue's parameters, checked on the way in
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
