"""Multi-pattern matching over normalised text, tolerant of separators inserted between characters.

Two Aho-Corasick automata (ahocorasick-rs, or engine.py's pure-Python one) hold the normalised terms: one
as written, one with separators taken out. The first runs over the whole normalised text. The second runs
only over "spaced" regions, where characters are split by separators the way evaders split them
(`测*试*违*禁*词`, `s p a m`, `测试 违禁词`), with the separators taken out: ordinary prose keeps its spaces
and punctuation and is matched as written.
Term lists are compiled once per process and cached by path, modification time and options.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from redline.probes.content_screen import fast
from redline.probes.content_screen.engine import Automaton, automaton, native
from redline.probes.content_screen.normalise import Normalised, Options, normalise, normalise_term
from redline.probes.content_screen.patterns import compile_user_pattern
from redline.probes.content_screen.terms import Term, TermList, load_terms

WORD = r"[^\W_]"
SEPARATOR = r"[\W_]"
CJK = r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]"
SYMBOL = r"[*·•・_\-|/\\~^#+=&@%$°×※★☆♥♡◆◇■□▲△○●]"
PUNCT = r"[!-/:-@\[-`{-~]"  # ASCII punctuation (full-width forms are ASCII after normalisation)
LATIN = r"[a-z0-9]"  # the text is lower-cased by then


def _letters_in(*ranges: tuple[int, int]) -> str:
    """A class of the letters and digits (`str.isalnum`) in the code point ranges [low, high)."""
    points = [cp for low, high in ranges for cp in range(low, high) if chr(cp).isalnum()]
    parts: list[str] = []
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or points[i] != points[i - 1] + 1:
            parts.append(re.escape(chr(points[start])) + "-" + re.escape(chr(points[i - 1])))
            start = i
    return "[" + "".join(parts) + "]"


HAN_LETTER = _letters_in((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x30000))  # CJK that is also WORD
SPACED_REGION = re.compile(
    rf"(?<!{WORD}){WORD}(?:{SEPARATOR}{{1,3}}{WORD}(?!{WORD})){{2,}}"  # single characters apart: s p a m
    rf"|{WORD}+(?:{SYMBOL}{{1,3}}{WORD}+)+"  # words joined by symbols: 测试*违禁词, spam_word
    rf"|{CJK}(?:{PUNCT}{CJK}){{2,}}"  # Chinese characters one by one between punctuation, in a word: 演.示.屏
    rf"|(?:{LATIN}+\s{{0,3}})?{CJK}+(?:\s{{1,3}}{CJK}+)+(?:\s{{0,3}}{LATIN}+)?"  # split by spaces: 测试 违禁词
    rf"|{LATIN}+\s{{1,3}}{CJK}+|{CJK}+\s{{1,3}}{LATIN}+"
)  # a Latin part spaced off: abc 禁词
# SPACED_REGION past the first position of a search: a branch that starts with a run of letters starts where
# the run starts, since started inside the run it would match at the character before as well, which comes
# first. Only work is saved: without it, each start inside a long run of Chinese scans to the run's end and
# back, quadratic in the run.
#
# Inside a run of Chinese letters no branch starts (unless punctuation follows: 演.示.屏): the first check
# turns those positions away at once, most of a Chinese text.
SPACED_REGION_INSIDE = re.compile(
    rf"(?!(?<={HAN_LETTER}){HAN_LETTER}(?!{PUNCT}))(?:"
    rf"(?<!{WORD}){WORD}(?:{SEPARATOR}{{1,3}}{WORD}(?!{WORD})){{2,}}"
    rf"|(?<!{WORD}){WORD}+(?:{SYMBOL}{{1,3}}{WORD}+)+"
    rf"|{CJK}(?:{PUNCT}{CJK}){{2,}}"
    rf"|(?<!{LATIN}){LATIN}+\s{{0,3}}{CJK}+(?:\s{{1,3}}{CJK}+)+(?:\s{{0,3}}{LATIN}+)?"
    rf"|(?<!{CJK}){CJK}+(?:\s{{1,3}}{CJK}+)+(?:\s{{0,3}}{LATIN}+)?"
    rf"|(?<!{LATIN}){LATIN}+\s{{1,3}}{CJK}+|(?<!{CJK}){CJK}+\s{{1,3}}{LATIN}+)"
)
SEPARATORS = re.compile(rf"{SEPARATOR}+")
MIN_SPACED_TERM = 3


@dataclass(frozen=True)
class Match:
    """A term found: original range [start, end), the normalised form matched, and the term."""

    start: int
    end: int
    normalised: str
    term: Term
    spaced: bool = False


class _Taken:
    """Original ranges already reported, kept sorted, so a later pass does not report them again."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        at = bisect.bisect_left(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)

    def overlaps(self, start: int, end: int) -> bool:
        at = bisect.bisect_left(self.starts, end)
        return any(self.ends[i] > start for i in range(max(0, at - 8), at))


def _spaced_regions(text: str, pos: int, end: int) -> Iterator[re.Match[str]]:
    """`SPACED_REGION.finditer(text, pos, end)`, in linear time."""
    while pos < end:
        found = SPACED_REGION.match(text, pos, end) or SPACED_REGION_INSIDE.search(text, pos + 1, end)
        if found is None:
            return
        yield found
        pos = found.end()


def regions(text: str) -> list[tuple[int, int]]:
    """Spaced regions; regions apart by no more than a few separators are one region (`前文 测*试*违*禁*词`).
    `_fast.c` where built (the same regions in one pass), else `_regions`."""
    module = fast.compiled()
    return module.spaced_regions(text) if module is not None else list(_regions(text))


def _regions(text: str) -> Iterator[tuple[int, int]]:
    """The reference for `regions`."""
    current: tuple[int, int] | None = None
    for region in _spaced_regions(text, 0, len(text)):
        start = region.start()
        if current and start - current[1] <= 3 and not any(c.isalnum() for c in text[current[1] : start]):
            current = (current[0], region.end())
            continue
        if current:
            yield current
        current = region.span()
    if current:
        yield current


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _word_char(c: str) -> bool:
    """A letter or digit of a script that separates words ("é" in "café"); Chinese, Japanese and Korean
    (wide) characters do not, so "买spam药" still holds the word "spam"."""
    return c.isalnum() and unicodedata.east_asian_width(c) not in ("W", "F")


class Screen:
    """A compiled term list; `find` returns every match in a text, in original offsets."""

    def __init__(self, terms: TermList, options: Options, separators: bool = True) -> None:
        self.terms = terms
        self.options = options
        self.separators = separators
        plain: dict[str, Term] = {}
        spaced: dict[str, Term] = {}
        for term in terms.literals:
            form = normalise_term(term.text, options)
            if form.strip():
                plain.setdefault(form, term)
            bare = SEPARATORS.sub("", form)
            if len(bare) >= MIN_SPACED_TERM:
                spaced.setdefault(bare, term)
        self._plain_forms = list(plain)
        self._plain_terms = list(plain.values())
        self._spaced_forms = list(spaced)
        self._inner = "".join(sorted({c for form in spaced for c in form[1:]}))
        self._longest = max(map(len, spaced), default=1)
        self._spaced_terms = list(spaced.values())
        self._plain = self._automaton(self._plain_forms)
        self._spaced = self._automaton(self._spaced_forms) if separators else None
        self._regexes = [(compile_user_pattern(t.text, source=terms.source, line=t.line), t) for t in terms.regexes]
        phrases = {f: t for f, t in plain.items() if " " in f.strip()} if separators else {}
        self._phrase_terms = list(phrases.values())
        self._phrases = (
            re.compile(
                "|".join(
                    f"(?P<p{i}>" + rf"{SEPARATOR}{{1,3}}".join(map(re.escape, form.split())) + ")"
                    for i, form in enumerate(phrases)
                )
            )
            if phrases
            else None
        )

    @staticmethod
    def _automaton(forms: list[str]) -> Automaton | None:
        return automaton(forms) if forms else None

    def find(self, text: str) -> list[Match]:
        return list(self.iter_matches(normalise(text, self.options)))

    def iter_matches(self, norm: Normalised) -> Iterator[Match]:
        """Plain matches, then separator-tolerant ones not already covered, then regular expressions."""
        for _, match in self.ranked_matches(norm):
            yield match

    def ranked_matches(self, norm: Normalised) -> Iterator[tuple[int, Match]]:
        """`iter_matches` with the pass each match comes from (0 plain, 1 spaced, 2 phrase, 3 + k the k-th
        regular expression), so matches from pieces of a text put together in that order come out as from
        the whole text."""
        taken = _Taken()
        if self._plain is not None:
            for index, start, end in self._plain.find_matches_as_indexes(norm.text):
                match = self._located(norm, start, end, self._plain_terms[index], False)
                if match is not None:
                    taken.add(match.start, match.end)
                    yield 0, match
        if self._spaced is not None:
            for match in self._spaced_matches(norm):
                if not taken.overlaps(match.start, match.end):
                    taken.add(match.start, match.end)
                    yield 1, match
        if self._phrases is not None:
            for found in self._phrases.finditer(norm.text):
                term = self._phrase_terms[int((found.lastgroup or "p0")[1:])]
                match = self._located(norm, found.start(), found.end(), term, True)
                if match is not None and not taken.overlaps(match.start, match.end):
                    yield 2, match
        for rank, (regex, term) in enumerate(self._regexes, start=3):
            for hit in regex.finditer(norm.text):
                if hit.end() > hit.start():
                    start, end = norm.original_span(hit.start(), hit.end())
                    yield rank, Match(start, end, hit.group(), term)

    def _located(self, norm: Normalised, start: int, end: int, term: Term, spaced: bool) -> Match | None:
        """Latin terms match whole words only ("ass" is not in "class"), judged on the normalised text:
        there an invisible character no longer splits a word ("cl\u200bass" is one word, as the reader
        sees it) and a full-width or homoglyph neighbour counts as the letter it stands for."""
        text = norm.text
        form = text[start:end]
        if _ascii_alnum(form[0]) and start > 0 and _word_char(text[start - 1]):
            return None
        if _ascii_alnum(form[-1]) and end < len(text) and _word_char(text[end]):
            return None
        orig_start, orig_end = norm.original_span(start, end)
        return Match(orig_start, orig_end, form, term, spaced)

    def _spaced_matches(self, norm: Normalised) -> Iterator[Match]:
        automaton = self._spaced
        if automaton is None:
            return
        text = norm.text
        bare, where = fast.bare_text(text, regions(text), self._inner, self._longest)
        for index, start, end in automaton.find_matches_as_indexes(bare) if bare else []:
            first, last = where[start], where[end - 1]
            if last - first + 1 == end - start:
                continue  # no separator inside: the plain pass has it
            match = self._located(norm, first, last + 1, self._spaced_terms[index], True)
            if match is not None:
                yield Match(match.start, match.end, bare[start:end], match.term, True)


_CACHE: dict[tuple[str, int, int, tuple[bool, ...], bool, bool], Screen] = {}


def compiled(path: Path, options: Options, separators: bool = True) -> Screen:
    """The compiled screen for a term list, built once per process while the file is unchanged."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, options.key, separators, native())
    screen = _CACHE.get(key)
    if screen is None:
        screen = Screen(load_terms(path), options, separators)
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = screen
    return screen
