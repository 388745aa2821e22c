"""A large plain-text file screened in bounded pieces, so memory does not grow with the file.

Two passes over the file. The first hashes the bytes, checks that they decode, and counts what the spam
detector needs from the whole document (letters by script, where the first visible character is). The
second cuts the decoded text into pieces of whole lines; each piece carries `context` characters of the
text before and after it, so a term across a border is matched in the piece where it starts (and only
there: a piece keeps the matches that start in its own lines), with the same neighbours it has in the whole
text. The spam detector works line by line and sees each line once, in the piece that owns it.
"""

from __future__ import annotations

import codecs
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from redline.probes.content_screen.decode import BAD_SHARE, BOMS, HEAD, _bad_share
from redline.probes.content_screen.matcher import Match, Screen
from redline.probes.content_screen.normalise import normalise
from redline.probes.content_screen.scripts import count_scripts
from redline.probes.content_screen.spam import SpamFinding, spam_in_lines

BLOCK_BYTES = 1 << 20
CHUNK_CHARS = 1 << 20  # characters a piece owns (about 3 MB of Chinese text)
CONTEXT = 2048  # characters of neighbouring text on each side: more than any term or spaced region
MAX_LINE_CHUNKS = 4  # a line longer than this many pieces is cut (the spam detector then sees it in parts)


@dataclass(frozen=True)
class Survey:
    """What the first pass learnt: digest, size, encoding, the head of the text, and document totals."""

    sha: str
    size: int
    encoding: str
    head: str
    scripts: Counter[str]
    first_visible: int


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


def _encoding(head: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, "replace"
    return "utf-8", "strict"


def _decoded(path: Path, block_bytes: int) -> Iterator[tuple[bytes, str]]:
    """Blocks of the file and their text (UnicodeDecodeError where UTF-8 without a mark does not decode)."""
    with path.open("rb") as source:
        block = source.read(block_bytes)
        encoding, errors = _encoding(block)
        decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        while block:
            yield block, decoder.decode(block)
            block = source.read(block_bytes)
        yield b"", decoder.decode(b"", final=True)


def survey(path: Path, block_bytes: int = BLOCK_BYTES) -> Survey | None:
    """The first pass; None when the file is not text this path takes (no byte order mark and not UTF-8, NUL
    bytes or control characters in its head): the whole-file path decides about those."""
    with path.open("rb") as source:
        encoding, errors = _encoding(source.read(HEAD))
    digest = hashlib.sha256()
    scripts: Counter[str] = Counter()
    size = chars = 0
    head = ""
    first_visible = -1
    try:
        for block, text in _decoded(path, max(block_bytes, HEAD)):
            if not size and (errors == "strict" and b"\x00" in block[:HEAD]):
                return None
            digest.update(block)
            size += len(block)
            head += text[: HEAD - len(head)]
            if first_visible < 0 and text.strip():
                first_visible = chars + len(text) - len(text.lstrip())
            scripts.update(count_scripts(text))
            chars += len(text)
    except UnicodeDecodeError:
        return None
    if _bad_share(head) > BAD_SHARE:
        return None
    return Survey(digest.hexdigest(), size, encoding, head, scripts, first_visible if first_visible >= 0 else chars)


def pieces(
    path: Path, chunk_chars: int = CHUNK_CHARS, context: int = CONTEXT, block_bytes: int = BLOCK_BYTES
) -> Iterator[Piece]:
    """The second pass: pieces owning whole lines (cut after a line feed), each with its context."""
    pending = ""
    before = ""
    owned = 0
    for _, text in _decoded(path, block_bytes):
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
