"""Public holidays fixed by the 全国年节及纪念日放假办法 itself, computed for any year.

The statute names the holidays every citizen has off (全体公民放假的节日) and says that one
falling on a Saturday or Sunday is made up on a working day (补假). Only the bridging days
and the weekend days worked in exchange (调休) come from the State Council's yearly notice.
So for a year whose notice redline does not know, the statutory days are certain and the
rest is an estimate: `substitute_rest_days` places each 补假 on the first free weekday after
the festival, which is what every notice since 2008 has done.

The lunar dates (春节, 端午, 中秋) and the Qingming solar term come from `lunar_python`.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from lunar_python import Lunar, Solar

ONE_DAY = dt.timedelta(days=1)


class Festival(enum.Enum):
    NEW_YEAR = "new_years_day"
    SPRING_FESTIVAL = "spring_festival"
    QINGMING = "tomb_sweeping_day"
    LABOUR_DAY = "labour_day"
    DRAGON_BOAT = "dragon_boat_festival"
    MID_AUTUMN = "mid_autumn_festival"
    NATIONAL_DAY = "national_day"


@dataclass(frozen=True)
class HolidayLaw:
    """One revision of the 放假办法: which festivals, and how many days of each."""

    title_zh: str
    title_en: str
    effective: dt.date
    spring_festival_offsets: tuple[int, ...]  # days from 正月初一; -1 is 除夕
    labour_days: int
    traditional_festivals: bool  # 清明, 端午 and 中秋 (from 2008)


REVISIONS = (
    HolidayLaw(
        "《全国年节及纪念日放假办法》（1999年修订）",
        "Measures on National Holidays and Commemoration Days (1999 revision)",
        dt.date(1999, 9, 18),
        (0, 1, 2),
        3,
        False,
    ),
    HolidayLaw(
        "《全国年节及纪念日放假办法》（2007年修订）",
        "Measures on National Holidays and Commemoration Days (2007 revision)",
        dt.date(2008, 1, 1),
        (-1, 0, 1),
        1,
        True,
    ),
    HolidayLaw(
        "《全国年节及纪念日放假办法》（2013年修订）",
        "Measures on National Holidays and Commemoration Days (2013 revision)",
        dt.date(2014, 1, 1),
        (0, 1, 2),
        1,
        True,
    ),
    HolidayLaw(
        "《全国年节及纪念日放假办法》（2024年修订）",
        "Measures on National Holidays and Commemoration Days (2024 revision)",
        dt.date(2025, 1, 1),
        (-1, 0, 1, 2),
        2,
        True,
    ),
)


def law_for(year: int) -> HolidayLaw:
    """The revision in force on 1 January of `year` (each revision took effect on a 1 January
    except the first)."""
    in_force = [law for law in REVISIONS if law.effective <= dt.date(year, 12, 31)]
    if not in_force:
        raise ValueError(f"no holiday statute known for {year}")
    return in_force[-1]


def _lunar(year: int, month: int, day: int) -> dt.date:
    """Gregorian date of lunar `month`/`day` in the lunar year that starts in `year`."""
    lunar_year = Solar.fromYmd(year, 6, 1).getLunar().getYear()
    target = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return dt.date(target.getYear(), target.getMonth(), target.getDay())


def qingming(year: int) -> dt.date:
    """The day of the Qingming solar term (sun at 15° ecliptic longitude, Beijing time)."""
    term = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    return dt.date(term.getYear(), term.getMonth(), term.getDay())


def _spans(year: int, law: HolidayLaw) -> list[tuple[Festival, list[dt.date]]]:
    new_year = _lunar(year, 1, 1)
    spans = [
        (Festival.NEW_YEAR, [dt.date(year, 1, 1)]),
        (Festival.SPRING_FESTIVAL, [new_year + n * ONE_DAY for n in law.spring_festival_offsets]),
        (Festival.LABOUR_DAY, [dt.date(year, 5, 1 + n) for n in range(law.labour_days)]),
        (Festival.NATIONAL_DAY, [dt.date(year, 10, 1 + n) for n in range(3)]),
    ]
    if law.traditional_festivals:
        spans += [
            (Festival.QINGMING, [qingming(year)]),
            (Festival.DRAGON_BOAT, [_lunar(year, 5, 5)]),
            (Festival.MID_AUTUMN, [_lunar(year, 8, 15)]),
        ]
    return spans


def statutory_holidays(year: int) -> dict[dt.date, Festival]:
    """Every day of `year` the statute itself gives all citizens off."""
    return {day: festival for festival, days in _spans(year, law_for(year)) for day in days}


def substitute_rest_days(year: int) -> dict[dt.date, Festival]:
    """补假: one weekday off for each statutory day on a weekend, placed on the first weekday
    after that festival that is not itself a holiday (the yearly notice fixes the real day)."""
    holidays = statutory_holidays(year)
    taken: dict[dt.date, Festival] = {}
    for festival, days in _spans(year, law_for(year)):
        day = max(days)
        for _ in range(sum(1 for d in days if d.weekday() >= 5)):
            day += ONE_DAY
            while day.weekday() >= 5 or day in holidays or day in taken:
                day += ONE_DAY
            taken[day] = festival
    return taken
