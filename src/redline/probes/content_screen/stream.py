"""A large plain-text file screened in bounded pieces, so memory does not grow with the file.

Two passes over the file. The first (survey.py) hashes the bytes, decides how they decode, and counts
what the spam detector needs from the whole document (letters by script, where the first visible character
is). The second cuts the decoded text into pieces of whole lines; each piece carries `context` characters of the
text before and after it, so a term across a border is matched in the piece where it starts (and only
there: a piece keeps the matches that start in its own lines), with the same neighbours it has in the whole
text. The spam detector works line by line and sees each line once, in the piece that owns it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from redline.probes.content_screen.matcher import Match, Screen
from redline.probes.content_screen.normalise import normalise
from redline.probes.content_screen.spam import SpamFinding, spam_in_lines
from redline.probes.content_screen.survey import BLOCK_BYTES, decoded_blocks

CHUNK_CHARS = 1 << 20  # characters a piece owns (about 3 MB of Chinese text)
CONTEXT = 2048  # characters of neighbouring text on each side: more than any term or spaced region
MAX_LINE_CHUNKS = 4  # a line longer than this many pieces is cut (the spam detector then sees it in parts)


@dataclass(frozen=True)
class Piece:
    """`text[own_start:own_end]` are whole lines this piece answers for; `base` is the document offset of
    `text[0]`, the rest is neighbouring text seen as context."""

    base: int
    text: str
    own_start: int
    own_end: int


@dataclass(frozen=True)
class PieceResult:
    """Term matches (by pass, in document offsets, with the text matched) and spam findings (with theirs)."""

    terms: list[tuple[int, Match, str]]
    spam: list[tuple[SpamFinding, str]]


def pieces(
    path: Path,
    chunk_chars: int = CHUNK_CHARS,
    context: int = CONTEXT,
    block_bytes: int = BLOCK_BYTES,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> Iterator[Piece]:
    """The second pass: pieces owning whole lines (cut after a line feed), each with its context."""
    pending = ""
    before = ""
    owned = 0
    for _, text in decoded_blocks(path, encoding, errors, block_bytes):
        pending += text
        while len(pending) >= chunk_chars + context:
            cut = pending.rfind("\n", 0, chunk_chars) + 1 or pending.find("\n", chunk_chars, len(pending) - context) + 1
            if cut <= 0:  # a line longer than a piece: owned whole, unless far longer
                if len(pending) < MAX_LINE_CHUNKS * chunk_chars + context:
                    break
                cut = chunk_chars
            yield Piece(owned - len(before), before + pending[: cut + context], len(before), len(before) + cut)
            before = (before + pending[:cut])[-context:]
            owned += cut
            pending = pending[cut:]
    if pending or not owned:
        yield Piece(owned - len(before), before + pending, len(before), len(before) + len(pending))


def screen_piece(screen: Screen, piece: Piece, spam: bool, scripts: Counter[str], first_visible: int) -> PieceResult:
    """Matches that start in the piece's own lines, and spam findings in those lines."""
    text, base = piece.text, piece.base
    terms = [
        (rank, replace(m, start=m.start + base, end=m.end + base), text[m.start : m.end])
        for rank, m in screen.ranked_matches(normalise(text, screen.options))
        if piece.own_start <= m.start < piece.own_end
    ]
    found: list[tuple[SpamFinding, str]] = []
    if spam:
        own = text[piece.own_start : piece.own_end]
        start = base + piece.own_start
        found = [(f, own[f.start - start : f.end - start]) for f in spam_in_lines(own, start, scripts, first_visible)]
    return PieceResult(terms, found)
