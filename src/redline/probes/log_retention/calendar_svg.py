"""The coverage calendar: one row per day, one column per hour, a cell for every hour that has records.

Like `redline.web.charts`, the SVG styles itself only with classes and presentation attributes (the page's
Content-Security-Policy forbids `style` attributes and elements); empty hours draw no cell, so gaps show as
the background.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

FONT_FAMILY = "Noto Sans CJK SC, sans-serif"
MAX_DAYS = 800
_CELL = 10
_LEFT = 76
_TOP = 22
_SHADES = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")
_GAP_COLOUR = "#fde0dd"


def coverage_svg(hours: Mapping[int, int], offset_seconds: int = 8 * 3600, title: str = "log coverage") -> str:
    """`hours` maps epoch hour (seconds // 3600) to records; days are local days at `offset_seconds`."""
    local = {hour + offset_seconds // 3600: count for hour, count in hours.items() if count > 0}
    if not local:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label={quoteattr(title)} '
            f'viewBox="0 0 320 40" width="100%"><title>{escape(title)}</title>'
            f'<text class="empty" x="160" y="24" text-anchor="middle" font-size="12">—</text></svg>'
        )
    first_day, last_day = min(local) // 24, max(local) // 24
    first_day = max(first_day, last_day - MAX_DAYS + 1)
    days = last_day - first_day + 1
    width, height = _LEFT + 24 * _CELL + 8, _TOP + days * _CELL + 8
    biggest = max(local.values())
    zone = f"UTC{offset_seconds // 3600:+d}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label={quoteattr(title)} '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f"font-family={quoteattr(FONT_FAMILY)}><title>{escape(f'{title} ({zone}, days x hours)')}</title>",
        f'<rect class="background" x="{_LEFT}" y="{_TOP}" width="{24 * _CELL}" height="{days * _CELL}" '
        f'fill="#f5f5f5"/>',
    ]
    for hour in range(0, 24, 6):
        parts.append(
            f'<text class="hour" x="{_LEFT + hour * _CELL}" y="{_TOP - 6}" font-size="9" '
            f'fill="#666666">{hour:02d}</text>'
        )
    filled_days = {hour // 24 for hour in local}
    for row in range(days):
        day = first_day + row
        label = _date(day)
        y = _TOP + row * _CELL
        if day not in filled_days:
            parts.append(
                f'<rect class="gap-day" x="{_LEFT}" y="{y}" width="{24 * _CELL}" height="{_CELL}" '
                f'fill="{_GAP_COLOUR}"><title>{label}: no records</title></rect>'
            )
        if row % 7 == 0 or _date(day).endswith("-01"):
            parts.append(
                f'<text class="day" x="{_LEFT - 4}" y="{y + _CELL - 1}" text-anchor="end" font-size="9" '
                f'fill="#333333">{label}</text>'
            )
    for hour, count in sorted(local.items()):
        day = hour // 24
        if day < first_day:
            continue
        shade = _SHADES[min(len(_SHADES) - 1, len(_SHADES) * count // (biggest + 1))]
        parts.append(
            f'<rect class="cell" x="{_LEFT + (hour % 24) * _CELL}" y="{_TOP + (day - first_day) * _CELL}" '
            f'width="{_CELL - 1}" height="{_CELL - 1}" fill="{shade}">'
            f"<title>{_date(day)} {hour % 24:02d}:00 {zone}: {count} records</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _date(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
