"""The PRC working-day calendar (工作日).

Where a day's status comes from, in order:
1. a holiday file for its year (a State Council notice a user transcribed), which may stand in
   for a year chinesecalendar knows only when the user asked for that (checked on loading);
2. `chinesecalendar`, which holds the notices it was released with;
3. the statute: for a year no notice is known for, the holidays the 全国年节及纪念日放假办法
   fixes (with 补假 placed as every notice has placed it) are days off. The result is then
   provisional, and `notice_practice` bounds how far the missing notice can move it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import cache

import chinese_calendar

from redline.domain.notice_practice import Cluster, clusters
from redline.rulebook.holidays import official_schedule_known
from redline.rulebook.schema import HolidayYear
from redline.rulebook.statutory_holidays import ONE_DAY, REVISIONS, statutory_holidays, substitute_rest_days


class Basis(enum.Enum):
    OFFICIAL = "official"
    HOLIDAY_FILE = "holiday_file"
    STATUTE = "statute"


@dataclass(frozen=True)
class CountedDate:
    """A counted deadline. When `provisional`, `earliest` and `latest` bound where the notices
    still missing for `missing_years` can move it; otherwise both equal `date`."""

    date: dt.date
    provisional: bool
    missing_years: tuple[int, ...] = ()
    earliest: dt.date | None = None
    latest: dt.date | None = None
    overridden_years: tuple[int, ...] = ()


@cache
def _statute_rest_days(year: int) -> frozenset[dt.date]:
    if year < REVISIONS[0].effective.year:
        return frozenset()  # before any statute redline knows: weekdays only
    return frozenset(statutory_holidays(year)) | frozenset(substitute_rest_days(year))


@cache
def _clusters(year: int) -> tuple[Cluster, ...]:
    return tuple(clusters(year)) if year >= REVISIONS[0].effective.year else ()


Workday = Callable[[dt.date], bool]


class WorkCalendar:
    def __init__(self, extra_years: tuple[HolidayYear, ...] = (), official_years: Container[int] | None = None) -> None:
        """`official_years`: the years to take from chinesecalendar (default: all it knows);
        tests pin it so they keep meaning the same when a new release adds a year."""
        self._extra = {y.year: y for y in extra_years}
        self._official_years = official_years
        self._days: dict[dt.date, tuple[bool, bool]] = {}  # is_workday, remembered: the inputs never change

    def _official_known(self, year: int) -> bool:
        if self._official_years is not None and year not in self._official_years:
            return False
        return official_schedule_known(year)

    def basis(self, day: dt.date) -> Basis:
        if day.year in self._extra:
            return Basis.HOLIDAY_FILE
        return Basis.OFFICIAL if self._official_known(day.year) else Basis.STATUTE

    def overrides_official(self, year: int) -> bool:
        return year in self._extra and official_schedule_known(year)

    def knows(self, year: int) -> bool:
        return self.basis(dt.date(year, 6, 1)) is not Basis.STATUTE

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, is that known from a notice rather than estimated from the statute)."""
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> tuple[bool, bool]:
        basis = self.basis(day)
        if basis is Basis.HOLIDAY_FILE:
            year = self._extra[day.year]
            working = day in year.workdays or (day.weekday() < 5 and day not in year.holidays)
            return working, True
        if basis is Basis.OFFICIAL:
            return bool(chinese_calendar.is_workday(day)), True
        return day.weekday() < 5 and day not in _statute_rest_days(day.year), False

    def add_working_days(self, start: dt.date, days: int) -> CountedDate:
        """The `days`-th working day after `start` (the start day itself is not counted)."""
        date, seen = self._count(start, days, lambda d: self.is_workday(d)[0])
        missing = sorted({y for y in seen if self.basis(dt.date(y, 1, 1)) is Basis.STATUTE})
        overridden = tuple(y for y in sorted(seen) if self.overrides_official(y))
        if not missing:
            return CountedDate(date, False, (), date, date, overridden)
        earliest, latest = self._bounds(start, days, date, missing)
        return CountedDate(date, True, tuple(missing), earliest, latest, overridden)

    def add_days(self, start: dt.date, days: int) -> CountedDate:
        date = start + dt.timedelta(days=days)
        return CountedDate(date, False, (), date, date)

    @staticmethod
    def _count(start: dt.date, days: int, workday: Workday) -> tuple[dt.date, set[int]]:
        day, counted, years = start, 0, set()
        while counted < days:
            day += ONE_DAY
            years.add(day.year)
            if workday(day):
                counted += 1
        return day, years

    def _bounds(self, start: dt.date, days: int, date: dt.date, missing: list[int]) -> tuple[dt.date, dt.date]:
        """Earliest and latest dates over every schedule a missing notice could set.

        Clusters are apart in time and the swaps inside one cancel out once it has passed, so it
        is enough to vary one cluster at a time, over every number of swaps, both ways."""
        earliest = latest = date
        years = [*missing, missing[-1] + 1] if missing[-1] + 1 not in missing else missing
        for cluster in (c for y in years if self.basis(dt.date(y, 1, 1)) is Basis.STATUTE for c in _clusters(y)):
            for swaps in range(cluster.max_swaps + 1):
                for early in (True, False):
                    rest, work = cluster.schedule(swaps, early)
                    moved, _ = self._count(start, days, self._variant(cluster, rest, work))
                    earliest, latest = min(earliest, moved), max(latest, moved)
        return earliest, latest

    def _variant(self, cluster: Cluster, rest: frozenset[dt.date], work: frozenset[dt.date]) -> Workday:
        candidates = set(cluster.rest_candidates) | set(cluster.work_candidates)

        def workday(day: dt.date) -> bool:
            if day in candidates:
                return day in work or (day.weekday() < 5 and day not in rest)
            return self.is_workday(day)[0]

        return workday
