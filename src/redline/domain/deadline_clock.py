"""How a deadline stands on a given day, in working days (工作日) of the PRC calendar.

A deadline runs until it is met or its case is closed; a stopped deadline shows no count at all, so a
closed case never reads as "3 working days left" or "overdue".
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from redline.domain.calendar import WorkCalendar

ONE_DAY = dt.timedelta(days=1)
# Counting stops here: a due date decades away is still "many days left", without a long loop.
MAX_SPAN = dt.timedelta(days=3660)


class ClockState(enum.StrEnum):
    RUNNING = "running"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    STOPPED = "stopped"


@dataclass(frozen=True)
class DeadlineClock:
    state: ClockState
    # Working days left (running) or past the due date (overdue); 0 when due today or stopped.
    working_days: int = 0
    # Counted over a year whose holiday notice is not known yet: an estimate from the statute.
    provisional: bool = False


def _working_days(calendar: WorkCalendar, after: dt.date, until: dt.date) -> tuple[int, bool]:
    """Working days d with after < d <= until, and whether any was estimated."""
    count, estimated, day = 0, False, after
    until = min(until, after + MAX_SPAN)
    while day < until:
        day += ONE_DAY
        working, known = calendar.is_workday(day)
        count += working
        estimated = estimated or not known
    return count, estimated


def clock(due: dt.date, today: dt.date, calendar: WorkCalendar, *, running: bool = True) -> DeadlineClock:
    """The deadline `due` as seen on `today`; `running` False when it was met or its case is closed."""
    if not running:
        return DeadlineClock(ClockState.STOPPED)
    if due == today:
        return DeadlineClock(ClockState.DUE_TODAY)
    if due > today:
        left, estimated = _working_days(calendar, today, due)
        return DeadlineClock(ClockState.RUNNING, left, estimated)
    late, estimated = _working_days(calendar, due, today)
    return DeadlineClock(ClockState.OVERDUE, late, estimated)
