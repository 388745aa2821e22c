"""TIFF IFDs: the XMP tag and the Exif UserComment, for TIFF files and for Exif blocks in JPEG and WebP.

Carriers (TC260 image practice guide, via AigcTotal docs/checks.md): IFD0 tag 0x02BC (XMP, TIFF/XMP Part 3
§1.1.4) holding `TC260:AIGC`, and Exif UserComment (tag 0x9286 in the Exif IFD, Exif 2.32 §4.6.5) holding the
`{"AIGC":{…}}` JSON after its 8-byte character-code prefix. Both byte orders; the IFD walk is bounded (1,000
entries per IFD, 64 IFDs) and refuses loops.
"""

from __future__ import annotations

import struct

from redline.probes.aigc import xmp
from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_ENTRIES = 1000
MAX_IFDS = 64
MAX_VALUE = 16 * 1024 * 1024
TAG_XMP = 0x02BC
TAG_EXIF_IFD = 0x8769
TAG_USER_COMMENT = 0x9286
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}

# tag -> (field type, count, absolute offset of the value, value size in bytes or -1 for an unknown type)
Entries = dict[int, tuple[int, int, int, int]]


class _Tiff:
    """A TIFF structure inside `data[base:end]`; offsets in the file are relative to `base`."""

    def __init__(self, data: Buffer, base: int = 0, end: int | None = None) -> None:
        self.data, self.base = data, base
        self.end = len(data) if end is None else min(end, len(data))
        head = self.read(0, 8)
        if head[:4] == b"II*\x00":
            self.order = "<"
        elif head[:4] == b"MM\x00*":
            self.order = ">"
        elif head[:4] in (b"II+\x00", b"MM\x00+"):
            raise CarrierError("BigTIFF is not supported")
        else:
            raise CarrierError("not a TIFF header (II*/MM*)")
        self.ifd0: int = struct.unpack(self.order + "I", head[4:8])[0]
        self.visited: set[int] = set()

    def read(self, offset: int, size: int) -> bytes:
        start = self.base + offset
        if offset < 0 or size < 0 or start + size > self.end:
            raise CarrierError(f"TIFF offset {offset} (+{size}) is past the end of the data")
        return bytes(self.data[start : start + size])

    def ifd(self, offset: int) -> Entries:
        if offset in self.visited:
            raise CarrierError(f"IFD loop: the IFD at offset {offset} is referenced twice")
        if len(self.visited) >= MAX_IFDS:
            raise CarrierError(f"more than {MAX_IFDS} IFDs")
        self.visited.add(offset)
        (count,) = struct.unpack(self.order + "H", self.read(offset, 2))
        if count > MAX_ENTRIES:
            raise CarrierError(f"IFD at offset {offset} claims {count} entries (limit {MAX_ENTRIES})")
        raw = self.read(offset + 2, 12 * count)
        entries: Entries = {}
        for i in range(count):
            tag, kind, n = struct.unpack_from(self.order + "HHI", raw, 12 * i)
            size = _TYPE_SIZES[kind] * n if kind in _TYPE_SIZES else -1
            if 0 <= size <= 4:
                where = offset + 2 + 12 * i + 8
            else:
                (where,) = struct.unpack_from(self.order + "I", raw, 12 * i + 8)
            entries.setdefault(tag, (kind, n, where, size))
        return entries

    def value(self, entries: Entries, tag: int) -> bytes | None:
        """A tag's raw value bytes (None if absent, of an unknown type, or over MAX_VALUE)."""
        if tag not in entries:
            return None
        _, _, where, size = entries[tag]
        if size < 0 or size > MAX_VALUE:
            return None
        return self.read(where, size)

    def pointer(self, entries: Entries, tag: int) -> int | None:
        kind, n, where, _ = entries.get(tag, (0, 0, 0, 0))
        if kind not in (4, 13) or n < 1:
            return None
        value: int = struct.unpack(self.order + "I", self.read(where, 4))[0]
        return value


def user_comment_text(raw: bytes, order: str = "<") -> str:
    """Exif UserComment text: the 8-byte character code (ASCII, UNICODE = UTF-16, JIS, undefined) stripped."""
    code, body = raw[:8], raw[8:]
    if code == b"UNICODE\x00":
        if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
            encoding, body = ("utf-16-le" if body[:2] == b"\xff\xfe" else "utf-16-be"), body[2:]
        else:
            odd_zeros, even_zeros = body[1::2].count(0), body[0::2].count(0)
            little = odd_zeros > even_zeros or (odd_zeros == even_zeros and order == "<")
            encoding = "utf-16-le" if little else "utf-16-be"
        text = body.decode(encoding, errors="replace")
    elif code in (b"ASCII\x00\x00\x00", b"\x00" * 8):
        text = body.decode("utf-8", errors="replace")
    elif code == b"JIS\x00\x00\x00\x00\x00":
        text = body.decode("shift_jis", errors="replace")
    else:  # no prefix at all: some writers store the text as plain ASCII
        text = raw.decode("utf-8", errors="replace")
    return text.strip("\x00 \t\r\n")


def _comment_labels(tiff: _Tiff, entries: Entries, carrier: str) -> list[RawLabel]:
    raw = tiff.value(entries, TAG_USER_COMMENT)
    if raw is None or len(raw) > xmp.MAX_LABEL + 8:
        return []
    text = user_comment_text(raw, tiff.order)
    offset = tiff.base + entries[TAG_USER_COMMENT][2]
    if text and xmp.looks_like_label(text):
        return [RawLabel(carrier, text, offset)]
    if text and xmp.mentions_aigc(text):
        return [RawLabel(carrier, text, offset, mention=True)]
    return []


def _labels(tiff: _Tiff, xmp_carrier: str | None, exif_carrier: str) -> list[RawLabel]:
    ifd0 = tiff.ifd(tiff.ifd0)
    labels: list[RawLabel] = []
    if xmp_carrier:
        packet = tiff.value(ifd0, TAG_XMP)
        if packet is not None:
            labels += xmp.find_labels(packet, xmp_carrier, offset=tiff.base + ifd0[TAG_XMP][2])
    labels += _comment_labels(tiff, ifd0, exif_carrier)  # misplaced in IFD0 by some writers
    exif_ifd = tiff.pointer(ifd0, TAG_EXIF_IFD)
    if exif_ifd is not None:
        labels += _comment_labels(tiff, tiff.ifd(exif_ifd), exif_carrier)
    return labels


def exif_labels(data: Buffer, carrier: str, *, base: int = 0, end: int | None = None) -> list[RawLabel]:
    """Labels in the UserComment of an Exif block (a TIFF structure at `data[base:end]`)."""
    return _labels(_Tiff(data, base, end), None, carrier)


def read(data: Buffer) -> list[RawLabel]:
    """TIFF: IFD0 XMP (0x02BC) -> `tiff/xmp`; Exif UserComment -> `tiff/exif-usercomment`."""
    return _labels(_Tiff(data), "tiff/xmp", "tiff/exif-usercomment")
