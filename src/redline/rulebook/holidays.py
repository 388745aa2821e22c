"""Holiday files: a State Council notice transcribed as YAML, checked before it is trusted.

A file stands for one year. It must name its notice (title with the year, and its 文号 or
publication date), keep every date inside its year, give off every weekday the
全国年节及纪念日放假办法 itself makes a holiday, and list as worked only weekend days. It may
replace a year chinesecalendar already holds only when the user asks for that explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import chinese_calendar

from redline.errors import InputError
from redline.rulebook.schema import HolidayYear
from redline.rulebook.statutory_holidays import Festival, statutory_holidays
from redline.yamldoc import YamlDoc, load_model, read_yaml

FESTIVAL_NAMES = {
    Festival.NEW_YEAR: ("元旦", "New Year's Day"),
    Festival.SPRING_FESTIVAL: ("春节", "Spring Festival"),
    Festival.QINGMING: ("清明节", "Qingming"),
    Festival.LABOUR_DAY: ("劳动节", "Labour Day"),
    Festival.DRAGON_BOAT: ("端午节", "Dragon Boat Festival"),
    Festival.MID_AUTUMN: ("中秋节", "Mid-Autumn Festival"),
    Festival.NATIONAL_DAY: ("国庆节", "National Day"),
}
OVERRIDE_HINT = (
    "加 --override-official-holidays（或设 REDLINE_HOLIDAYS_OVERRIDE=1）方可替代 / "
    "pass --override-official-holidays (or set REDLINE_HOLIDAYS_OVERRIDE=1) to replace it"
)


@cache
def official_schedule_known(year: int) -> bool:
    """Does chinesecalendar hold the State Council notice for `year`?"""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def load_holiday_files(paths: Iterable[Path], allow_override: bool = False) -> tuple[HolidayYear, ...]:
    """Read and check every holiday file; the first problem is an InputError naming file, line and field."""
    years: dict[int, Path] = {}
    loaded = []
    for path in paths:
        doc = read_yaml(path)
        year = load_model(HolidayYear, doc)
        _check(year, doc, allow_override)
        if year.year in years:
            raise InputError(
                f"{year.year} 年已由 {years[year.year]} 给出 / {year.year} is already given by {years[year.year]}",
                source=doc.source,
                line=doc.line_of(("year",)),
                field="year",
            )
        years[year.year] = path
        loaded.append(year)
    return tuple(loaded)


def _fail(doc: YamlDoc, path: tuple[str | int, ...], message: str) -> InputError:
    return InputError(message, source=doc.source, line=doc.line_of(path), field=".".join(str(p) for p in path))


def _check(year: HolidayYear, doc: YamlDoc, allow_override: bool) -> None:
    _check_notice(year, doc)
    if official_schedule_known(year.year) and not allow_override:
        raise _fail(
            doc,
            ("year",),
            f"chinesecalendar 已收录国务院 {year.year} 年节假日安排，"
            f"不能被文件静默替代 / chinesecalendar already holds the State Council schedule "
            f"for {year.year}; a file does not silently replace it: {OVERRIDE_HINT}",
        )
    for key in ("holidays", "workdays"):
        for n, day in enumerate(getattr(year, key)):
            if day.year != year.year:
                raise _fail(doc, (key, n), f"{day} 不在 {year.year} 年内 / {day} is not in {year.year}")
    both = sorted(set(year.holidays) & set(year.workdays))
    if both:
        raise _fail(
            doc,
            ("workdays", year.workdays.index(both[0])),
            f"{both[0]} 同时列为放假和上班 / {both[0]} is listed both as a holiday and as a workday",
        )
    for n, day in enumerate(year.workdays):
        if day.weekday() < 5:
            raise _fail(
                doc,
                ("workdays", n),
                f"调休上班日 {day} 不是周末 / make-up workday {day} is a weekday, not a weekend day",
            )
    _check_statutory(year, doc)


def _check_notice(year: HolidayYear, doc: YamlDoc) -> None:
    notice = year.notice
    if f"{year.year}年" not in notice.title:
        raise _fail(
            doc,
            ("notice", "title"),
            f"通知标题应含“{year.year}年”（如“国务院办公厅关于"
            f"{year.year}年部分节假日安排的通知”）/ the notice title must name {year.year} "
            f"(as in 国务院办公厅关于{year.year}年部分节假日安排的通知)",
        )
    if notice.number is None and notice.published is None:
        raise _fail(
            doc,
            ("notice",),
            "请注明通知的文号（number）或发布日期（published）/ "
            "name the notice's reference number (number) or publication date (published)",
        )
    if notice.published is not None and notice.published.year not in (year.year - 1, year.year):
        raise _fail(
            doc,
            ("notice", "published"),
            f"{year.year} 年的安排通知不会在 "
            f"{notice.published} 发布 / a notice for {year.year} is not published on "
            f"{notice.published}",
        )


def _check_statutory(year: HolidayYear, doc: YamlDoc) -> None:
    """Every weekday the statute makes a holiday is off in any lawful notice."""
    for day, festival in sorted(statutory_holidays(year.year).items()):
        if day.weekday() < 5 and day not in year.holidays:
            zh, en = FESTIVAL_NAMES[festival]
            raise _fail(
                doc,
                ("holidays",),
                f"缺少 {day}（{zh}，《全国年节及纪念日放假办法》规定的"
                f"全体公民放假日）/ {day} ({en}, a holiday fixed by the Measures on National "
                "Holidays and Commemoration Days) is missing",
            )
        if day in year.workdays:
            raise _fail(
                doc,
                ("workdays", year.workdays.index(day)),
                f"{day} 是法定节假日，不能调休上班 / {day} is a statutory holiday, not a workday",
            )
