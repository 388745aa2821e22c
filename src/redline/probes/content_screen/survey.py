"""The first pass over a large file, in bounded blocks: its digest, how it decodes, and document totals.

It decides the encoding exactly as `decode.decode` does for the whole file (byte order mark, else UTF-8,
else GB18030 unless the file is mostly UTF-8, else UTF-8 with broken bytes replaced, or binary), from
counts gathered block by block, so a file of any size is read in pieces: incremental decoders keep a
multi-byte sequence cut by a block border whole. A file that is not UTF-8 is read again (with broken bytes
counted, then as GB18030 if that is worth a try); the digest is taken in a thread beside. Along the way it
counts letters by script (for plain text) and collects the `<style>` blocks (for an HTML page), as the next
pass needs them for the whole document.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from redline.probes.aigc.carriers import detect as detect_media
from redline.probes.content_screen.decode import BAD_SHARE, BOMS, HEAD, _bad_share
from redline.probes.content_screen.html import MAX_STYLE
from redline.probes.content_screen.inputs import detect
from redline.probes.content_screen.scripts import count_scripts

BLOCK_BYTES = 1 << 20
SNIFF = 512  # characters from the first visible one that `inputs.detect` looks at
STYLE_WORD = re.compile(r"<style", re.IGNORECASE)
STYLE_CLOSE = re.compile(r"</style>", re.IGNORECASE)
STYLE_START = re.compile(r"<(?:s(?:t(?:y(?:le?)?)?)?)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Survey:
    """What the first pass learnt: digest, size, encoding (and its error handling), the head of the text,
    the format, and document totals (letters by script and the first visible character for plain text,
    `<style>` blocks for HTML). `reason` says why a binary file is skipped (then nothing else is set)."""

    sha: str
    size: int
    encoding: str = ""
    head: str = ""
    scripts: Counter[str] = field(default_factory=Counter)
    first_visible: int = 0
    errors: str = "strict"
    kind: str = "text"
    styles: tuple[str, ...] = ()
    reason: str = ""


def _encoding(head: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, "replace"
    return "utf-8", "strict"


def decoded_blocks(
    path: Path, encoding: str, errors: str, block_bytes: int = BLOCK_BYTES
) -> Iterator[tuple[bytes, str]]:
    """Blocks of the file and their text (UnicodeDecodeError where `errors` is strict and they do not decode)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    with path.open("rb") as source:
        while block := source.read(block_bytes):
            yield block, decoder.decode(block)
    yield b"", decoder.decode(b"", final=True)


class _Styles:
    """`<style>` block bodies as `html.style_blocks` finds them in the whole page, from text that arrives in
    blocks (a border may cut a tag or a body): looking for `<style`, then for the `>` that opens the body,
    then for `</style>`, keeping only the body (at most `MAX_STYLE` characters, as the whole-page path)."""

    def __init__(self) -> None:
        self.state = "seek"
        self.tail = ""  # the end of what came before, where a cut `<style` or `</style>` may start
        self.body: list[str] = []
        self.length = 0
        self.blocks: list[str] = []

    def feed(self, text: str, final: bool = False) -> None:
        while text and self.state != "done":
            buffer = self.tail + text
            if self.state == "seek":
                found = STYLE_WORD.search(buffer)
                if found is None:
                    cut = STYLE_START.search(buffer, max(0, len(buffer) - 6))
                    self.tail = buffer[cut.start() :] if cut else ""
                    break
                self.state, self.tail, text = "opening", "", buffer[found.end() :]
            elif self.state == "opening":
                gt = text.find(">")
                if gt < 0:
                    break
                self.state, self.body, self.length, text = "body", [], 0, text[gt + 1 :]
            else:
                closed = STYLE_CLOSE.search(buffer)
                if closed is None:
                    self._keep(text)
                    self.tail = buffer[-7:]
                    break
                self._keep(text[: max(0, closed.start() - len(self.tail))])
                over = max(0, len(self.tail) - closed.start())  # of the close, already kept in the body
                if self.length - over <= MAX_STYLE:
                    body = "".join(self.body)
                    self.blocks.append(body[: len(body) - over])
                self.state, self.tail, self.body, text = "seek", "", [], buffer[closed.end() :]
        if final:
            self.state, self.body = "done", []

    def _keep(self, text: str) -> None:
        self.length += len(text)
        if self.length <= MAX_STYLE + 8:
            self.body.append(text)
        else:
            self.body = []


class _Pass:
    """One decoding of the file, block by block: head, sniffed start, format, scripts, styles."""

    def __init__(self, path: Path, fmt: str, counting: bool = False) -> None:
        """`counting`: count broken and non-ASCII characters instead of the document's totals."""
        self.path = path
        self.counting = counting
        self.fmt = fmt
        self.kind = fmt if fmt != "auto" else ""
        self.head = ""
        self.sniff = ""
        self.chars = 0
        self.first_visible = -1
        self.scripts: Counter[str] = Counter()
        self.styles = _Styles()
        self.broken = 0
        self.foreign = 0  # characters outside ASCII, replacement characters included

    def add(self, text: str, final: bool = False) -> None:
        if len(self.head) < HEAD:
            self.head += text[: HEAD - len(self.head)]
        if self.first_visible < 0 and text.strip():
            self.first_visible = self.chars + len(text) - len(text.lstrip())
        if self.first_visible >= 0 and len(self.sniff) < SNIFF:
            self.sniff += text[max(0, self.first_visible - self.chars) :][: SNIFF - len(self.sniff)]
        if not self.kind and (len(self.sniff) >= SNIFF or final):
            self.kind = detect(self.path, self.sniff)
        if self.kind in ("", "text") and not self.counting:
            self.scripts.update(count_scripts(text))
        if self.kind in ("", "html") and not self.counting:
            self.styles.feed(text, final)
        if self.counting and not text.isascii():
            self.broken += text.count("\ufffd")
            self.foreign += len(text) - len(text.encode("ascii", "ignore"))
        self.chars += len(text)

    def survey(self, sha: str, size: int, encoding: str, errors: str) -> Survey:
        first = self.first_visible if self.first_visible >= 0 else self.chars
        return Survey(
            sha, size, encoding, self.head, self.scripts, first, errors, self.kind or "text", tuple(self.styles.blocks)
        )


def _binary(head: bytes, size: int, sha: str, why: str) -> Survey:
    fmt = detect_media(head)
    what = f"{fmt} data" if fmt and fmt not in ("text", "markdown") else "binary data"
    return Survey(sha, size, reason=f"not a text file: {what} ({why}), skipped")


def _digest(path: Path, block_bytes: int) -> tuple[str, int]:
    """SHA-256 and size of the file (hashlib lets other threads run while it hashes a block)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while block := source.read(block_bytes):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _scan(path: Path, fmt: str, encoding: str, errors: str, block_bytes: int, counting: bool = False) -> _Pass | None:
    """One decoding of the whole file, block by block; None where it does not decode (`errors` strict)."""
    scan = _Pass(path, fmt, counting)
    try:
        for block, text in decoded_blocks(path, encoding, errors, block_bytes):
            scan.add(text, final=not block)
    except UnicodeDecodeError:
        return None
    return scan


def survey(path: Path, fmt: str = "text", block_bytes: int = BLOCK_BYTES) -> Survey:
    """The first pass (`fmt`: auto, text, html or jsonl); the encoding decided as `decode.decode` decides it:
    by byte order mark, else UTF-8, else (when UTF-8 with broken bytes replaced holds more of them than sound
    non-ASCII characters) GB18030, else UTF-8 with broken bytes replaced. The digest is taken in a thread
    beside the decoding. A file that is not UTF-8 is decoded again, as few are."""
    with path.open("rb") as source:
        head = source.read(HEAD)
    encoding, errors = _encoding(head)
    with ThreadPoolExecutor(max_workers=1) as hashing:
        digest = hashing.submit(_digest, path, block_bytes)
        binary = errors == "strict" and b"\x00" in head
        first = None if binary else _scan(path, fmt, encoding, errors, block_bytes)
        sha, size = digest.result()
    if errors != "strict":
        assert first is not None  # decoding with replacement does not fail
        if _bad_share(first.head) > BAD_SHARE:
            return _binary(head, size, sha, f"mostly undecodable as {encoding}")
        return first.survey(sha, size, encoding, errors)
    if binary:
        return _binary(head, size, sha, "NUL bytes")
    if first is not None:
        if _bad_share(first.head) > BAD_SHARE:
            return _binary(head, size, sha, "control characters")
        return first.survey(sha, size, "utf-8", "strict")
    loose = _scan(path, fmt, "utf-8", "replace", block_bytes, counting=True)
    assert loose is not None
    if loose.broken > loose.foreign - loose.broken:
        # more broken than sound non-ASCII characters: not UTF-8 with a few bad bytes, so GB18030 is worth a try
        second = _scan(path, fmt, "gb18030", "strict", block_bytes)
        if second is not None:
            if _bad_share(second.head) > BAD_SHARE:
                return _binary(head, size, sha, "control characters")
            return second.survey(sha, size, "gb18030", "strict")
    media = detect_media(head)
    if media and media not in ("text", "markdown"):
        return _binary(head, size, sha, "not UTF-8 or GB18030")
    if _bad_share(loose.head) > BAD_SHARE:
        return _binary(head, size, sha, "mostly undecodable bytes")
    totals = _scan(path, fmt, "utf-8", "replace", block_bytes)
    assert totals is not None
    return totals.survey(sha, size, "utf-8", "replace")
