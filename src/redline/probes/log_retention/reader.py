"""Stream a log file (plain, gzip or zstd) as chunks of whole lines, in constant memory.

Lines longer than MAX_LINE are counted and skipped; a truncated compressed file yields what could be read and
says so, never raises.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import zstandard

CHUNK = 4 << 20
MAX_LINE = 1 << 20
ZSTD_READ = 64 << 10  # compressed bytes per step: bounds what one decompress call returns
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass
class ReadState:
    """What the reader saw besides lines: the compression, truncation, skipped long lines, bytes decoded."""

    compression: str = "none"
    truncated: str = ""
    long_lines: int = 0
    decoded_bytes: int = 0


def compression_of(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return "none"


def _plain_chunks(handle: io.BufferedReader, state: ReadState, start: int, end: int | None) -> Iterator[memoryview]:
    """Whole lines of a plain file, read into one reused buffer: one copy from the page cache and no fresh
    memory per chunk (slicing and joining bytes cost three copies and a page fault per 4 KB). Each view is
    valid until the next one is asked for."""
    handle.seek(start)
    left = None if end is None else end - start
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    have = 0  # bytes of an unfinished line kept at the front of the buffer
    skipping = False  # inside a line longer than MAX_LINE
    while left is None or left > 0:
        if have == len(buf):  # one line fills the buffer: it grows up to MAX_LINE, after that the line is long
            if have > MAX_LINE:
                state.long_lines += 1
                have, skipping = 0, True
            else:
                view.release()
                buf.extend(bytes(min(len(buf), MAX_LINE + 2 - len(buf))))
                view = memoryview(buf)
        want = min(CHUNK, len(buf) - have) if left is None else min(CHUNK, len(buf) - have, left)
        got = handle.readinto(view[have : have + want])
        if not got:
            break
        state.decoded_bytes += got
        if left is not None:
            left -= got
        filled = have + got
        head = 0
        if skipping:
            cut = buf.find(b"\n", 0, filled)
            if cut < 0:
                have = 0
                continue
            head, skipping = cut + 1, False
        cut = buf.rfind(b"\n", head, filled)
        if cut < 0:
            if head:
                buf[: filled - head] = bytes(view[head:filled])
            have = filled - head
            continue
        chunk = view[head : cut + 1]
        yield chunk
        chunk.release()
        have = filled - cut - 1
        buf[:have] = bytes(view[cut + 1 : filled])
    if have and not skipping:
        yield view[:have]


def _gzip_blocks(handle: BinaryIO, state: ReadState) -> Iterator[bytes]:
    """Member by member with zlib, so that the data before a cut is kept (GzipFile.read drops it)."""
    inflater = zlib.decompressobj(wbits=31)
    pending = False
    try:
        while raw := handle.read(CHUNK):
            while raw:
                pending = True
                out = inflater.decompress(raw, CHUNK)  # bounded: a small bomb must not fill memory
                if out:
                    yield out
                raw = inflater.unconsumed_tail
                if inflater.eof:
                    raw = inflater.unused_data
                    inflater = zlib.decompressobj(wbits=31)
                    pending = False
        if tail := inflater.flush():
            yield tail
    except zlib.error as exc:
        state.truncated = f"gzip stream is corrupt: {exc}"
        return
    if pending:
        state.truncated = "gzip stream ends early (no end-of-stream marker)"


def _zstd_blocks(handle: BinaryIO, state: ReadState) -> Iterator[bytes]:
    """Frame by frame, so that a frame cut short is noticed (the stream reader would end silently)."""
    decompressor = zstandard.ZstdDecompressor()
    inflater = decompressor.decompressobj()
    pending = False
    try:
        while raw := handle.read(ZSTD_READ):
            while raw:
                pending = True
                out = inflater.decompress(raw)
                if out:
                    yield out
                raw = b""
                if inflater.eof:
                    raw = inflater.unused_data
                    inflater = decompressor.decompressobj()
                    pending = False
    except zstandard.ZstdError as exc:
        state.truncated = f"zstd stream is corrupt: {exc}"
        return
    if pending:
        state.truncated = "zstd stream ends in the middle of a frame"


def chunks(
    path: Path, state: ReadState, start: int = 0, end: int | None = None
) -> Generator[bytes | memoryview, None, None]:
    """Chunks of whole lines, each ending with a newline except perhaps the last; `start`/`end` pick a byte
    range of a plain file (the range is assumed to begin at a line start). A plain file's chunks are views of
    a reused buffer: use each before asking for the next."""
    with path.open("rb") as handle:
        state.compression = compression_of(path) if start == 0 else "none"
        if state.compression == "gzip":
            blocks = _gzip_blocks(handle, state)
        elif state.compression == "zstd":
            blocks = _zstd_blocks(handle, state)
        else:
            yield from _plain_chunks(handle, state, start, end)
            return
        yield from _lines(blocks, state)


def _lines(blocks: Iterator[bytes], state: ReadState) -> Iterator[bytes]:
    carry = b""
    skipping = False
    for block in blocks:
        state.decoded_bytes += len(block)
        if skipping:
            cut = block.find(b"\n")
            if cut < 0:
                continue
            block = block[cut + 1 :]
            skipping = False
        cut = block.rfind(b"\n")
        if cut < 0:
            carry += block
            if len(carry) > MAX_LINE:
                state.long_lines += 1
                carry, skipping = b"", True
            continue
        chunk = carry + block[: cut + 1] if carry else block[: cut + 1]
        carry = block[cut + 1 :]
        yield chunk
    if carry and not skipping:
        yield carry


def split_points(path: Path, parts: int) -> list[int]:
    """Byte offsets that cut a plain file into `parts` ranges at line starts."""
    size = path.stat().st_size
    points = [0]
    with path.open("rb") as handle:
        for index in range(1, parts):
            handle.seek(max(points[-1], size * index // parts))
            handle.readline()
            where = handle.tell()
            if where >= size:
                break
            if where > points[-1]:
                points.append(where)
    points.append(size)
    return points
