"""Lists of filings as the API, the queue and the CLI show them: typed rows (`snapshots.FilingOut`)."""

from __future__ import annotations

import datetime as dt

from redline.domain.deadline_clock import clock
from redline.services.context import Context
from redline.services.filing import assignments, queries
from redline.services.filing.assignments import OfficerOut
from redline.services.filing.filing_deadlines import DeadlineKind
from redline.services.filing.snapshots import FilingOut
from redline.services.principal import Principal
from redline.services.view_model import ViewModel


def filing_rows(ctx: Context, p: Principal, f: queries.FilingFilter) -> tuple[list[FilingOut], int]:
    """The filings `p` may see, as `queries.list_filings` orders them, each with whether it is overdue; and how
    many match in all. What every list of filings shows: the API's, the queue's, the provider's."""
    rows, total = queries.list_filings(ctx, p, f)
    late = queries.overdue_among(ctx, rows)
    return [FilingOut.of(x, x.id in late) for x in rows], total


class TimeLeftOut(ViewModel):
    """The next deadline running on a filing, on its clock (`domain/deadline_clock.py`, in working days)."""

    kind: str  # a `DeadlineKind` value
    due: dt.date
    clock: str  # a `ClockState` value: running, due_today or overdue
    working_days: int  # left (running) or past (overdue)
    provisional: bool  # counted over a year whose holiday notice is not out yet


class QueueRow(FilingOut):
    """A filing as the regulators' queue shows it: who in the viewer's office handles it, how long ago its
    report was first submitted, and how much time its next deadline leaves."""

    assignee: OfficerOut | None
    age_days: int | None  # calendar days since the first submission; None before it
    time_left: TimeLeftOut | None  # None when no deadline runs


def queue_rows(ctx: Context, p: Principal, f: queries.FilingFilter) -> tuple[list[QueueRow], int]:
    """The filings `p` may see, filtered and sorted as `f` says, as the queue shows them; and how many match."""
    entries, total = queries.queue_entries(ctx, p, f)
    with ctx.reader() as uow:
        assigned = assignments.assignees_of(uow.session, p, [e.filing.id for e in entries])
    today = ctx.today()
    rows = []
    for e in entries:
        left = _time_left(ctx, e.next_due, e.next_kind, today)
        overdue = left is not None and left.clock == "overdue" and left.kind != DeadlineKind.RECTIFICATION
        rows.append(
            QueueRow(
                **FilingOut.of(e.filing, overdue).model_dump(),
                assignee=assigned.get(e.filing.id),
                age_days=_age(e.first_submitted, today),
                time_left=left,
            )
        )
    return rows, total


def _time_left(ctx: Context, due: dt.date | None, kind: str | None, today: dt.date) -> TimeLeftOut | None:
    if due is None or kind is None:
        return None
    c = clock(due, today, ctx.calendar)
    return TimeLeftOut(kind=kind, due=due, clock=c.state.value, working_days=c.working_days, provisional=c.provisional)


def _age(first: dt.datetime | None, today: dt.date) -> int | None:
    """Days from the first submission (the server's local date of it, as `today` is) to `today`."""
    return None if first is None else max(0, (today - first.astimezone().date()).days)
