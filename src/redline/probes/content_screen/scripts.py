"""Letters counted by writing system, as `spam.script_of` names them, at the speed of the regex engine.

A Python call per character costs seconds on a few megabytes: Han, Latin and kana letters (nearly all of
what users write here) are counted by deleting them with one compiled character class each; the few other
letters are found with one more class and named one at a time.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from redline.probes.content_screen import fast

LOW_SCRIPTS = ("han", "latin", "kana")


def script_of(c: str) -> str | None:
    """The writing system of a letter, or None for digits, punctuation, spaces and symbols."""
    if not c.isalpha():
        return None
    cp = ord(c)
    if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or cp >= 0x20000:
        return "han"
    if c.isascii() or 0xFF21 <= cp <= 0xFF5A:
        return "latin"
    if 0x3040 <= cp <= 0x30FF:
        return "kana"
    name = unicodedata.name(c, "")
    return name.split(" ", 1)[0].lower() if name else "other"


def char_ranges(points: list[int]) -> str:
    """The body of a regex character class holding exactly `points` (sorted code points), runs as ranges."""
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        parts.append(re.escape(chr(points[i])) + ("-" + re.escape(chr(points[j])) if j > i else ""))
        i = j + 1
    return "".join(parts)


RANGES = {
    "han": ((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x110000)),
    "latin": ((0x41, 0x5B), (0x61, 0x7B), (0xFF21, 0xFF5B)),
    "kana": ((0x3040, 0x3100),),
}


@cache
def _low() -> tuple[re.Pattern[str], ...]:
    """One class of the letters of each low script (building them takes a second or two: only the pure-Python
    path needs them)."""
    letters = {
        name: [cp for low, high in ranges for cp in range(low, high) if script_of(chr(cp)) == name]
        for name, ranges in RANGES.items()
    }
    return tuple(re.compile("[" + char_ranges(letters[name]) + "]+") for name in LOW_SCRIPTS)


@cache
def _rest() -> re.Pattern[str]:
    """Every word character but digits outside the low scripts' ranges: the letters of other scripts (and
    some characters that are not letters, which `script_of` turns away)."""
    outside = "".join(re.escape(chr(low)) + "-" + re.escape(chr(high - 1)) for r in RANGES.values() for low, high in r)
    return re.compile(r"[^\W\d_" + outside + "]")


def count_scripts(text: str) -> Counter[str]:
    """`Counter(script_of(c) for c in text if script_of(c))`, with its keys in order of first appearance."""
    rest = _rest()
    firsts: list[tuple[int, str, int]] = []
    module = fast.compiled()
    if module is not None:  # one pass in C; other letters, if any, from the first of them on as below
        *counts, other = module.letters(text)
        firsts = [(at, name, count) for name, (count, at) in zip(LOW_SCRIPTS, counts, strict=True) if count]
    else:
        for name, pattern in zip(LOW_SCRIPTS, _low(), strict=True):
            first = pattern.search(text)
            if first is not None:
                firsts.append((first.start(), name, len(text) - len(pattern.sub("", text))))
        other = 0
    others: Counter[str] = Counter()
    seen: dict[str, int] = {}
    for found in rest.finditer(text, other) if other >= 0 else ():
        script = script_of(found.group())
        if script is not None:
            others[script] += 1
            seen.setdefault(script, found.start())
    firsts += [(at, name, others[name]) for name, at in seen.items()]
    return Counter({name: count for _, name, count in sorted(firsts)})


def count_script(text: str, name: str) -> int:
    """`count_scripts(text)[name]`; fast for Han, Latin and kana."""
    if name not in LOW_SCRIPTS:
        return count_scripts(text)[name]
    module = fast.compiled()
    if module is not None:
        return int(module.letters(text)[LOW_SCRIPTS.index(name)][0])
    pattern = _low()[LOW_SCRIPTS.index(name)]
    return len(text) - len(pattern.sub("", text))
