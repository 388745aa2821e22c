from __future__ import annotations

import datetime as dt

from redline.domain.calendar import WorkCalendar
from redline.rulebook.schema import HolidayYear


def test_a_deadline_across_the_spring_festival_skips_the_holiday_and_counts_the_makeup_saturday() -> None:
    # 2026 schedule: 15-23 Feb off; Saturday 14 Feb worked in exchange.
    due = WorkCalendar().add_working_days(dt.date(2026, 2, 10), 5)
    assert due.date == dt.date(2026, 2, 24)
    assert not due.provisional


def test_ten_working_days_over_national_day_week_count_both_makeup_weekend_days() -> None:
    # 1-7 Oct 2025 off (with 8 Oct); Sunday 28 Sep and Saturday 11 Oct worked.
    due = WorkCalendar().add_working_days(dt.date(2025, 9, 26), 10)
    # 28, 29, 30 Sep; 9, 10, 11, 13, 14, 15, 16 Oct.
    assert due.date == dt.date(2025, 10, 16)


def test_a_year_without_an_official_schedule_makes_the_deadline_provisional() -> None:
    due = WorkCalendar().add_working_days(dt.date(2026, 12, 20), 30)
    assert due.provisional
    assert due.missing_years == (2027,)
    assert due.date.year == 2027


def test_a_holiday_file_for_the_missing_year_replaces_the_weekday_guess() -> None:
    year = HolidayYear(year=2027, source="test schedule", holidays=[dt.date(2027, 1, 1)],
                       workdays=[dt.date(2027, 1, 2)])
    calendar = WorkCalendar((year,))
    assert calendar.is_workday(dt.date(2027, 1, 1)) == (False, True)
    assert calendar.is_workday(dt.date(2027, 1, 2)) == (True, True)
    due = calendar.add_working_days(dt.date(2026, 12, 31), 2)
    assert due.date == dt.date(2027, 1, 4)
    assert not due.provisional
