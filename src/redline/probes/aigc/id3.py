"""MP3: the GB 45438-2025 implicit label in an ID3v2.3/2.4 `TXXX` frame with description `AIGC`.

Carrier `mp3/TXXX` (as listed in github.com/StarPluckerZ/AigcTotal docs/checks.md, which cites no guide clause
for MP3). `ffmpeg -metadata AIGC=…` and exiftool (`[ID3v2_4] UserDefinedText = (AIGC) …`) agree on it. Only the
tag at the start of the file is read; an ID3v2.2 tag (three-letter frames, no TXXX) is skipped. Reading is by hand
and bounded, a fast path for the probe; writing is mutagen's (audio_tags.py).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_TEXT = 64 * 1024
MAX_FRAMES = 100_000
DESCRIPTION = "AIGC"
CODECS = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}


def _synchsafe(raw: bytes) -> int:
    if any(b & 0x80 for b in raw):
        raise CarrierError("ID3 synchsafe integer has a high bit set")
    value = 0
    for b in raw:
        value = (value << 7) | b
    return value


def _deunsync(raw: bytes) -> bytes:
    return raw.replace(b"\xff\x00", b"\xff")


def _split_text(body: bytes, encoding: int) -> tuple[str, str]:
    """TXXX body after the encoding byte: description, terminator, value."""
    if encoding in (1, 2):
        cut = next((i for i in range(0, len(body) - 1, 2) if body[i : i + 2] == b"\0\0"), len(body))
        description, value = body[:cut], body[cut + 2 :]
        boms = (b"\xff\xfe", b"\xfe\xff")
        if encoding == 1 and value[:2] not in boms and description[:2] in boms:
            value = description[:2] + value  # some writers put a BOM on the description only
    else:
        description, _, value = body.partition(b"\0")
    codec = CODECS[encoding]
    return description.decode(codec, "replace"), value.decode(codec, "replace").rstrip("\0")


@dataclass(frozen=True)
class _Frame:
    """A frame inside the tag body: `start` is its 10-byte header, `end` the end of its data."""

    id: bytes
    start: int
    end: int
    flags: int


@dataclass(frozen=True)
class _Tag:
    major: int
    flags: int
    end: int
    body: bytes
    frames: tuple[_Frame, ...]


def _frame_size(raw: bytes, major: int) -> int:
    if major == 3 or any(b & 0x80 for b in raw):
        return int(struct.unpack(">I", raw)[0])  # v2.3, and v2.4 tags written with plain sizes (old iTunes)
    return _synchsafe(raw)


def _parse(data: Buffer) -> _Tag | None:
    """The ID3v2 tag at the start of the file, or None. Frames are listed for v2.3 and v2.4 only."""
    if len(data) < 10 or bytes(data[:3]) != b"ID3":
        return None
    major, flags = data[3], data[5]
    end = 10 + _synchsafe(bytes(data[6:10]))
    if end > len(data):
        raise CarrierError(f"ID3 tag claims {end} bytes, the file has {len(data)}")
    if major == 2:
        return _Tag(major, flags, end, b"", ())
    if major not in (3, 4):
        raise CarrierError(f"ID3v2.{major} is not a known version")
    body = bytes(data[10:end])
    if major == 3 and flags & 0x80:
        body = _deunsync(body)
    pos = 0
    if flags & 0x40 and len(body) >= 4:
        pos = struct.unpack(">I", body[:4])[0] + 4 if major == 3 else _synchsafe(body[:4])
    frames: list[_Frame] = []
    while pos + 10 <= len(body):
        if len(frames) >= MAX_FRAMES:
            raise CarrierError(f"more than {MAX_FRAMES} ID3 frames")
        frame_id = body[pos : pos + 4]
        if not all(0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A for b in frame_id):
            break  # padding, or junk after the last frame
        size = _frame_size(body[pos + 4 : pos + 8], major)
        if pos + 10 + size > len(body):
            raise CarrierError(f"ID3 frame {frame_id!r} runs past the tag")
        frames.append(_Frame(frame_id, pos, pos + 10 + size, struct.unpack(">H", body[pos + 8 : pos + 10])[0]))
        pos += 10 + size
    return _Tag(major, flags, end, body, tuple(frames))


def _frame_data(tag: _Tag, frame: _Frame) -> bytes | None:
    """The frame's content after its format flags (grouping, data length, unsync, zlib); None if encrypted."""
    data = tag.body[frame.start + 10 : frame.end]
    fmt = frame.flags & 0xFF
    if tag.major == 3:
        compressed, encrypted, grouped = bool(fmt & 0x80), bool(fmt & 0x40), bool(fmt & 0x20)
        data = data[(4 if compressed else 0) + (1 if encrypted else 0) + (1 if grouped else 0) :]
    else:
        compressed, encrypted, grouped = bool(fmt & 0x08), bool(fmt & 0x04), bool(fmt & 0x40)
        data = data[(1 if grouped else 0) + (1 if encrypted else 0) + (4 if fmt & 0x01 else 0) :]
        if fmt & 0x02 or tag.flags & 0x80:
            data = _deunsync(data)
    if encrypted:
        return None
    if compressed:
        try:
            data = zlib.decompressobj().decompress(data, 4 * MAX_TEXT + 64)
        except zlib.error as exc:
            raise CarrierError(f"ID3 frame at {frame.start} has bad zlib data") from exc
    return data


def _aigc_value(tag: _Tag, frame: _Frame) -> str | None:
    if frame.id != b"TXXX":
        return None
    data = _frame_data(tag, frame)
    if not data or data[0] not in CODECS or len(data) > 4 * MAX_TEXT + 64:
        return None
    description, value = _split_text(data[1:], data[0])
    if description.strip("\0\ufeff").upper() != DESCRIPTION or len(value.encode("utf-8")) > MAX_TEXT:
        return None
    return value


def read(data: Buffer) -> list[RawLabel]:
    """Labels in TXXX frames with description AIGC of the leading ID3v2.3/2.4 tag."""
    tag = _parse(data)
    if tag is None:
        return []
    exact = not (tag.major == 3 and tag.flags & 0x80)
    labels: list[RawLabel] = []
    for frame in tag.frames:
        value = _aigc_value(tag, frame)
        if value is not None:
            labels.append(RawLabel("mp3/TXXX", value, 10 + frame.start + 10 if exact else None))
    return labels
