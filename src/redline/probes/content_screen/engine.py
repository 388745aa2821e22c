"""The multi-pattern engine: ahocorasick-rs where it is installed, else a pure-Python one with the same answers.

Both find leftmost-longest, non-overlapping matches: at the leftmost position where some pattern starts,
the longest pattern there, then on from its end. REDLINE_PURE_PYTHON=1 turns the compiled engine off (and
tests compare the two).
"""

from __future__ import annotations

import os
import re
from typing import Protocol


class Automaton(Protocol):
    def find_matches_as_indexes(self, haystack: str) -> list[tuple[int, int, int]]: ...


def native() -> bool:
    """Whether the compiled engine is used."""
    if os.environ.get("REDLINE_PURE_PYTHON") == "1":
        return False
    try:
        import ahocorasick_rs  # noqa: F401
    except ImportError:
        return False
    return True


class PureAutomaton:
    """Leftmost-longest matching by dictionary look-ups at the positions where some pattern can start."""

    def __init__(self, patterns: list[str]) -> None:
        self.index: dict[str, int] = {}
        for number, pattern in enumerate(patterns):
            self.index.setdefault(pattern, number)
        self.lengths = sorted({len(p) for p in self.index}, reverse=True)
        firsts = sorted({p[0] for p in self.index})
        self.starts = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]" if firsts else "(?!)")

    def find_matches_as_indexes(self, haystack: str) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        index, lengths, search = self.index, self.lengths, self.starts.search
        position, size = 0, len(haystack)
        while (start := search(haystack, position)) is not None:
            at = start.start()
            for length in lengths:
                number = index.get(haystack[at : at + length]) if at + length <= size else None
                if number is not None:
                    found.append((number, at, at + length))
                    position = at + length
                    break
            else:
                position = at + 1
        return found


def automaton(patterns: list[str]) -> Automaton:
    """The engine for these patterns (none of them empty)."""
    if native():
        import ahocorasick_rs

        engine: Automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        return engine
    return PureAutomaton(patterns)
