"""The regulator's dashboard: counts over the filings an officer may see, each a filter of the queue, and the
deadlines falling due in the weeks ahead. Counted in SQL; only the grouped rows come back."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, distinct, func, select, true
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.rulebook.schema import CapabilityTag
from redline.services.context import Context
from redline.services.filing.deadlines import Escalation, escalated
from redline.services.filing.filing_deadlines import (
    DeadlineKind,
    follow_up_runs,
    rectification_runs,
    statutory_runs,
)
from redline.services.principal import Principal, filing_scope, located_under
from redline.store.filing_totals import tags_of
from redline.store.models import Filing, FilingCount, FilingTagCount, FollowUpDeadline, RectificationItem

CALENDAR_WEEKS = 6
ESCALATIONS_SHOWN = 50  # the most overdue deadlines the dashboard lists; the queue filters the rest


@dataclass(frozen=True)
class CalendarDay:
    """One day of the deadline calendar: how many filings have a deadline of each kind running and falling
    due on it (a filing counts once a day: the queue filtered to the day lists `total` filings)."""

    day: dt.date
    counts: dict[str, int]  # DeadlineKind value -> filings
    total: int


@dataclass(frozen=True)
class Dashboard:
    by_state: dict[str, int]
    by_region: dict[str, int]  # division one level below the viewer's jurisdiction -> filings
    by_technology: dict[str, int]
    overdue_by_month: list[tuple[str, int]]
    total: int
    overdue: int
    escalated: list[Escalation] = field(default_factory=list)  # overdue deadlines, for the regulator's list
    calendar: list[CalendarDay] = field(default_factory=list)  # whole weeks, from this week's Monday
    escalated_more: bool = False  # the list stops at the dashboard's limit: there may be more


def district_of(ctx: Context, p: Principal, location: str) -> str:
    """The division one level below `p`'s jurisdiction that holds `location` (national for anybody without
    one); a placeholder prefecture (北京市's 市辖区) gives way to the district itself."""
    code = jurisdiction.one_level_below(p.jurisdiction or jurisdiction.NATIONAL, location)
    return location if ctx.book.divisions.is_placeholder(code) else code


def districts(ctx: Context, p: Principal) -> list[str]:
    """The codes of the divisions one level below `p`'s jurisdiction, as the queue's region filter offers."""
    return [d.code for d in ctx.book.divisions.children(p.jurisdiction or jurisdiction.NATIONAL)]


def dashboard(ctx: Context, p: Principal, escalations: int = ESCALATIONS_SHOWN) -> Dashboard:
    """Counts for the regulator's charts, over the filings `p` may see, and the `escalations` most overdue
    deadlines (none asked: none read). The counts are read from the office-scope index (docs/adr/0025)."""
    today = ctx.today()
    scope = filing_scope(p)
    with ctx.reader() as uow:
        s = uow.session
        by_state: Counter[str] = Counter()
        by_region: Counter[str] = Counter()
        places: dict[str, str] = {}  # a region comes once per state
        for state, region, n in _by_state_and_region(s, p, scope):
            by_state[state] += n
            by_region[places.get(region) or places.setdefault(region, district_of(ctx, p, region))] += n
        by_tech = _technologies(s, p, scope)
        # the owing filings' index (docs/adr/0027): only filings owing something have a deadline owed
        late = s.execute(
            select(Filing.owed_due, func.count()).where(scope, Filing.owed_due < today).group_by(Filing.owed_due)
        ).all()
        calendar = _calendar(s, scope, today)
    months: Counter[str] = Counter()
    for due, n in late:
        if due is not None:
            months[due.strftime("%Y-%m")] += n
    listed = escalated(ctx, p, escalations) if escalations else []
    return Dashboard(
        dict(by_state),
        dict(by_region),
        {t.value: by_tech[t.value] for t in CapabilityTag if by_tech[t.value]},
        sorted(months.items()),
        sum(by_state.values()),
        sum(months.values()),
        listed,
        calendar,
        escalations > 0 and len(listed) >= escalations,
    )


def _kept(p: Principal) -> ColumnElement[bool] | None:
    """For a regulator's office, the condition on the running totals' division that selects its filings
    (models/totals.py holds the filings shown to regulators); None for anybody else, whose filings are counted."""
    if not (p.is_regulator and p.jurisdiction):
        return None
    under = jurisdiction.prefix(p.jurisdiction)
    return located_under(FilingCount.region, under) if under else true()


def _by_state_and_region(s: Session, p: Principal, scope: Any) -> list[Any]:
    """(state, region, filings) of the filings `p` sees: an office reads the running totals (a few rows per
    division, at any number of filings: docs/adr/0027), anybody else counts their filings."""
    kept = _kept(p)
    if kept is None:
        return list(
            s.execute(
                select(Filing.state, Filing.region, func.count()).where(scope).group_by(Filing.state, Filing.region)
            )
        )
    return list(s.execute(select(FilingCount.state, FilingCount.region, FilingCount.n).where(kept, FilingCount.n != 0)))


def _technologies(s: Session, p: Principal, scope: Any) -> Counter[str]:
    """Filings per capability tag (a filing counts under each of its tags). An office reads the running totals;
    anybody else's filings are grouped by the stored list, of which there are a few dozen, and the lists read
    here: one pass, not one test per tag and row."""
    counts: Counter[str] = Counter()
    if _kept(p) is not None:
        under = jurisdiction.prefix(p.jurisdiction or "")
        where = located_under(FilingTagCount.region, under) if under else true()
        for tag, n in s.execute(
            select(FilingTagCount.tag, func.sum(FilingTagCount.n)).where(where).group_by(FilingTagCount.tag)
        ):
            counts[tag] += int(n or 0)
        return counts
    text = cast(Filing.technologies, String)
    for tags, n in s.execute(select(text, func.count()).where(scope).group_by(text)):
        try:
            stored = json.loads(tags) if tags else []
        except ValueError:
            stored = None
        # a malformed stored value (an old import) counts under no tag; it never fails the dashboard
        counts.update(dict.fromkeys(tags_of(stored), n))
    return counts


def _calendar(s: Session, scope: Any, today: dt.date) -> list[CalendarDay]:
    first = today - dt.timedelta(days=today.weekday())
    last = first + dt.timedelta(weeks=CALENDAR_WEEKS, days=-1)
    counts: dict[dt.date, Counter[str]] = {}

    def add(rows: Any, kind: str | None = None) -> None:
        for day, *rest in rows:
            counts.setdefault(day, Counter())[kind or rest[0]] += rest[-1]

    add(
        s.execute(
            select(Filing.due_date, func.count())
            # while the statutory deadline runs it is the one owed: the owing filings' index finds them (docs/adr/0027)
            .where(scope, statutory_runs(), Filing.owed_due.between(first, last), Filing.due_date.between(first, last))
            .group_by(Filing.due_date)
        ),
        DeadlineKind.STATUTORY.value,
    )
    add(
        s.execute(
            select(FollowUpDeadline.due, FollowUpDeadline.kind, func.count(distinct(Filing.id)))
            .join(Filing, Filing.id == FollowUpDeadline.filing_id)
            .where(scope, follow_up_runs(), FollowUpDeadline.due.between(first, last))
            .group_by(FollowUpDeadline.due, FollowUpDeadline.kind)
        )
    )
    add(
        s.execute(
            select(RectificationItem.due, func.count(distinct(Filing.id)))
            .join(Filing, Filing.id == RectificationItem.filing_id)
            .where(and_(scope, rectification_runs(), RectificationItem.due.between(first, last)))
            .group_by(RectificationItem.due)
        ),
        DeadlineKind.RECTIFICATION.value,
    )
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [CalendarDay(d, dict(counts.get(d, {})), sum(counts.get(d, Counter()).values())) for d in days]
