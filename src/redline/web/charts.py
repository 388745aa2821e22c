"""Server-side SVG charts for the dashboard: plain strings, no JavaScript, no inline styles.

Each function returns one complete ``<svg>`` element that scales to its container (``width="100%"`` plus a
``viewBox``), carries ``role="img"`` (``role="group"`` when its bars or points are links, since an image's
contents are hidden from screen readers) and a ``<title>`` for screen readers, and styles itself only through CSS
classes and presentation attributes (``fill``, ``font-size``), because the page's Content-Security-Policy
forbids ``style=`` attributes and ``<style>`` elements. Every piece of caller text is XML-escaped.

Text is 13 px (ticks and axis values 12 px) at 1:1; a page keeps a chart at least as wide as its viewBox so
nothing reads smaller than 11 px. Given ``links``, each bar or point is an ``<a>`` to its own address (the
dashboard's drill-down into the queue).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

__all__ = ["bar_chart", "line_chart"]

FONT_FAMILY = "Noto Sans CJK SC, sans-serif"
EMPTY_MARK = "—"
MAX_LABEL_CHARS = 14
ELLIPSIS = "…"

_FONT_SIZE = 13
_SMALL_SIZE = 12
_TEXT_COLOUR = "#333333"
_MUTED_COLOUR = "#666666"
_GRID_COLOUR = "#dddddd"

# Bar chart layout, in viewBox units (px at 1:1). Fourteen full-width characters at 13 px need 182 px,
# so the label column is a little wider to keep truncated Chinese labels inside the picture.
_LABEL_WIDTH = MAX_LABEL_CHARS * _FONT_SIZE + 12
_VALUE_WIDTH = 64
_ROW_GAP = 8
_PAD = 8

# Line chart margins: room for y tick values at the left and x labels underneath.
_LEFT = 48
_RIGHT = 32
_TOP = 16
_BOTTOM = 32
_AXIS_ROOM = 20  # an axis title's line
_TARGET_TICKS = 4


def bar_chart(
    title: str,
    data: list[tuple[str, int]],
    *,
    width: int = 640,
    bar_height: int = 22,
    colour: str = "#3b6ea5",
    links: Sequence[str] | None = None,
    axis: str = "",
) -> str:
    """Horizontal bars, one row per ``(label, value)``, scaled to the largest value.

    Labels sit in a column at the left (truncated past 14 full-width characters; the full label stays in the
    row's tooltip), the value is printed at the end of its bar, and ``axis`` (what the values count) under the
    bars. ``links[i]`` makes row i a link. An empty ``data`` list draws a lone "—".
    """
    if width <= _LABEL_WIDTH + _VALUE_WIDTH:
        raise ValueError(f"bar chart width must exceed {_LABEL_WIDTH + _VALUE_WIDTH}, got {width}")
    if bar_height <= 0:
        raise ValueError(f"bar height must be positive, got {bar_height}")
    _require_non_negative(data)
    _require_links(data, links)

    if not data:
        return _empty(title, width, 2 * bar_height + 2 * _PAD)

    row = bar_height + _ROW_GAP
    bars_bottom = _PAD + len(data) * row - _ROW_GAP
    height = bars_bottom + _PAD + (_AXIS_ROOM if axis else 0)
    track = width - _LABEL_WIDTH - _VALUE_WIDTH
    biggest = max(value for _, value in data)

    parts = [_open(title, width, height, linked=bool(links))]
    for index, (label, value) in enumerate(data):
        top = _PAD + index * row
        middle = top + bar_height / 2
        baseline = middle + _FONT_SIZE * 0.35
        bar_width = track * value / biggest if biggest else 0.0
        parts.append(
            _linked(
                links[index] if links else None,
                f"{label}: {value}",
                f'<g class="row"><title>{escape(f"{label}: {value}")}</title>'
                f'<text class="label" x="{_LABEL_WIDTH - 8}" y="{_num(baseline)}" text-anchor="end" '
                f'font-size="{_FONT_SIZE}" fill="{_TEXT_COLOUR}">{escape(_truncate(label))}</text>'
                f'<rect class="bar" x="{_LABEL_WIDTH}" y="{top}" width="{_num(bar_width)}" height="{bar_height}" '
                f"fill={quoteattr(colour)}/>"
                f'<text class="value" x="{_num(_LABEL_WIDTH + bar_width + 6)}" y="{_num(baseline)}" '
                f'font-size="{_FONT_SIZE}" fill="{_TEXT_COLOUR}">{value}</text></g>',
            )
        )
    if axis:
        parts.append(
            f'<text class="axis" x="{_num(_LABEL_WIDTH + track / 2)}" y="{_num(height - _PAD + 2)}" '
            f'text-anchor="middle" font-size="{_SMALL_SIZE}" fill="{_MUTED_COLOUR}">{escape(axis)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title: str,
    points: list[tuple[str, int]],
    *,
    width: int = 640,
    height: int = 220,
    colour: str = "#b3261e",
    links: Sequence[str] | None = None,
    x_axis: str = "",
    y_axis: str = "",
) -> str:
    """A polyline over evenly spaced x labels (e.g. months "2026-09"), y axis from 0 to the maximum.

    The y axis tops out at the maximum rounded up to a whole grid step, with a few labelled horizontal grid
    lines. Each point is a circle whose ``<title>`` reads "label: value", with its value printed above it;
    ``links[i]`` makes point i a link. ``x_axis`` and ``y_axis`` name the axes. All-zero data is a flat line
    at the bottom; an empty ``points`` list draws a lone "—".
    """
    left, bottom_margin = _LEFT + (_AXIS_ROOM if y_axis else 0), _BOTTOM + (_AXIS_ROOM if x_axis else 0)
    if width <= left + _RIGHT:
        raise ValueError(f"line chart width must exceed {left + _RIGHT}, got {width}")
    if height <= _TOP + bottom_margin:
        raise ValueError(f"line chart height must exceed {_TOP + bottom_margin}, got {height}")
    _require_non_negative(points)
    _require_links(points, links)

    if not points:
        return _empty(title, width, height)

    plot_width = width - left - _RIGHT
    plot_height = height - _TOP - bottom_margin
    bottom = _TOP + plot_height
    step = _tick_step(max(value for _, value in points))
    top_value = step * -(-max(value for _, value in points) // step)  # ceiling to a whole step

    def y_of(value: int) -> float:
        return bottom - plot_height * value / top_value if top_value else float(bottom)

    count = len(points)
    xs = [left + plot_width / 2] if count == 1 else [left + plot_width * i / (count - 1) for i in range(count)]

    parts = [_open(title, width, height, linked=bool(links))]
    for tick in range(0, top_value + 1, step):
        y = _num(y_of(tick))
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y}" x2="{left + plot_width}" y2="{y}" '
            f'stroke="{_GRID_COLOUR}" stroke-width="1"/>'
            f'<text class="tick" x="{left - 6}" y="{_num(y_of(tick) + _SMALL_SIZE * 0.35)}" text-anchor="end" '
            f'font-size="{_SMALL_SIZE}" fill="{_MUTED_COLOUR}">{tick}</text>'
        )

    # Thin the x labels so they do not collide: roughly 7 px per character at this font size.
    longest = max(len(_truncate(label)) for label, _ in points)
    room = plot_width / count
    every = max(1, -(-(longest * 7 + 8) // max(1, int(room))))
    label_y = _num(bottom + _SMALL_SIZE + 8)
    for index, (label, _) in enumerate(points):
        if index % every == 0:
            parts.append(
                f'<text class="label" x="{_num(xs[index])}" y="{label_y}" text-anchor="middle" '
                f'font-size="{_SMALL_SIZE}" fill="{_MUTED_COLOUR}">{escape(_truncate(label))}</text>'
            )
    parts += _axis_titles(x_axis, y_axis, left + plot_width / 2, height, _TOP + plot_height / 2)

    coords = " ".join(f"{_num(x)},{_num(y_of(value))}" for x, (_, value) in zip(xs, points, strict=True))
    parts.append(
        f'<polyline class="line" points="{coords}" fill="none" stroke={quoteattr(colour)} stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )
    for index, (x, (label, value)) in enumerate(zip(xs, points, strict=True)):
        point_y = y_of(value)
        shown = (
            f'<text class="value" x="{_num(x)}" y="{_num(point_y - 8)}" text-anchor="middle" font-size="{_SMALL_SIZE}" '
            f'fill="{_TEXT_COLOUR}">{value}</text>'
            if index % every == 0
            else ""
        )
        parts.append(
            _linked(
                links[index] if links else None,
                f"{label}: {value}",
                f'<circle class="point" cx="{_num(x)}" cy="{_num(point_y)}" r="4.5" fill={quoteattr(colour)}>'
                f"<title>{escape(f'{label}: {value}')}</title></circle>{shown}",
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def _axis_titles(x_axis: str, y_axis: str, x_middle: float, height: int, y_middle: float) -> list[str]:
    out = []
    if x_axis:
        out.append(
            f'<text class="axis" x="{_num(x_middle)}" y="{height - 6}" text-anchor="middle" '
            f'font-size="{_SMALL_SIZE}" fill="{_MUTED_COLOUR}">{escape(x_axis)}</text>'
        )
    if y_axis:
        out.append(
            f'<text class="axis" x="0" y="0" transform="translate(14 {_num(y_middle)}) rotate(-90)" '
            f'text-anchor="middle" font-size="{_SMALL_SIZE}" fill="{_MUTED_COLOUR}">{escape(y_axis)}</text>'
        )
    return out


def _linked(href: str | None, name: str, body: str) -> str:
    """`body` inside an SVG link to `href` (an address the caller built; quoted here) that screen readers call
    `name`, or `body` as it is."""
    return f"<a href={quoteattr(href)} aria-label={quoteattr(name)}>{body}</a>" if href else body


def _require_links(data: list[tuple[str, int]], links: Sequence[str] | None) -> None:
    if links is not None and len(links) != len(data):
        raise ValueError(f"one link per value: {len(links)} links for {len(data)} values")


def _open(title: str, width: int, height: int, *, linked: bool = False) -> str:
    role = "group" if linked else "img"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="{role}" aria-label={quoteattr(title)} '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f"font-family={quoteattr(FONT_FAMILY)}><title>{escape(title)}</title>"
    )


def _empty(title: str, width: int, height: int) -> str:
    return (
        f'{_open(title, width, height)}<text class="empty" x="{_num(width / 2)}" '
        f'y="{_num(height / 2 + _FONT_SIZE * 0.35)}" text-anchor="middle" font-size="{_FONT_SIZE}" '
        f'fill="{_MUTED_COLOUR}">{EMPTY_MARK}</text></svg>'
    )


def _require_non_negative(data: list[tuple[str, int]]) -> None:
    for label, value in data:
        if value < 0:
            raise ValueError(f"chart values must be >= 0, got {value} for {label!r}")


def _truncate(label: str) -> str:
    """At most 14 full-width characters' room; a narrow (Latin) character takes about 0.6 of one."""
    room, used = float(MAX_LABEL_CHARS), 0.0
    widths = [1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in label]
    if sum(widths) <= room:
        return label
    for index, w in enumerate(widths):
        if used + w > room - 1:  # keep one full width for the ellipsis
            return label[:index] + ELLIPSIS
        used += w
    return label


def _tick_step(biggest: int) -> int:
    """The smallest 1-2-5 step that covers ``biggest`` in about four intervals (1 when everything is 0)."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * magnitude
            if step * _TARGET_TICKS >= biggest:
                return step
        magnitude *= 10


def _num(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros ("12", "12.5", not "12.500000")."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
