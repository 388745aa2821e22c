"""The holidays the 全国年节及纪念日放假办法 itself fixes, computed and checked against every
State Council schedule chinesecalendar knows (2004-2026)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.notice_practice import clusters
from redline.rulebook.statutory_holidays import (
    Festival,
    law_for,
    qingming,
    statutory_holidays,
    substitute_rest_days,
)

NAMES = {
    Festival.NEW_YEAR: "New Year's Day",
    Festival.SPRING_FESTIVAL: "Spring Festival",
    Festival.QINGMING: "Tomb-sweeping Day",
    Festival.LABOUR_DAY: "Labour Day",
    Festival.DRAGON_BOAT: "Dragon Boat Festival",
    Festival.MID_AUTUMN: "Mid-autumn Festival",
    Festival.NATIONAL_DAY: "National Day",
}


def test_the_2024_revision_gives_eleven_statutory_days_in_2027() -> None:
    # 2024 revision, in force 2025-01-01: 元旦 1, 春节 4 (除夕, 初一-初三), 清明 1, 劳动节 2,
    # 端午 1, 中秋 1, 国庆 3. Lunar year 丁未 begins on 2027-02-06, so 除夕 is 2027-02-05;
    # 端午 (五月初五) is 2027-06-09, 中秋 (八月十五) 2027-09-15, Qingming falls on 2027-04-05.
    days = statutory_holidays(2027)
    assert sorted(days) == [
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 5),
        dt.date(2027, 2, 6),
        dt.date(2027, 2, 7),
        dt.date(2027, 2, 8),
        dt.date(2027, 4, 5),
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 2),
        dt.date(2027, 6, 9),
        dt.date(2027, 9, 15),
        dt.date(2027, 10, 1),
        dt.date(2027, 10, 2),
        dt.date(2027, 10, 3),
    ]
    assert days[dt.date(2027, 2, 5)] is Festival.SPRING_FESTIVAL
    assert law_for(2027).effective == dt.date(2025, 1, 1)


def test_statutory_days_on_a_weekend_are_made_up_on_the_following_weekdays() -> None:
    # 2027: 春节 初一 and 初二 fall on Saturday and Sunday, 劳动节 on Saturday and Sunday,
    # 国庆 2-3 October on Saturday and Sunday: two weekdays of 补假 after each.
    assert substitute_rest_days(2027) == {
        dt.date(2027, 2, 9): Festival.SPRING_FESTIVAL,
        dt.date(2027, 2, 10): Festival.SPRING_FESTIVAL,
        dt.date(2027, 5, 3): Festival.LABOUR_DAY,
        dt.date(2027, 5, 4): Festival.LABOUR_DAY,
        dt.date(2027, 10, 4): Festival.NATIONAL_DAY,
        dt.date(2027, 10, 5): Festival.NATIONAL_DAY,
    }


def test_earlier_revisions_count_the_days_they_gave() -> None:
    # 1999 revision: 春节 初一-初三, 劳动节 1-3 May, no traditional festivals.
    assert len(statutory_holidays(2007)) == 10
    assert dt.date(2007, 5, 3) in statutory_holidays(2007)
    # 2007 revision (2008-2013): 春节 除夕-初二, 劳动节 1 May only. 2008: 初一 was 7 February.
    assert {d for d, f in statutory_holidays(2008).items() if f is Festival.SPRING_FESTIVAL} == {
        dt.date(2008, 2, 6),
        dt.date(2008, 2, 7),
        dt.date(2008, 2, 8),
    }
    # 2013 revision (2014-2024): 春节 初一-初三. 2024: 初一 was 10 February.
    assert {d for d, f in statutory_holidays(2024).items() if f is Festival.SPRING_FESTIVAL} == {
        dt.date(2024, 2, 10),
        dt.date(2024, 2, 11),
        dt.date(2024, 2, 12),
    }


@pytest.mark.parametrize("year", range(2004, 2027))
def test_every_computed_statutory_day_is_a_holiday_in_that_years_state_council_schedule(year: int) -> None:
    for day, festival in statutory_holidays(year).items():
        assert not chinese_calendar.is_workday(day), (day, festival)
        name = chinese_calendar.holidays.get(day)
        # A weekend day inside a break is sometimes stored without a name (2012-06-23), and
        # 中秋 2020 fell on 国庆 (1 October).
        assert name in (None, NAMES[festival], "National Day"), (day, festival, name)


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_festival_the_schedule_names_is_one_the_statute_gives_that_year(year: int) -> None:
    named = {name for day, name in chinese_calendar.holidays.items() if day.year == year}
    computed = {NAMES[f] for f in statutory_holidays(year).values()}
    assert named - {"Anti-Fascist 70th Day"} <= computed | ({"New Year's Day"} if year < 2026 else set())


@pytest.mark.parametrize("year", range(2008, 2027))
def test_qingming_is_the_day_the_schedules_give_for_tomb_sweeping(year: int) -> None:
    day = qingming(year)
    assert chinese_calendar.holidays.get(day) == "Tomb-sweeping Day"


@pytest.mark.parametrize(("year", "day"), [(2005, 5), (2006, 5), (2007, 5), (2027, 5), (2028, 4)])
def test_qingming_before_it_was_a_holiday_and_after_the_known_schedules(year: int, day: int) -> None:
    # Before 2008 Qingming was no holiday, so the schedules are silent; published solar-term
    # tables give 5 April for 2005-2007 and 2027 and 4 April for 2028.
    assert qingming(year) == dt.date(year, 4, day)


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_swap_a_notice_made_lies_in_the_window_redline_allows_for_a_missing_notice(year: int) -> None:
    # The range given for a provisional date assumes a notice moves days only near a festival.
    # Each schedule since 2008 must bear that out: every weekday off beyond the statute and
    # every weekend day worked falls among the candidates of that year's clusters. (Days in late
    # December belong to the next year's 元旦 and its notice; 2015's 抗战胜利 70 周年 was a
    # one-off day, not a festival.)
    statute = statutory_holidays(year)
    rest = {d for c in clusters(year) for d in c.rest_candidates}
    work = {d for c in clusters(year) for d in c.work_candidates}
    for day, name in chinese_calendar.holidays.items():
        if day.year != year or day.weekday() >= 5 or day in statute:
            continue
        if name == "Anti-Fascist 70th Day" or (day.month == 12 and name == "New Year's Day"):
            continue
        assert day in rest, (day, name)
    for day, name in chinese_calendar.workdays.items():
        if day.year != year or name == "Anti-Fascist 70th Day" or day.month == 12:
            continue
        assert day in work, (day, name)


@pytest.mark.parametrize("year", range(2008, 2027))
def test_swaps_cancel_out_so_each_cluster_has_as_many_working_days_as_the_statute_leaves(year: int) -> None:
    # A notice moves working days, it does not add or remove them (2020's Spring Festival
    # extension for the epidemic excepted): over each cluster the official schedule has as
    # many working days as the statute-with-补假 estimate.
    if year == 2020:
        pytest.skip("the 2020 Spring Festival break was extended by a separate notice")
    estimate = WorkCalendar(official_years=())
    for cluster in clusters(year):
        days = {*cluster.rest_candidates, *cluster.work_candidates}
        if not days:
            continue
        day, last, official, estimated = min(days), max(days), 0, 0
        if day.month == 1:  # 元旦's swaps may reach back into December (31 Dec 2011 was worked)
            day = dt.date(year - 1, 12, 24)
        while day <= last:
            official += chinese_calendar.is_workday(day)
            estimated += estimate.is_workday(day)[0]
            day += dt.timedelta(days=1)
        assert official == estimated, (year, min(days), last)
