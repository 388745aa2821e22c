"""The PRC working-day calendar (工作日), from `chinesecalendar` plus holiday files.

`chinesecalendar` knows the State Council schedules it was released with; later years
come from holiday files a user adds. Where neither knows a year, weekdays are counted
and the result is marked provisional, naming the missing year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

from redline.rulebook.schema import HolidayYear


@dataclass(frozen=True)
class CountedDate:
    date: dt.date
    provisional: bool
    missing_years: tuple[int, ...] = ()


class WorkCalendar:
    def __init__(self, extra_years: tuple[HolidayYear, ...] = ()) -> None:
        self._extra = {y.year: y for y in extra_years}

    def _official(self, day: dt.date) -> bool | None:
        year = self._extra.get(day.year)
        if year is not None:
            if day in year.holidays:
                return False
            if day in year.workdays:
                return True
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return None

    def knows(self, year: int) -> bool:
        return self._official(dt.date(year, 6, 1)) is not None

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, is that known from an official schedule)."""
        official = self._official(day)
        if official is None:
            return day.weekday() < 5, False
        return official, True

    def add_working_days(self, start: dt.date, days: int) -> CountedDate:
        """The `days`-th working day after `start` (the start day itself is not counted)."""
        day, counted, missing = start, 0, set()
        while counted < days:
            day += dt.timedelta(days=1)
            workday, known = self.is_workday(day)
            if not known:
                missing.add(day.year)
            if workday:
                counted += 1
        return CountedDate(day, bool(missing), tuple(sorted(missing)))

    def add_days(self, start: dt.date, days: int) -> CountedDate:
        return CountedDate(start + dt.timedelta(days=days), False)
