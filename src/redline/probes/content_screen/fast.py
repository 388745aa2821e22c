"""The compiled hot paths (`_fast.c`) where they are built, else their Python references, with the same answers.

Spaced regions, the letters of those regions, letter counts by script and the lines the spam detector must
look at take most of a screen's time in Python; `_fast.c` does each in one pass over the text. The Python
functions named here stay the reference: tests run both on the same generated text and compare.
REDLINE_PURE_PYTHON=1 turns the compiled path off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from types import ModuleType


def _load() -> ModuleType | None:
    try:
        from redline.probes.content_screen import _fast
    except ImportError:
        return None
    return _fast


_FAST = _load()


def compiled() -> ModuleType | None:
    """The compiled module, unless absent or turned off (checked at each call, so tests can turn it off)."""
    return None if os.environ.get("REDLINE_PURE_PYTHON") == "1" else _FAST


def bare_text(text: str, regions: list[tuple[int, int]], inner: str, longest: int) -> tuple[str, Sequence[int]]:
    """The letters and digits of the regions where a term can match with a separator inside, and the offset
    in `text` of each (-1 for a joint): for each place in a region where separators were taken out, the
    `longest` - 1 letters on either side (`longest`: the longest spaced term), widened on both sides to a
    letter that is not in `inner` (the characters terms hold after their first), or to the region's end.
    No match can run across such a letter other than by starting there, so the leftmost-longest scan of the
    whole region passes through it: a window's matches are those of the whole region. Windows are joined by
    line feeds, which no term holds, so no match runs across two."""
    module = compiled()
    if module is not None:
        letters, offsets = module.bare(text, regions, inner, longest)
        return letters, memoryview(offsets).cast("q")
    chars: list[str] = []
    where: list[int] = []
    held = frozenset(inner)
    for start, end in regions:
        kept = [i for i in range(start, end) if text[i].isalnum()]
        for low, high in _windows(kept, [text[i] for i in kept], held, longest):
            if chars:
                chars.append("\n")
                where.append(-1)
            chars += [text[i] for i in kept[low:high]]
            where += kept[low:high]
    return "".join(chars), where


def _windows(kept: list[int], letters: list[str], inner: frozenset[str], longest: int) -> Iterator[tuple[int, int]]:
    """`bare_text`'s windows in one region, as ranges of `kept` (offsets of its letters and digits)."""
    window: tuple[int, int] | None = None
    for i in range(1, len(kept)):
        if kept[i] - kept[i - 1] <= 1:
            continue
        low, high = max(0, i - (longest - 1)), min(len(kept), i + longest - 1)
        while low > 0 and _held(letters[low], inner):
            low -= 1
        while high < len(kept) and _held(letters[high], inner):
            high += 1
        if window is not None and low <= window[1]:
            window = (window[0], max(window[1], high))
            continue
        if window is not None:
            yield window
        window = (low, high)
    if window is not None:
        yield window


def _held(letter: str, inner: frozenset[str]) -> bool:
    return letter in inner or ord(letter) >= 0x10000  # as _fast.c, which keeps no table beyond the BMP
