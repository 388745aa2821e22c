"""Server-side SVG charts for the dashboard: plain strings, no JavaScript, no inline styles.

Each function returns one complete ``<svg>`` element that scales to its container (``width="100%"`` plus a
``viewBox``), carries ``role="img"`` and a ``<title>`` for screen readers, and styles itself only through CSS
classes and presentation attributes (``fill``, ``font-size``), because the page's Content-Security-Policy
forbids ``style=`` attributes and ``<style>`` elements. Every piece of caller text is XML-escaped.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

__all__ = ["bar_chart", "line_chart"]

FONT_FAMILY = "Noto Sans CJK SC, sans-serif"
EMPTY_MARK = "—"
MAX_LABEL_CHARS = 14
ELLIPSIS = "…"

_FONT_SIZE = 12
_TEXT_COLOUR = "#333333"
_MUTED_COLOUR = "#666666"
_GRID_COLOUR = "#dddddd"

# Bar chart layout, in viewBox units (px at 1:1). Fourteen full-width characters at 12 px need 168 px,
# so the label column is a little wider than 9rem to keep truncated Chinese labels inside the picture.
_LABEL_WIDTH = MAX_LABEL_CHARS * _FONT_SIZE + 12
_VALUE_WIDTH = 64
_ROW_GAP = 8
_PAD = 8

# Line chart margins: room for y tick values at the left and x labels underneath.
_LEFT = 48
_RIGHT = 32
_TOP = 16
_BOTTOM = 32
_TARGET_TICKS = 4


def bar_chart(
    title: str, data: list[tuple[str, int]], *, width: int = 640, bar_height: int = 22, colour: str = "#3b6ea5"
) -> str:
    """Horizontal bars, one row per ``(label, value)``, scaled to the largest value.

    Labels sit in a column at the left (truncated past 14 characters; the full label stays in the row's
    tooltip), the value is printed at the end of its bar. An empty ``data`` list draws a lone "—".
    """
    if width <= _LABEL_WIDTH + _VALUE_WIDTH:
        raise ValueError(f"bar chart width must exceed {_LABEL_WIDTH + _VALUE_WIDTH}, got {width}")
    if bar_height <= 0:
        raise ValueError(f"bar height must be positive, got {bar_height}")
    _require_non_negative(data)

    if not data:
        return _empty(title, width, 2 * bar_height + 2 * _PAD)

    row = bar_height + _ROW_GAP
    height = 2 * _PAD + len(data) * row - _ROW_GAP
    track = width - _LABEL_WIDTH - _VALUE_WIDTH
    biggest = max(value for _, value in data)

    parts = [_open(title, width, height)]
    for index, (label, value) in enumerate(data):
        top = _PAD + index * row
        middle = top + bar_height / 2
        baseline = middle + _FONT_SIZE * 0.35
        bar_width = track * value / biggest if biggest else 0.0
        parts.append(
            f'<g class="row"><title>{escape(f"{label}: {value}")}</title>'
            f'<text class="label" x="{_LABEL_WIDTH - 8}" y="{_num(baseline)}" text-anchor="end" '
            f'font-size="{_FONT_SIZE}" fill="{_TEXT_COLOUR}">{escape(_truncate(label))}</text>'
            f'<rect class="bar" x="{_LABEL_WIDTH}" y="{top}" width="{_num(bar_width)}" height="{bar_height}" '
            f"fill={quoteattr(colour)}/>"
            f'<text class="value" x="{_num(_LABEL_WIDTH + bar_width + 6)}" y="{_num(baseline)}" '
            f'font-size="{_FONT_SIZE}" fill="{_TEXT_COLOUR}">{value}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title: str, points: list[tuple[str, int]], *, width: int = 640, height: int = 220, colour: str = "#b3261e"
) -> str:
    """A polyline over evenly spaced x labels (e.g. months "2026-09"), y axis from 0 to the maximum.

    The y axis tops out at the maximum rounded up to a whole grid step, with a few labelled horizontal grid
    lines. Each point is a circle whose ``<title>`` reads "label: value". All-zero data is a flat line at the
    bottom; an empty ``points`` list draws a lone "—".
    """
    if width <= _LEFT + _RIGHT:
        raise ValueError(f"line chart width must exceed {_LEFT + _RIGHT}, got {width}")
    if height <= _TOP + _BOTTOM:
        raise ValueError(f"line chart height must exceed {_TOP + _BOTTOM}, got {height}")
    _require_non_negative(points)

    if not points:
        return _empty(title, width, height)

    plot_width = width - _LEFT - _RIGHT
    plot_height = height - _TOP - _BOTTOM
    bottom = _TOP + plot_height
    step = _tick_step(max(value for _, value in points))
    top_value = step * -(-max(value for _, value in points) // step)  # ceiling to a whole step

    def y_of(value: int) -> float:
        return bottom - plot_height * value / top_value if top_value else float(bottom)

    count = len(points)
    xs = [_LEFT + plot_width / 2] if count == 1 else [_LEFT + plot_width * i / (count - 1) for i in range(count)]

    parts = [_open(title, width, height)]
    for tick in range(0, top_value + 1, step):
        y = _num(y_of(tick))
        parts.append(
            f'<line class="grid" x1="{_LEFT}" y1="{y}" x2="{_LEFT + plot_width}" y2="{y}" '
            f'stroke="{_GRID_COLOUR}" stroke-width="1"/>'
            f'<text class="tick" x="{_LEFT - 6}" y="{_num(y_of(tick) + _FONT_SIZE * 0.35)}" text-anchor="end" '
            f'font-size="{_FONT_SIZE - 1}" fill="{_MUTED_COLOUR}">{tick}</text>'
        )

    # Thin the x labels so they do not collide: roughly 7 px per character at this font size.
    longest = max(len(_truncate(label)) for label, _ in points)
    room = plot_width / count
    every = max(1, -(-(longest * 7 + 8) // max(1, int(room))))
    label_y = _num(bottom + _FONT_SIZE + 8)
    for index, (label, _) in enumerate(points):
        if index % every == 0:
            parts.append(
                f'<text class="label" x="{_num(xs[index])}" y="{label_y}" text-anchor="middle" '
                f'font-size="{_FONT_SIZE - 1}" fill="{_MUTED_COLOUR}">{escape(_truncate(label))}</text>'
            )

    coords = " ".join(f"{_num(x)},{_num(y_of(value))}" for x, (_, value) in zip(xs, points, strict=True))
    parts.append(
        f'<polyline class="line" points="{coords}" fill="none" stroke={quoteattr(colour)} stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )
    for x, (label, value) in zip(xs, points, strict=True):
        parts.append(
            f'<circle class="point" cx="{_num(x)}" cy="{_num(y_of(value))}" r="3.5" fill={quoteattr(colour)}>'
            f"<title>{escape(f'{label}: {value}')}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label={quoteattr(title)} '
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
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1] + ELLIPSIS


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
