"""Normalise text before matching, so evasions spell the same as the term, with a map back to the original.

Evaders write around term lists with traditional characters, full-width letters, zero-width characters,
homoglyphs and separators. Every transform here is character-level (or cluster-level for combining
sequences), so each normalised character maps to a range of original characters and a finding reports
the range the reader sees. Most text contains no character that any transform changes: it takes a fast
path (one regular-expression scan and `str.lower`) with an identity map.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

from redline.probes.content_screen import fast
from redline.probes.content_screen.scripts import char_ranges

INVISIBLE_EXTRA = (
    *range(0x200B, 0x2010),
    *range(0x2060, 0x2065),
    0xFEFF,
    *range(0xFE00, 0xFE10),
    *range(0xE0100, 0xE01F0),
    0x034F,
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    0x180E,
    0x3164,
    0xFFA0,
)
HOMOGLYPHS = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "е": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ј": "j",
    "ԁ": "d",
    "ɡ": "g",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    "ү": "y",
    "һ": "h",
    "ց": "g",
    "օ": "o",
    "ս": "u",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϲ": "c",
    "ϳ": "j",
}
LETTER_RUN = re.compile(r"[^\W\d_]+")
CJK_RANGES = ((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0))


@dataclass(frozen=True)
class Options:
    """Which transforms run; each can be turned off (a probe option of the same name)."""

    nfkc: bool = True
    width: bool = True
    t2s: bool = True
    invisible: bool = True
    homoglyphs: bool = True

    @property
    def key(self) -> tuple[bool, ...]:
        return (self.nfkc, self.width, self.t2s, self.invisible, self.homoglyphs)


@dataclass(frozen=True)
class OffsetMap:
    """Piecewise map from normalised offsets to original ones.

    Segment k starts at normalised offset `norm[k]` and original offset `orig[k]`; an identity segment maps
    character i to `orig[k] + (i - norm[k])`; a cluster segment maps each of its characters to the whole
    original range `[orig[k], orig[k] + width[k])`.
    """

    norm: tuple[int, ...]
    orig: tuple[int, ...]
    width: tuple[int, ...]
    identity: tuple[bool, ...]

    def _segment(self, i: int) -> int:
        return bisect.bisect_right(self.norm, i) - 1

    def start(self, i: int) -> int:
        """Original offset of the first character that normalised character i comes from."""
        k = self._segment(i)
        return self.orig[k] + (i - self.norm[k]) if self.identity[k] else self.orig[k]

    def end(self, i: int) -> int:
        """Original offset just past the characters that normalised character i comes from."""
        k = self._segment(i)
        return self.orig[k] + (i - self.norm[k]) + 1 if self.identity[k] else self.orig[k] + self.width[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original range [start, end) of the normalised range [start, end), end > start."""
        return self.start(start), self.end(end - 1)


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str
    offsets: OffsetMap

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.span(start, end)


def identity_map() -> OffsetMap:
    return OffsetMap((0,), (0,), (0,), (True,))


@cache
def _t2s_table() -> dict[str, str]:
    import opencc

    converter = opencc.OpenCC("t2s")
    table: dict[str, str] = {}
    for low, high in CJK_RANGES:
        chars = "".join(chr(cp) for cp in range(low, high))
        converted = converter.convert(chars)
        if len(converted) == len(chars):
            table.update((a, b) for a, b in zip(chars, converted, strict=True) if a != b)
        else:  # a phrase rule changed the length: fall back to one character at a time
            for a in chars:
                b = converter.convert(a)
                if b != a and len(b) == 1:
                    table[a] = b
    return table


INVISIBLE_POINTS = frozenset(INVISIBLE_EXTRA)  # a set: looked up for every code point when the tables are built


def _is_invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf" or ord(c) in INVISIBLE_POINTS


def _width(c: str) -> str:
    cp = ord(c)
    if 0xFF01 <= cp <= 0xFF5E:
        return chr(cp - 0xFEE0)
    return " " if cp == 0x3000 else c


@cache
def _dirty_points(key: tuple[bool, ...]) -> frozenset[int]:
    """Every character that some enabled transform changes (lower-casing apart, done in bulk)."""
    options = Options(*key)
    points: set[int] = {0x130}  # "İ".lower() has two characters
    planes = (*range(0, 0x30000), *range(0xE0000, 0xE0200))
    if options.nfkc:
        points.update(cp for cp in planes if unicodedata.normalize("NFKC", chr(cp)) != chr(cp))
        points.update(cp for cp in planes if unicodedata.combining(chr(cp)))
    if options.width:
        points.update((*range(0xFF01, 0xFF5F), 0x3000))
    if options.invisible:
        points.update(cp for cp in planes if _is_invisible(chr(cp)))
    if options.t2s:
        points.update(ord(c) for c in _t2s_table())
    if options.homoglyphs:
        points.update(ord(c) for c in HOMOGLYPHS)
        points.update(ord(c.upper()) for c in HOMOGLYPHS if len(c.upper()) == 1)
    return frozenset(points)


def _class(points: list[int]) -> re.Pattern[str]:
    # one range for every astral character: a long list of astral points makes `re` scan slowly
    return re.compile("[" + char_ranges(sorted(cp for cp in points if cp < 0x10000)) + "\U00010000-\U0010ffff]")


@cache
def _dirty_pattern(key: tuple[bool, ...]) -> re.Pattern[str]:
    return _class(list(_dirty_points(key)))


def _translated(text: str, table: dict[int, str], simple: re.Pattern[str]) -> str:
    """`text.translate(table)`, faster on wide text: `str.replace` for the few characters that occur often
    (full-width punctuation), one substitution for the rare rest."""
    found = Counter(simple.findall(text))
    rare = 0
    for c, count in found.items():
        if (count >= 64 or len(found) < 8) and ord(table[ord(c)]) not in table:  # replaced once, as by translate
            text = text.replace(c, table[ord(c)])
        else:
            rare += 1
    return simple.sub(lambda m: table[ord(m.group())], text) if rare else text


@cache
def _simple(key: tuple[bool, ...]) -> tuple[dict[int, str], re.Pattern[str], re.Pattern[str]]:
    """The dirty characters that become one character whatever surrounds them (a full-width comma, most
    traditional characters), as a `str.translate` table, and a class of the other dirty characters and of
    every combining mark: a text without those is normalised by `translate` and `lower` alone, offsets kept."""
    options = Options(*key)
    table: dict[int, str] = {}
    hard: list[int] = [cp for cp in range(0x10000) if unicodedata.combining(chr(cp))]
    for cp in _dirty_points(key):
        c = chr(cp)
        out = _transform(c, options, True)
        if cp < 0x10000 and len(out) == 1 and out == _transform(c, options, False) == out.lower():
            table[cp] = out
        else:
            hard.append(cp)
    return table, _class(hard), re.compile("[" + char_ranges(sorted(table)) + "]" if table else "(?!)")


def _transform(cluster: str, options: Options, mixed_word: bool) -> str:
    text = unicodedata.normalize("NFKC", cluster) if options.nfkc else cluster
    if options.width:
        text = "".join(_width(c) for c in text)
    text = text.lower()
    if options.t2s:
        table = _t2s_table()
        text = "".join(table.get(c, c) for c in text)
    if options.homoglyphs and mixed_word:
        text = "".join(HOMOGLYPHS.get(c, c) for c in text)
    if options.invisible:
        text = "".join(c for c in text if not _is_invisible(c))
    return text


def _mixed_script_word(text: str, at: int) -> bool:
    """Homoglyphs are mapped only in words that also hold Latin letters, so Russian or Greek prose is kept."""
    start, end = at, at + 1
    while start > 0 and (text[start - 1].isalpha() or _is_invisible(text[start - 1])) and at - start < 40:
        start -= 1
    while end < len(text) and (text[end].isalpha() or _is_invisible(text[end])) and end - at < 40:
        end += 1
    return any("a" <= c.lower() <= "z" for c in text[start:end])


@cache
def _fold_tables(key: tuple[bool, ...]) -> tuple[bytes, str]:
    """For `_fast.fold`: each BMP character's kind (0 only lower-cased, 1 replaced by `table`, 2 anything
    else: Σ, clusters, characters that vanish or grow) and the replacements, one character each."""
    table, _, _ = _simple(key)
    dirty = _dirty_points(key)
    kinds = bytearray(0x10000)
    replacements = ["\0"] * 0x10000
    for cp in range(0x10000):
        if unicodedata.combining(chr(cp)) or cp == 0x3A3 or len(chr(cp).lower()) != 1:
            kinds[cp] = 2
        elif cp in table:
            kinds[cp], replacements[cp] = 1, table[cp]
        elif cp in dirty:
            kinds[cp] = 2
    return bytes(kinds), "".join(replacements)


def normalise(text: str, options: Options = Options()) -> Normalised:
    """The normalised (lower-cased) text and its offset map; never raises on any Unicode string."""
    module = fast.compiled()
    if module is not None:  # the two paths below that keep offsets, in one pass in C, where they apply
        folded = module.fold(text, *_fold_tables(options.key))
        if folded is not None:
            return Normalised(text, folded, identity_map())
    dirty = _dirty_pattern(options.key)
    first = dirty.search(text)
    if first is None:
        return Normalised(text, text.lower(), identity_map())
    table, hard, simple = _simple(options.key)
    sigma = "\u03a3" in text  # Σ is lower-cased by its neighbours: pieces are lowered as the old path cut them
    if not sigma and hard.search(text, first.start()) is None:
        return Normalised(text, _translated(text, table, simple).lower(), identity_map())
    builder = _Builder({} if sigma else table, simple)
    position = 0
    for match in (dirty if sigma else hard).finditer(text, first.start()):
        at = match.start()
        if at < position:  # already taken into the previous cluster
            continue
        end = at + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        if unicodedata.combining(text[at]):
            if at > position and (options.nfkc or dirty.match(text, at - 1)):
                at -= 1  # a combining mark composes with the character before it (or joins its cluster)
            elif not dirty.match(text, at):
                continue  # a mark no transform changes, after a character none changes
        builder.identity(text[position:at], position)
        builder.cluster(_transform(text[at:end], options, _mixed_script_word(text, at)), at, end - at)
        position = end
    builder.identity(text[position:], position)
    return builder.build(text)


class _Builder:
    """Identity pieces are translated by `table` (characters that become one character) and lowered."""

    def __init__(self, table: dict[int, str], simple: re.Pattern[str]) -> None:
        self.table = table
        self.simple = simple
        self.parts: list[str] = []
        self.length = 0
        self.norm: list[int] = []
        self.orig: list[int] = []
        self.width: list[int] = []
        self.ident: list[bool] = []

    def identity(self, piece: str, orig: int) -> None:
        lowered = _translated(piece, self.table, self.simple).lower() if self.table else piece.lower()
        if len(lowered) != len(piece):  # cannot happen once "İ" is dirty; kept as a safe fallback
            for i, c in enumerate(piece):
                self.cluster(c.lower(), orig + i, 1)
            return
        self._add(lowered, orig, len(piece), True)

    def cluster(self, out: str, orig: int, width: int) -> None:
        self._add(out, orig, width, False)

    def _add(self, out: str, orig: int, width: int, identity: bool) -> None:
        if not out:
            return
        self.parts.append(out)
        self.norm.append(self.length)
        self.orig.append(orig)
        self.width.append(width)
        self.ident.append(identity)
        self.length += len(out)

    def build(self, original: str) -> Normalised:
        if not self.norm:
            return Normalised(original, "", identity_map())
        offsets = OffsetMap(tuple(self.norm), tuple(self.orig), tuple(self.width), tuple(self.ident))
        return Normalised(original, "".join(self.parts), offsets)


def normalise_term(term: str, options: Options = Options()) -> str:
    """A term goes through the same transforms as the text, so both spell alike."""
    return normalise(term, options).text


def prepare(options: Options = Options()) -> None:
    """Builds the tables `normalise` uses (seconds of work), so processes forked afterwards share them."""
    _dirty_pattern(options.key)
    _simple(options.key)
    _fold_tables(options.key)
