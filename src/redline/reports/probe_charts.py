"""Charts on a probe-run page, drawn here from the run's numbers: a run document may come from anyone (an
upload as evidence), so its text is data and never markup; only numbers that check out are drawn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from redline.probes.log_retention.calendar_svg import MAX_DAYS, coverage_svg
from redline.probes.log_retention.checks import LOCAL_OFFSET

MAX_EPOCH_HOUR = 24 * 366 * 200  # beyond the year 2170: not a log record's hour
MAX_COUNT = 10**15


def _hour_counts(value: Any) -> dict[int, int] | None:
    """`{"<epoch hour>": records}` as numbers; entries that are not such numbers are left out."""
    if not isinstance(value, Mapping):
        return None
    hours: dict[int, int] = {}
    for key, count in list(value.items())[: MAX_DAYS * 24 * 4]:
        if not (isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 9):
            continue
        if type(count) is not int or not 0 < count <= MAX_COUNT or int(key) > MAX_EPOCH_HOUR:
            continue
        hours[int(key)] = count
    return hours or None


def coverage_chart(summary: Any) -> Markup | None:
    """The log coverage calendar from `records_per_hour`, or None when the run has no such numbers."""
    hours = _hour_counts(summary.get("records_per_hour")) if isinstance(summary, Mapping) else None
    if hours is None:
        return None
    return Markup(coverage_svg(hours, LOCAL_OFFSET))  # our own SVG: numbers and fixed, escaped text
