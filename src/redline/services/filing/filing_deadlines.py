"""A filing's deadlines, each kept apart: the statutory one, each supplement or re-assessment, each
rectification item; and the one the provider owes now (what queues, dashboards and reminders read).

The statutory due date (Filing.due_date) comes from the obligation and is never overwritten; a regulator's
supplement or re-assessment request is a FollowUpDeadline row, met by the next submission.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from redline.domain.deadline_clock import DeadlineClock, clock
from redline.domain.workflow import BEFORE_SUBMISSION, OWES_SUBMISSION, FilingState
from redline.services.context import Context
from redline.store.models import Filing, FollowUpDeadline, RectificationItem

# States in which the provider owes a submission: the first one, a supplement or a re-assessment.
AWAITING_PROVIDER = OWES_SUBMISSION
# States in which the statutory submission deadline itself still runs (nothing submitted yet, or a
# re-assessment is being redone: then the re-assessment's own date is the one owed).
AWAITING_FIRST = BEFORE_SUBMISSION


class DeadlineKind(enum.StrEnum):
    STATUTORY = "statutory"
    SUPPLEMENT = "supplement"
    REASSESSMENT = "reassessment"
    RECTIFICATION = "rectification"


@dataclass(frozen=True)
class DeadlineLine:
    """One deadline of a filing as a person reads it."""

    kind: DeadlineKind
    due: dt.date
    clock: DeadlineClock
    provisional: bool = False
    text: str = ""  # a rectification item's demand
    met_at: dt.datetime | None = None


def open_follow_up_due() -> Any:
    """SQL: the earliest due date of the filing's supplement or re-assessment still running (or NULL)."""
    return (
        select(func.min(FollowUpDeadline.due))
        .where(FollowUpDeadline.filing_id == Filing.id, FollowUpDeadline.met_at.is_(None))
        .correlate(Filing)
        .scalar_subquery()
    )


def owed_due_expr() -> Any:
    """SQL: the due date the provider owes now: a running follow-up's, else the statutory one while
    nothing was submitted; NULL in every other state (under review, rectifying, closed, ...). Kept on the
    filing's row by every flush (store/filing_totals.py, docs/adr/0027), so queues sort and count by a column."""
    return Filing.owed_due


def owing() -> ColumnElement[bool]:
    """SQL: the filing is in a state where `owed_due_expr` may be set; said on its own so that an index on the
    state narrows the rows before the expression is computed for each."""
    return Filing.state.in_([s.value for s in AWAITING_PROVIDER])


def statutory_runs() -> ColumnElement[bool]:
    """SQL: the filing's statutory due date is the one owed now (nothing submitted, no follow-up running)."""
    return and_(
        Filing.state.in_([s.value for s in AWAITING_FIRST]),
        Filing.due_date.is_not(None),
        open_follow_up_due().is_(None),
    )


def follow_up_runs() -> ColumnElement[bool]:
    """SQL over FollowUpDeadline joined to its Filing: the supplement or re-assessment is still owed."""
    return and_(Filing.state.in_([s.value for s in AWAITING_PROVIDER]), FollowUpDeadline.met_at.is_(None))


def rectification_runs() -> ColumnElement[bool]:
    """SQL over RectificationItem joined to its Filing: the item is still owed (ordered, not yet answered)."""
    return and_(
        Filing.state == FilingState.RECTIFICATION_ORDERED.value,
        RectificationItem.verified.is_(False),
        RectificationItem.response == "",
    )


def _open_follow_up_kind() -> Any:
    return (
        select(FollowUpDeadline.kind)
        .where(FollowUpDeadline.filing_id == Filing.id, FollowUpDeadline.met_at.is_(None))
        .order_by(FollowUpDeadline.due, FollowUpDeadline.id)
        .limit(1)
        .correlate(Filing)
        .scalar_subquery()
    )


def _open_rectification_due() -> Any:
    return (
        select(func.min(RectificationItem.due))
        .where(RectificationItem.filing_id == Filing.id, rectification_runs())
        .correlate(Filing)
        .scalar_subquery()
    )


def next_due_expr() -> Any:
    """SQL: the next deadline running on the filing: the one the provider owes now (`owed_due_expr`), or while
    a rectification is ordered its earliest item still owed; NULL when none runs."""
    rectifying = Filing.state == FilingState.RECTIFICATION_ORDERED.value
    return case((rectifying, _open_rectification_due()), else_=owed_due_expr())


def next_kind_expr() -> Any:
    """SQL: the `DeadlineKind` value of `next_due_expr` (NULL when none runs)."""
    rectifying = Filing.state == FilingState.RECTIFICATION_ORDERED.value
    awaiting = Filing.state.in_([s.value for s in AWAITING_PROVIDER])
    first = Filing.state.in_([s.value for s in AWAITING_FIRST])
    return case(
        (rectifying & _open_rectification_due().is_not(None), literal(DeadlineKind.RECTIFICATION.value)),
        (awaiting & open_follow_up_due().is_not(None), _open_follow_up_kind()),
        (first & Filing.due_date.is_not(None), literal(DeadlineKind.STATUTORY.value)),
        else_=None,
    )


def falls_due_between(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """SQL: a deadline of the filing runs and falls due on a day in [first, last]: the one owed now, or any
    rectification item still owed (the days `deadline_calendar` counts)."""
    item = exists().where(
        RectificationItem.filing_id == Filing.id,
        rectification_runs(),
        RectificationItem.due >= first,
        RectificationItem.due <= last,
    )
    owed = owed_due_expr()
    return or_(and_(owed >= first, owed <= last), item)


def open_follow_up(session: Session, filing_id: int) -> FollowUpDeadline | None:
    return session.scalars(
        select(FollowUpDeadline)
        .where(FollowUpDeadline.filing_id == filing_id, FollowUpDeadline.met_at.is_(None))
        .order_by(FollowUpDeadline.due, FollowUpDeadline.id)
        .limit(1)
    ).first()


def owed_due(session: Session, filing: Filing) -> dt.date | None:
    """`owed_due_expr` for one loaded filing."""
    state = FilingState(filing.state)
    if state not in AWAITING_PROVIDER:
        return None
    follow_up = open_follow_up(session, filing.id)
    if follow_up is not None:
        return follow_up.due
    return filing.due_date if state in AWAITING_FIRST else None


def request(
    session: Session, filing: Filing, kind: DeadlineKind, due: dt.date, at: dt.datetime, user_id: int | None
) -> None:
    """A supplement or re-assessment due date of its own; one still running is replaced by it (the
    regulator's latest request is the one owed), never the statutory date."""
    for running in session.scalars(
        select(FollowUpDeadline).where(FollowUpDeadline.filing_id == filing.id, FollowUpDeadline.met_at.is_(None))
    ):
        running.met_at = at
    session.add(FollowUpDeadline(filing_id=filing.id, kind=kind.value, due=due, requested_at=at, requested_by=user_id))


def meet(session: Session, filing: Filing, at: dt.datetime) -> None:
    """A submission meets every follow-up deadline still running."""
    for running in session.scalars(
        select(FollowUpDeadline).where(FollowUpDeadline.filing_id == filing.id, FollowUpDeadline.met_at.is_(None))
    ):
        running.met_at = at


def _statutory_runs(filing: Filing, state: FilingState, follow_up_running: bool) -> bool:
    return state in AWAITING_FIRST and not follow_up_running and filing.submitted_at is None


def deadlines_of(ctx: Context, session: Session, filing: Filing) -> list[DeadlineLine]:
    """Every deadline of the filing, each with its own clock; none runs on a closed case."""
    today, state = ctx.today(), FilingState(filing.state)
    follow_ups = list(
        session.scalars(
            select(FollowUpDeadline)
            .where(FollowUpDeadline.filing_id == filing.id)
            .order_by(FollowUpDeadline.requested_at, FollowUpDeadline.id)
        )
    )
    open_now = state in AWAITING_PROVIDER
    running_follow_up = open_now and any(f.met_at is None for f in follow_ups)
    lines: list[DeadlineLine] = []
    if filing.due_date is not None:
        runs = _statutory_runs(filing, state, running_follow_up)
        lines.append(
            DeadlineLine(
                DeadlineKind.STATUTORY,
                filing.due_date,
                clock(filing.due_date, today, ctx.calendar, running=runs),
                filing.due_provisional,
                met_at=filing.submitted_at,
            )
        )
    for f in follow_ups:
        runs = open_now and f.met_at is None
        lines.append(
            DeadlineLine(DeadlineKind(f.kind), f.due, clock(f.due, today, ctx.calendar, running=runs), met_at=f.met_at)
        )
    rectifying = state is FilingState.RECTIFICATION_ORDERED
    for item in session.scalars(
        select(RectificationItem)
        .where(RectificationItem.filing_id == filing.id)
        .order_by(RectificationItem.round, RectificationItem.id)
    ):
        runs = rectifying and not item.verified and not item.response.strip()
        lines.append(
            DeadlineLine(
                DeadlineKind.RECTIFICATION,
                item.due,
                clock(item.due, today, ctx.calendar, running=runs),
                text=item.text,
                met_at=item.responded_at,
            )
        )
    return lines
