"""Tables of a filing's history: each sealed report version, and each deadline a regulator set.

Imported at the end of models.py so that `Base.metadata` (migrations, backup, restore) always has them.
`Filing.report` / `Filing.report_digest` keep a copy of the latest version (what review works on);
the versions here are never changed once written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redline.store.models.base import Base, utcnow


class ReportVersion(Base):
    """One submission's sealed report: version 1 is the first submission, each resubmission adds one."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("filing_id", "number", name="uq_report_versions_filing_id_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # None for a version migrated from before versions existed, or imported from a package.
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_name: Mapped[str] = mapped_column(String(100), default="")


class FollowUpDeadline(Base):
    """A supplement (补充材料) or re-assessment (重新评估) a regulator asked for, with its own due date.

    The filing's statutory due date (Filing.due_date, from the obligation) is never moved by one."""

    __tablename__ = "follow_up_deadlines"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "supplement" | "reassessment"
    due: Mapped[dt.date] = mapped_column(Date, index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the provider submitted again (the deadline is met); None while it runs.
    met_at: Mapped[dt.datetime | None] = mapped_column()
