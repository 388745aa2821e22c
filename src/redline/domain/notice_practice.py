"""What a yearly State Council notice can still change once the statutory holidays are known.

A notice (国务院办公厅关于某年部分节假日安排的通知) adds bridging weekdays off (调休) and, for
each, one weekend day worked in exchange; it also places each 补假 the statute requires. The
notices of 2008-2026 did so only close to a festival: `WINDOWS` holds, per festival, how many
days before its first and after its last statutory day a rest weekday or a worked weekend
day has fallen (tests check every schedule chinesecalendar knows against it). Festivals
whose windows overlap are treated as one `Cluster`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from redline.rulebook.statutory_holidays import (
    ONE_DAY,
    Festival,
    statutory_holidays,
    substitute_rest_days,
)


@dataclass(frozen=True)
class Window:
    rest_before: int
    rest_after: int
    work_before: int
    work_after: int


WINDOWS = {
    Festival.NEW_YEAR: Window(1, 2, 3, 5),
    Festival.SPRING_FESTIVAL: Window(1, 4, 6, 9),
    Festival.QINGMING: Window(2, 2, 4, 3),
    Festival.LABOUR_DAY: Window(2, 4, 8, 10),
    Festival.DRAGON_BOAT: Window(2, 2, 4, 3),
    Festival.MID_AUTUMN: Window(1, 2, 3, 3),
    Festival.NATIONAL_DAY: Window(2, 6, 11, 9),
}


@dataclass(frozen=True)
class Cluster:
    """Days around one or more festivals whose status only the notice settles.

    `rest_candidates`: weekdays that may be given off (补假 or bridging); `work_candidates`:
    weekend days that may be worked; `substitutes`: how many 补假 the statute requires.
    Bridging days and worked weekend days come in equal numbers.
    """

    rest_candidates: tuple[dt.date, ...]
    work_candidates: tuple[dt.date, ...]
    substitutes: int

    @property
    def max_swaps(self) -> int:
        return max(0, min(len(self.rest_candidates) - self.substitutes, len(self.work_candidates)))

    def schedule(self, swaps: int, early: bool) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
        """(weekdays off, weekend days worked) that favour an early (or late) deadline most."""
        rests = self.substitutes + swaps
        rest = self.rest_candidates[len(self.rest_candidates) - rests :] if early else self.rest_candidates[:rests]
        work = self.work_candidates[:swaps] if early else self.work_candidates[len(self.work_candidates) - swaps :]
        return frozenset(rest if rests else ()), frozenset(work if swaps else ())


def _span(first: dt.date, last: dt.date, before: int, after: int, year: int) -> list[dt.date]:
    day, end, out = first - before * ONE_DAY, last + after * ONE_DAY, []
    while day <= end:
        if day.year == year:
            out.append(day)
        day += ONE_DAY
    return out


def clusters(year: int) -> list[Cluster]:
    """The clusters of `year`, each confined to that year."""
    holidays = statutory_holidays(year)
    substitutes = substitute_rest_days(year)
    groups: list[tuple[set[dt.date], set[dt.date], int]] = []
    for festival, window in WINDOWS.items():
        days = [d for d, f in holidays.items() if f is festival]
        if not days:  # not a holiday under that year's revision (清明, 端午, 中秋 before 2008)
            continue
        first, last = min(days), max(days)
        rest = {
            d
            for d in _span(first, last, window.rest_before, window.rest_after, year)
            if d.weekday() < 5 and d not in holidays
        }
        rest |= {d for d, f in substitutes.items() if f is festival}
        work = {
            d
            for d in _span(first, last, window.work_before, window.work_after, year)
            if d.weekday() >= 5 and d not in holidays
        }
        owed = sum(1 for d, f in substitutes.items() if f is festival)
        groups.append((rest, work, owed))
    return [Cluster(tuple(sorted(r)), tuple(sorted(w)), n) for r, w, n in _merge(groups)]


def _merge(groups: list[tuple[set[dt.date], set[dt.date], int]]) -> list[tuple[set[dt.date], set[dt.date], int]]:
    merged: list[tuple[set[dt.date], set[dt.date], int]] = []
    for rest, work, owed in sorted(groups, key=lambda g: min(g[0] | g[1], default=dt.date.max)):
        if merged and _overlaps(merged[-1], rest | work):
            last = merged[-1]
            merged[-1] = (last[0] | rest, last[1] | work, last[2] + owed)
        else:
            merged.append((set(rest), set(work), owed))
    return merged


def _overlaps(group: tuple[set[dt.date], set[dt.date], int], days: set[dt.date]) -> bool:
    mine = group[0] | group[1]
    return bool(mine and days) and min(days) <= max(mine)
