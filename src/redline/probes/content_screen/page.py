"""A large HTML page or JSON-lines file read in bounded blocks, with the results of the whole-file path.

An HTML page's text is extracted as the page arrives (the parser keeps a tag or a character reference cut
by a block border until it is whole, and the extractor holds a run of text until the next markup) and
written to a spool file, which is then screened in pieces like plain text. Hidden elements are tracked as
their text arrives: where their first and last visible characters are and how their text starts (for the
snippet), so nothing of the page is kept whole. The `<style>` rules of the whole page come from the
first pass (survey.py).

A JSON-lines file is read line by line (as `str.splitlines` cuts lines, so line numbers agree), each post a
document of its own.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from redline.probes.content_screen.html import HiddenElement, _Extractor, style_rules
from redline.probes.content_screen.scripts import count_scripts
from redline.probes.content_screen.survey import BLOCK_BYTES, Survey, decoded_blocks

SNIPPET_HEAD = 41  # characters of a hidden element's text kept for its snippet (probe.SNIPPET and one)
FLUSH_CHARS = 1 << 16  # extracted text written out once this much has gathered


@dataclass
class _Track:
    """What a hidden element's text holds, as it arrives: its first and last visible characters (document
    offsets; -1 before any) and its first characters from the first visible one."""

    first: int = -1
    last: int = -1
    head: str = ""


@dataclass
class Extracted:
    """The page's text (in the spool file), its hidden elements and the totals the spam detector needs."""

    chars: int
    hidden: list[HiddenElement]
    heads: list[str]
    scripts: Counter[str] = field(default_factory=Counter)
    first_visible: int = 0
    holding: set[int] = field(default_factory=set)  # indexes of the hidden elements that hold terms

    def hidden_at(self, start: int, end: int) -> int:
        """The index of the hidden element holding [start, end), or -1 (hidden elements do not overlap)."""
        at = bisect.bisect_right(self.starts, start) - 1
        return at if at >= 0 and self.hidden[at].start <= start and end <= self.hidden[at].end else -1

    @cached_property
    def starts(self) -> list[int]:
        return [h.start for h in self.hidden]


class _Streaming(_Extractor):
    def __init__(self, rules: dict[str, dict[str, str]]) -> None:
        super().__init__(rules)
        self.tracks: list[_Track] = []
        self.current: _Track | None = None
        self.depth = -1
        self.out: list[str] = []
        self.waiting = 0

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        count = len(self.hidden)
        super().handle_starttag(tag, attrs_list)
        if len(self.hidden) > count:
            self.current = _Track()
            self.tracks.append(self.current)
            self.depth = len(self.stack) - 1

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        if self.current is not None and len(self.stack) <= self.depth:
            self.current = None

    def _append(self, text: str) -> None:
        at = self.length
        super()._append(text)
        track = self.current
        if track is not None:
            stripped = text.lstrip()
            if stripped:
                if track.first < 0:
                    track.first = at + len(text) - len(stripped)
                track.last = at + len(text.rstrip())
            if track.first >= 0 and len(track.head) < SNIPPET_HEAD:
                track.head += text[max(0, track.first - at) :][: SNIPPET_HEAD - len(track.head)]

    def taken(self) -> list[str]:
        """Text parts ready to write out: all but the last (which the extractor still looks at)."""
        ready, self.parts = self.parts[:-1], self.parts[-1:]
        return ready


def extract_to(path: Path, facts: Survey, spool: Path, block_bytes: int = BLOCK_BYTES) -> Extracted:
    """The page's text written to `spool` (UTF-8), as `html.extract` gives it for the whole page."""
    parser = _Streaming(style_rules(facts.styles))
    scripts: Counter[str] = Counter()
    first_visible = -1
    written = 0

    def write(parts: list[str], out: object) -> None:
        nonlocal first_visible, written
        text = "".join(parts)
        if not text:
            return
        if first_visible < 0 and text.strip():
            first_visible = written + len(text) - len(text.lstrip())
        scripts.update(count_scripts(text))
        written += len(text)
        out.write(text)  # type: ignore[attr-defined]

    with spool.open("w", encoding="utf-8", newline="") as out:
        for _, text in decoded_blocks(path, facts.encoding, facts.errors, block_bytes):
            if text:
                parser.feed(text)
                write(parser.taken(), out)
        parser.close()
        write(parser.parts, out)
    for _, _, _, element in parser.stack:
        if element is not None:
            element.end = parser.length
    hidden: list[HiddenElement] = []
    heads: list[str] = []
    for element, track in zip(parser.hidden, parser.tracks, strict=True):
        if track.first >= 0:
            element.start, element.end = track.first, track.last
        else:
            element.start = element.end
        if track.first >= 0 or element.links:
            hidden.append(element)
            heads.append(track.head[: element.end - element.start])
    return Extracted(parser.length, hidden, heads, scripts, first_visible if first_visible >= 0 else written)


def _ends_line(text: str) -> bool:
    return text != text.splitlines()[0]


def lines(path: Path, facts: Survey, block_bytes: int = BLOCK_BYTES) -> Iterator[str]:
    """The file's lines without their line breaks, as `str.splitlines` gives them for the whole text; a line
    is held only until it ends."""
    pending: list[str] = []
    for block, text in decoded_blocks(path, facts.encoding, facts.errors, block_bytes):
        parts = text.splitlines(keepends=True)
        if block and (not parts or (len(parts) == 1 and not _ends_line(parts[0]))):
            pending += parts
            continue
        if pending:
            parts = ("".join(pending) + (parts[0] if parts else "")).splitlines(keepends=True) + parts[1:]
        # the last part may go on in the next block (or be a carriage return before its line feed)
        pending = parts[-1:] if block else []
        for part in parts[:-1] if block else parts:
            yield part.splitlines()[0]
