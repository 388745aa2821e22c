"""Sealed report versions: each submission adds one; earlier ones stay readable and comparable.

`Filing.report` / `Filing.report_digest` hold a copy of the latest version, which review works on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from redline.domain.report_diff import ReportDiff, diff_reports
from redline.errors import InputError, NotFoundError
from redline.services.context import Context
from redline.services.principal import Principal, require_filing
from redline.store.models import Filing, ReportVersion

# Version numbers a person may type; anything else is refused before the database is asked.
MAX_VERSION = 10_000


@dataclass(frozen=True)
class VersionSummary:
    number: int
    digest: str
    submitted_at: dt.datetime
    submitted_by_name: str
    latest: bool


@dataclass(frozen=True)
class VersionDiff:
    before: VersionSummary
    after: VersionSummary
    diff: ReportDiff


def first_submitted_expr() -> Any:
    """SQL: when the filing's report was first submitted (its version 1; a filing from before versions were
    kept: its submission), NULL when nothing was submitted."""
    first = (
        select(func.min(ReportVersion.submitted_at))
        .where(ReportVersion.filing_id == Filing.id)
        .correlate(Filing)
        .scalar_subquery()
    )
    return func.coalesce(first, Filing.submitted_at)


def add_version(
    session: Session, filing: Filing, report: dict[str, Any], at: dt.datetime, p: Principal | None
) -> ReportVersion:
    """A new sealed version in the caller's transaction (the filing row is locked by the caller), and the
    filing's copy of the latest moved to it."""
    latest = session.scalar(select(func.max(ReportVersion.number)).where(ReportVersion.filing_id == filing.id))
    row = ReportVersion(
        filing_id=filing.id,
        number=(latest or 0) + 1,
        report=report,
        digest=report["seal"]["digest"],
        submitted_at=at,
        submitted_by=p.user_id if p else None,
        submitted_by_name=p.display_name if p else "",
    )
    session.add(row)
    filing.report, filing.report_digest = report, row.digest
    session.flush()
    return row


def _rows(session: Session, filing_id: int) -> list[ReportVersion]:
    return list(
        session.scalars(
            select(ReportVersion).where(ReportVersion.filing_id == filing_id).order_by(ReportVersion.number)
        )
    )


def _summary(row: ReportVersion, latest: int) -> VersionSummary:
    return VersionSummary(row.number, row.digest, row.submitted_at, row.submitted_by_name, row.number == latest)


def check_number(value: int, field: str) -> int:
    if not 1 <= value <= MAX_VERSION:
        raise InputError(f"a version number is between 1 and {MAX_VERSION}", field=field)
    return value


def list_versions(ctx: Context, p: Principal, filing_id: int) -> list[VersionSummary]:
    """The filing's versions, first to latest."""
    with ctx.reader() as uow:
        require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        rows = _rows(uow.session, filing_id)
    latest = rows[-1].number if rows else 0
    return [_summary(r, latest) for r in rows]


def _version(session: Session, filing_id: int, number: int, field: str) -> ReportVersion:
    row = session.scalar(
        select(ReportVersion).where(
            ReportVersion.filing_id == filing_id, ReportVersion.number == check_number(number, field)
        )
    )
    if row is None:
        raise NotFoundError(f"filing {filing_id} has no report version {number}")
    return row


def get_version(ctx: Context, p: Principal, filing_id: int, number: int) -> tuple[VersionSummary, dict[str, Any]]:
    """One version's summary and its sealed report, exactly as submitted."""
    with ctx.reader() as uow:
        require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        row = _version(uow.session, filing_id, number, "version")
        latest = (
            uow.session.scalar(select(func.max(ReportVersion.number)).where(ReportVersion.filing_id == filing_id)) or 0
        )
        return _summary(row, latest), row.report


def diff_versions(ctx: Context, p: Principal, filing_id: int, before: int, after: int) -> VersionDiff:
    """What version `after` changed relative to version `before` (any two, either order)."""
    with ctx.reader() as uow:
        require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        old = _version(uow.session, filing_id, before, "from")
        new = _version(uow.session, filing_id, after, "to")
        latest = (
            uow.session.scalar(select(func.max(ReportVersion.number)).where(ReportVersion.filing_id == filing_id)) or 0
        )
        return VersionDiff(_summary(old, latest), _summary(new, latest), diff_reports(old.report, new.report))
