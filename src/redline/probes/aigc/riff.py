"""RIFF containers (WebP, WAV, AVI): labels in chunks (RIFF: Microsoft Multimedia Programming Interface 1991).

Carriers (via github.com/StarPluckerZ/AigcTotal docs/checks.md):
- WebP (TC260 image practice guide): the `XMP ` chunk with `TC260:AIGC` -> `webp/xmp`; the `EXIF` chunk's
  UserComment -> `webp/exif-usercomment`. The writer adds VP8X (XMP flag) and an `XMP ` chunk (WebP container
  spec, "Extended file format").
- WAV: a chunk with id `AIGC` -> `wav/AIGC` (no guide clause is cited for WAV); a `LIST/INFO` child `AIGC` ->
  `wav/INFO-AIGC`. The writer appends an `AIGC` chunk.
- AVI (TC260 video practice guide): `LIST/INFO` child chunk `AIGC` -> `avi/INFO-AIGC`.
The walk is bounded: lengths are checked against the RIFF end, LISTs nest to depth 4 (`movi` is not entered),
100,000 chunks at most.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from redline.probes.aigc import tiff, xmp
from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_CHUNKS = 100_000
MAX_DEPTH = 4
MAX_XMP = 16 * 1024 * 1024
MAX_EXIF = 16 * 1024 * 1024
XMP_FLAG = 0x04
ALPHA_FLAG = 0x10

# (LIST types enclosing the chunk, chunk id, chunk start, data start, data size)
Chunk = tuple[tuple[bytes, ...], bytes, int, int, int]


def _riff_end(data: Buffer, form: bytes) -> int:
    if len(data) < 12 or data[:4] != b"RIFF":
        raise CarrierError("not a RIFF file")
    if data[8:12] != form:
        raise CarrierError(f"not a RIFF {form.decode('latin-1')!r} file")
    size: int = struct.unpack_from("<I", data, 4)[0]
    if size in (0, 0xFFFFFFFF):  # streamed files leave the size unset
        return len(data)
    return min(8 + size, len(data))  # a short file fails on the chunk it cuts


def _chunks(data: Buffer, pos: int, end: int, parents: tuple[bytes, ...], count: list[int]) -> Iterator[Chunk]:
    while pos < end:
        if pos + 8 > end:
            raise CarrierError(f"truncated chunk header at offset {pos}")
        ident, size = struct.unpack_from("<4sI", data, pos)
        body = pos + 8
        if body + size > end:
            raise CarrierError(f"chunk {ident!r} at offset {pos} (size {size:#x}) runs past the end")
        count[0] += 1
        if count[0] > MAX_CHUNKS:
            raise CarrierError(f"more than {MAX_CHUNKS} chunks")
        yield parents, ident, pos, body, size
        if ident == b"LIST" and size >= 4 and len(parents) < MAX_DEPTH:
            kind = bytes(data[body : body + 4])
            if kind != b"movi":
                yield from _chunks(data, body + 4, body + size, (*parents, kind), count)
        pos = body + size + (size & 1)


def _walk(data: Buffer, form: bytes) -> Iterator[Chunk]:
    """Every chunk in the first RIFF form of the file, depth first."""
    yield from _chunks(data, 12, _riff_end(data, form), (), [0])


def _string(data: Buffer, body: int, size: int) -> str:
    return bytes(data[body : body + size]).decode("utf-8", errors="replace").strip("\x00").strip()


def _value(carrier: str, data: Buffer, body: int, size: int) -> list[RawLabel]:
    if size > xmp.MAX_LABEL:
        return []
    text = _string(data, body, size)
    return [RawLabel(carrier, text, body)] if text else []


def read_webp(data: Buffer) -> list[RawLabel]:
    """WebP: `XMP ` chunk -> `webp/xmp`; `EXIF` chunk UserComment -> `webp/exif-usercomment`."""
    labels: list[RawLabel] = []
    for parents, ident, _, body, size in _walk(data, b"WEBP"):
        if parents:
            continue
        if ident == b"XMP " and size <= MAX_XMP:
            labels += xmp.find_labels(bytes(data[body : body + size]), "webp/xmp", offset=body)
        elif ident == b"EXIF" and size <= MAX_EXIF:
            skip = 6 if data[body : body + 6] == b"Exif\x00\x00" else 0  # some writers keep the JPEG prefix
            labels += tiff.exif_labels(data, "webp/exif-usercomment", base=body + skip, end=body + size)
    return labels


def read_wav(data: Buffer) -> list[RawLabel]:
    """WAV: chunk `AIGC` -> `wav/AIGC`; `LIST/INFO` child `AIGC` -> `wav/INFO-AIGC`."""
    labels: list[RawLabel] = []
    for parents, ident, _, body, size in _walk(data, b"WAVE"):
        if ident == b"AIGC" and not parents:
            labels += _value("wav/AIGC", data, body, size)
        elif ident == b"AIGC" and parents[-1] == b"INFO":
            labels += _value("wav/INFO-AIGC", data, body, size)
    return labels


def read_avi(data: Buffer) -> list[RawLabel]:
    """AVI: `LIST/INFO` child chunk `AIGC` -> `avi/INFO-AIGC`."""
    labels: list[RawLabel] = []
    for parents, ident, _, body, size in _walk(data, b"AVI "):
        if ident == b"AIGC" and parents and parents[-1] == b"INFO":
            labels += _value("avi/INFO-AIGC", data, body, size)
    return labels


def chunk(ident: bytes, payload: bytes) -> bytes:
    """One RIFF chunk, with its pad byte when the size is odd."""
    return ident + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")


def _writable_end(data: bytes, form: bytes) -> int:
    """The end of the RIFF form, which a writer needs exact: set, and within the file."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != form:
        raise CarrierError(f"not a RIFF {form.decode('latin-1')!r} file")
    size: int = struct.unpack_from("<I", data, 4)[0]
    if size in (0, 0xFFFFFFFF):
        raise CarrierError("the RIFF size is unset (a streamed file); cannot add a chunk")
    if 8 + size > len(data):
        raise CarrierError("the RIFF size runs past the end of the file")
    return 8 + size


def _append(data: bytes, form: bytes, new: bytes, replace: tuple[int, int] | None = None) -> bytes:
    """`new` appended at the end of the RIFF form (or put in place of data[replace]), RIFF size fixed."""
    end = _writable_end(data, form)
    last = 12
    for parents, _, _, body, length in _walk(data, form):
        if not parents:
            last = body + length
    if replace is not None:
        start, stop = replace
        data = data[:start] + new + data[stop:]
        end += len(new) - (stop - start)
    else:
        if last % 2 and last == end:
            new = b"\x00" + new  # the last chunk's missing pad byte
        data = data[:end] + new + data[end:]
        end += len(new)
    if end - 8 > 0xFFFFFFFF:
        raise CarrierError("the file would exceed the RIFF size limit of 4 GiB")
    return data[:4] + struct.pack("<I", end - 8) + data[8:]


def write_wav(data: bytes, label_json: str) -> bytes:
    """A chunk `AIGC` (UTF-8 JSON, padded to even) appended to the RIFF WAVE form."""
    read_wav(data)  # refuse a file the reader could not follow afterwards
    return _append(data, b"WAVE", chunk(b"AIGC", label_json.encode("utf-8")))


def _canvas(ident: bytes, payload: bytes) -> tuple[int, int, int]:
    """(width, height, VP8X flags) from a VP8 key frame header (RFC 6386 §9.1) or a VP8L header (§3.2 of the
    lossless spec)."""
    if ident == b"VP8 " and len(payload) >= 10 and payload[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", payload, 6)
        return width & 0x3FFF, height & 0x3FFF, 0
    if ident == b"VP8L" and len(payload) >= 5 and payload[0] == 0x2F:
        (bits,) = struct.unpack_from("<I", payload, 1)
        alpha = ALPHA_FLAG if (bits >> 28) & 1 else 0
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, alpha
    raise CarrierError(f"cannot read the canvas size from the {ident!r} chunk")


def write_webp(data: bytes, label_json: str) -> bytes:
    """An `XMP ` chunk appended, with the VP8X XMP flag set (a VP8X chunk is added to a simple file); an existing
    `XMP ` chunk gets the label added to its packet instead."""
    read_webp(data)  # refuse a file the reader could not follow afterwards
    _writable_end(data, b"WEBP")
    top = [(ident, start, body, size) for parents, ident, start, body, size in _walk(data, b"WEBP") if not parents]
    if not top:
        raise CarrierError("the WebP has no chunks")
    ident, start, body, size = top[0]
    if ident == b"VP8X":
        if size < 10:
            raise CarrierError("the VP8X chunk is too short")
        data = data[:body] + bytes((data[body] | XMP_FLAG,)) + data[body + 1 :]
    elif ident in (b"VP8 ", b"VP8L"):
        width, height, flags = _canvas(ident, data[body : body + min(size, 16)])
        if width < 1 or height < 1:
            raise CarrierError("the image has a zero canvas size")
        vp8x = chunk(
            b"VP8X",
            bytes((flags | XMP_FLAG, 0, 0, 0)) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"),
        )
        data = data[:start] + vp8x + data[start:]
        data = data[:4] + struct.pack("<I", struct.unpack_from("<I", data, 4)[0] + len(vp8x)) + data[8:]
    else:
        raise CarrierError(f"the WebP starts with an unexpected {ident!r} chunk")
    for parents, ident, start, body, size in _walk(data, b"WEBP"):
        if not parents and ident == b"XMP ":
            packet = xmp.add_to_packet(data[body : body + size], label_json)
            return _append(data, b"WEBP", chunk(b"XMP ", packet), (start, body + size + (size & 1)))
    return _append(data, b"WEBP", chunk(b"XMP ", xmp.xmp_packet(label_json)))
