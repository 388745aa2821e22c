"""PNG: labels in text chunks (PNG 3rd ed. §11.3.3), anywhere up to IEND.

Carriers (TC260 image practice guide Annex B, via github.com/StarPluckerZ/AigcTotal docs/checks.md):
`tEXt`/`zTXt`/`iTXt` with keyword `AIGC` holding the JSON -> `png/tEXt`, `png/zTXt`, `png/iTXt`; and `iTXt`
keyword `XML:com.adobe.xmp` holding an XMP packet with `TC260:AIGC` -> `png/xmp`. As in JPEG, a label in the
Exif UserComment of an `eXIf` chunk (PNG 3rd ed. §11.3.6) -> `png/exif-usercomment`. Labels may sit after IDAT
(Doubao), so the walk goes on to IEND. The writer inserts a `tEXt` `AIGC` chunk before the first IDAT.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from redline.probes.aigc import tiff, xmp
from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_CHUNKS = 100_000
MAX_INFLATE = 1024 * 1024  # decompressed text is cut at 1 MiB
MAX_TEXT_CHUNK = 16 * 1024 * 1024  # larger text and Exif chunks are not read
KEYWORD = b"AIGC"
XMP_KEYWORD = b"XML:com.adobe.xmp"


def _chunks(data: Buffer) -> Iterator[tuple[bytes, int, int, int]]:
    """(type, data start, data length, chunk start) for each chunk up to and including IEND."""
    size = len(data)
    if data[:8] != SIGNATURE:
        raise CarrierError("not a PNG: bad signature")
    pos = 8
    for _ in range(MAX_CHUNKS):
        if pos == size:
            return  # no IEND; the chunks so far are whole
        if pos + 8 > size:
            raise CarrierError(f"truncated chunk header at offset {pos}")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > 0x7FFFFFFF:
            raise CarrierError(f"chunk at offset {pos} has length {length:#x} (limit 2^31-1)")
        if pos + 12 + length > size:
            raise CarrierError(f"chunk {kind!r} at offset {pos} runs past the end")
        yield kind, pos + 8, length, pos
        if kind == b"IEND":
            return
        pos += 12 + length
    raise CarrierError(f"more than {MAX_CHUNKS} chunks")


def _inflate(blob: bytes) -> tuple[bytes, bool]:
    """The decompressed text, at most MAX_INFLATE bytes, and whether it was cut there."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(blob, MAX_INFLATE)
    except zlib.error as exc:
        raise CarrierError(f"bad zlib stream in a text chunk: {exc}") from exc
    return out, bool(inflater.unconsumed_tail)


def _text(raw: bytes, latin1: bool) -> str:
    if latin1:
        try:
            return raw.decode("utf-8").strip("\x00")  # generators often write UTF-8 into tEXt/zTXt
        except UnicodeDecodeError:
            return raw.decode("latin-1").strip("\x00")
    return raw.decode("utf-8", errors="replace").strip("\x00")


def _label(carrier: str, raw: bytes, latin1: bool, offset: int) -> list[RawLabel]:
    if len(raw) > xmp.MAX_LABEL:
        return []
    text = _text(raw, latin1).strip()
    return [RawLabel(carrier, text, offset)] if text else []


def _text_chunk(kind: bytes, body: bytes, start: int) -> list[RawLabel]:
    nul = body.find(b"\x00", 0, 80)
    if nul < 1:
        return []
    keyword, rest = body[:nul], body[nul + 1 :]
    if kind == b"tEXt" and keyword == KEYWORD:
        return _label("png/tEXt", rest, True, start)
    if kind == b"zTXt" and keyword == KEYWORD and rest[:1] == b"\x00":
        text, cut = _inflate(rest[1:])
        return [] if cut else _label("png/zTXt", text, True, start)
    if kind != b"iTXt" or keyword not in (KEYWORD, XMP_KEYWORD) or len(rest) < 2:
        return []
    compressed, method = rest[0], rest[1]
    lang_end = rest.find(b"\x00", 2)
    translated_end = rest.find(b"\x00", lang_end + 1) if lang_end >= 0 else -1
    if translated_end < 0:
        raise CarrierError(f"iTXt chunk at offset {start} lacks its language/translated-keyword fields")
    raw, cut = rest[translated_end + 1 :], False
    if compressed:
        if method != 0:
            return []
        raw, cut = _inflate(raw)
    if keyword == XMP_KEYWORD:
        return xmp.find_labels(raw, "png/xmp", offset=start)  # a cut packet is still scanned
    return [] if cut else _label("png/iTXt", raw, False, start)


def read(data: Buffer) -> list[RawLabel]:
    """PNG: `tEXt`/`zTXt`/`iTXt` `AIGC`, XMP `iTXt` and `eXIf` UserComment, before or after IDAT."""
    labels: list[RawLabel] = []
    for kind, start, length, _ in _chunks(data):
        if kind == b"eXIf" and length <= MAX_TEXT_CHUNK:
            skip = 6 if data[start : start + 6] == b"Exif\x00\x00" else 0  # some writers keep the JPEG prefix
            labels += tiff.exif_labels(data, "png/exif-usercomment", base=start + skip, end=start + length)
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            keyword = bytes(data[start : start + min(length, 80)]).partition(b"\x00")[0]
            if keyword not in (KEYWORD, XMP_KEYWORD) or length > MAX_TEXT_CHUNK:
                continue
            labels += _text_chunk(kind, bytes(data[start : start + length]), start)
    return labels


def chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 over type and data."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write(data: bytes, label_json: str) -> bytes:
    """A `tEXt` chunk `AIGC\\0<json>` inserted right before the first IDAT; every other byte unchanged."""
    try:
        body = KEYWORD + b"\x00" + label_json.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise CarrierError("a tEXt chunk holds Latin-1 only") from exc
    read(data)  # refuse a file the reader could not follow afterwards
    for kind, _, _, at in _chunks(data):
        if kind == b"IDAT":
            return data[:at] + chunk(b"tEXt", body) + data[at:]
    raise CarrierError("the PNG has no IDAT chunk")
