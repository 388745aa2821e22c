"""Working days (工作日) as the law counts them.

Years with a known State Council notice follow it. For a year without one, the holidays the
全国年节及纪念日放假办法 (2024 revision, in force 2025-01-01) fixes are days off: 元旦 1 January;
春节 除夕 and 初一-初三; 清明; 劳动节 1-2 May; 端午; 中秋; 国庆 1-3 October; one falling on a
weekend is made up on a working day (补假). Only the swaps (调休) wait for the notice, so the
date is provisional with the range those swaps can move it in. 2027: 除夕 5 February (Friday),
初一-初三 6-8 February; 1-2 May is a weekend.
"""

from __future__ import annotations

import datetime as dt

from redline.domain.calendar import WorkCalendar
from redline.rulebook.schema import HolidayNotice, HolidayYear

KNOWN = range(2004, 2027)  # what chinesecalendar 1.11 holds; pinned so a later release changes nothing here
NOTICE = HolidayNotice(title="国务院办公厅关于2027年部分节假日安排的通知（测试）", number="国办发明电〔2026〕0号")


def calendar(*files: HolidayYear) -> WorkCalendar:
    return WorkCalendar(files, official_years=KNOWN)


def test_a_deadline_across_the_spring_festival_skips_the_holiday_and_counts_the_makeup_saturday() -> None:
    # 2026 schedule: 15-23 Feb off; Saturday 14 Feb worked in exchange.
    due = calendar().add_working_days(dt.date(2026, 2, 10), 5)
    assert due.date == dt.date(2026, 2, 24)
    assert not due.provisional
    assert due.earliest == due.latest == due.date


def test_ten_working_days_over_national_day_week_count_both_makeup_weekend_days() -> None:
    # 1-7 Oct 2025 off (with 8 Oct); Sunday 28 Sep and Saturday 11 Oct worked.
    due = calendar().add_working_days(dt.date(2025, 9, 26), 10)
    # 28, 29, 30 Sep; 9, 10, 11, 13, 14, 15, 16 Oct.
    assert due.date == dt.date(2025, 10, 16)


def test_thirty_working_days_from_mid_december_2026_skip_new_years_day_2027() -> None:
    # Art. 7 sa2018 (30 working days) from Tuesday 15 Dec 2026: 12 working days to 31 Dec;
    # 1 Jan 2027 (Friday) is 元旦; 4-29 Jan give the other 18 -> Wednesday 27 Jan.
    # 元旦 on a Friday leaves no weekday to bridge, so no notice can move the date.
    due = calendar().add_working_days(dt.date(2026, 12, 15), 30)
    assert due.date == dt.date(2027, 1, 27)
    assert due.provisional and due.missing_years == (2027,)
    assert due.earliest == due.latest == dt.date(2027, 1, 27)


def test_the_news_growth_deadline_is_no_longer_new_years_day() -> None:
    # Growth on Friday 20 Nov 2026, 30 working days: 29 by 31 Dec, 1 Jan is 元旦 -> Monday 4 Jan 2027.
    due = calendar().add_working_days(dt.date(2026, 11, 20), 30)
    assert due.date == dt.date(2027, 1, 4)


def test_thirty_working_days_across_new_year_and_the_spring_festival_2027() -> None:
    # From Monday 28 Dec 2026: 3 days in 2026; 元旦 off; 4 Jan-4 Feb give 24 (27 in all);
    # 5-8 Feb 春节; 初一 and 初二 fall on the weekend, so 9-10 Feb are 补假; 11, 12, 15 Feb -> 30.
    # Counting weekdays would have given 8 Feb, 初三 itself.
    due = calendar().add_working_days(dt.date(2026, 12, 28), 30)
    assert due.date == dt.date(2027, 2, 15)
    assert due.provisional
    # Any swaps around 春节 have cancelled out by 15 Feb (the notices of 2008-2026 swapped days
    # at most 6 days before and 9 after the festival).
    assert due.earliest == due.latest == dt.date(2027, 2, 15)


def test_a_deadline_ending_in_the_spring_festival_break_gets_the_range_the_notice_can_move_it_in() -> None:
    # 29 working days from 28 Dec 2026: by the statute alone, 12 Feb (27 by 4 Feb; 11, 12 Feb).
    # If the notice has Saturday 30 and Sunday 31 Jan worked and four bridging days after the
    # 补假, the 29th working day is 4 Feb (earliest); if it bridges 4 and 9-11 Feb and has the
    # weekend of 13-14 Feb worked, it is Sunday 14 Feb (latest).
    due = calendar().add_working_days(dt.date(2026, 12, 28), 29)
    assert due.date == dt.date(2027, 2, 12)
    assert (due.earliest, due.latest) == (dt.date(2027, 2, 4), dt.date(2027, 2, 14))


def test_fifteen_working_days_across_labour_day_2027_skip_the_holiday_and_its_make_up_days() -> None:
    # From Tuesday 20 Apr 2027: 21-23 and 26-30 Apr give 8; 1-2 May (劳动节) fall on the
    # weekend, so 3-4 May are 补假; 5-7 and 10-13 May -> 13 May. Weekdays alone: 11 May.
    due = calendar().add_working_days(dt.date(2027, 4, 20), 15)
    assert due.date == dt.date(2027, 5, 13)
    assert due.earliest == due.latest == dt.date(2027, 5, 13)


def test_a_labour_day_deadline_inside_the_break_moves_both_ways() -> None:
    # 8 working days from 20 Apr 2027: 30 Apr by the statute. Weekend 24-25 Apr worked -> 28 Apr;
    # the 补假 placed before the festival (29-30 Apr, as in 2012) and bridging 5-6 May -> 6 May.
    due = calendar().add_working_days(dt.date(2027, 4, 20), 8)
    assert due.date == dt.date(2027, 4, 30)
    assert (due.earliest, due.latest) == (dt.date(2027, 4, 28), dt.date(2027, 5, 6))


SCHEDULE_2027 = HolidayYear(
    year=2027,
    notice=NOTICE,
    # A notice as the State Council might issue it: 春节 5-13 Feb off, Sunday 31 Jan and
    # Saturday 20 Feb worked; 劳动节 1-5 May off, Sunday 25 Apr worked.
    holidays=[
        dt.date(2027, 1, 1),
        *(dt.date(2027, 2, d) for d in range(5, 14)),
        dt.date(2027, 4, 5),
        *(dt.date(2027, 5, d) for d in range(1, 6)),
        dt.date(2027, 6, 9),
        dt.date(2027, 9, 15),
        *(dt.date(2027, 10, d) for d in range(1, 8)),
    ],
    workdays=[dt.date(2027, 1, 31), dt.date(2027, 2, 20), dt.date(2027, 4, 25)],
)


def test_a_2027_notice_with_swaps_fixes_the_date_and_clears_provisional() -> None:
    # 29 working days from 28 Dec 2026: 23 by 29 Jan, Sunday 31 Jan worked (24), 1-4 Feb (28),
    # 5-13 Feb off, Monday 15 Feb -> 29. The statute alone gave 12 Feb.
    due = calendar(SCHEDULE_2027).add_working_days(dt.date(2026, 12, 28), 29)
    assert due.date == dt.date(2027, 2, 15)
    assert not due.provisional and due.earliest == due.latest == due.date
    assert due.overridden_years == ()


def test_a_2027_notice_does_not_clear_provisional_for_2028() -> None:
    due = calendar(SCHEDULE_2027).add_working_days(dt.date(2027, 12, 20), 30)
    assert due.provisional and due.missing_years == (2028,)
    # 元旦 2028 is a Saturday: 补假 on Monday 3 Jan.
    assert calendar().is_workday(dt.date(2028, 1, 3)) == (False, False)


def test_a_file_for_a_year_chinesecalendar_holds_overrides_it_and_says_so() -> None:
    year = HolidayYear(
        year=2026,
        notice=HolidayNotice(title="2026年（测试）", published=dt.date(2025, 11, 4)),
        holidays=[dt.date(2026, 1, 1)],
    )
    due = calendar(year).add_working_days(dt.date(2026, 2, 10), 5)
    # The file gives only 1 Jan off, so the Spring Festival week is counted: 11-13, 16, 17 Feb.
    assert due.date == dt.date(2026, 2, 17)
    assert due.overridden_years == (2026,)
    assert not due.provisional


def test_a_year_before_any_holiday_statute_redline_knows_counts_weekdays_without_failing() -> None:
    # The 1999 revision is the oldest redline models: 1998 counts weekdays (31 Dec), 1999 has
    # 元旦 off (a holiday under the earlier measures too): 4 and 5 Jan complete the three.
    due = calendar().add_working_days(dt.date(1998, 12, 30), 3)
    assert due.date == dt.date(1999, 1, 5) and due.provisional
