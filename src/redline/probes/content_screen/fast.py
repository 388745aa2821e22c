"""The compiled hot paths (`_fast.c`) where they are built, else their Python references, with the same answers.

Spaced regions, the letters of those regions, letter counts by script and the lines the spam detector must
look at take most of a screen's time in Python; `_fast.c` does each in one pass over the text. The Python
functions named here stay the reference: tests run both on the same generated text and compare.
REDLINE_PURE_PYTHON=1 turns the compiled path off.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
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


def bare_text(text: str, regions: list[tuple[int, int]]) -> tuple[str, Sequence[int]]:
    """The letters and digits of each region holding a separator, regions joined by line feeds (no term holds
    one, so no match runs across two regions), and the offset in `text` of each character (-1 for a joint)."""
    module = compiled()
    if module is not None:
        letters, offsets = module.bare(text, regions)
        return letters, memoryview(offsets).cast("q")
    chars: list[str] = []
    where: list[int] = []
    for start, end in regions:
        kept = [i for i in range(start, end) if text[i].isalnum()]
        if len(kept) == end - start:
            continue  # no separator inside: the plain pass has it
        if chars:
            chars.append("\n")
            where.append(-1)
        chars += [text[i] for i in kept]
        where += kept
    return "".join(chars), where
