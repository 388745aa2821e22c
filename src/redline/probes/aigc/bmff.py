"""ISO BMFF (MP4, MOV, M4A, HEIF, AVIF): GB 45438-2025 implicit labels in the movie and item metadata.

Carriers read (the TC260 video practice guide as cited by github.com/StarPluckerZ/AigcTotal docs/checks.md):
- `mp4/udta-meta-keys`: `moov/udta/meta` with handler `mdta`, a `keys` entry `AIGC` and the matching `ilst` item.
  This is the normative carrier of the TC260 video and audio practice guides (as cited by AigcTotal) and the layout
  `ffmpeg -movflags use_metadata_tags -metadata AIGC=…` writes; `write` produces exactly this.
- `mp4/moov-meta-keys`: the same keys/ilst in a `meta` directly under `moov` (Doubao iOS), in the QuickTime form
  (no version/flags) or the ISO full-box form.
- `mp4/ilst-freeform`: an iTunes freeform item `----` named `AIGC` in an `mdir` meta (mutagen's and iTunes' way to
  add a custom tag; exiftool shows `[iTunes] AIGC`). No practice guide names it; it is read so that such a label is
  checked rather than missed.
- `mp4/xmp-uuid`: XMP (`TC260:AIGC`) in a `uuid` box be7acfcb-97a9-42e8-9c71-999491e3afac, top level or in `moov`.
- `mov/udta-xmp`: XMP in `moov/udta/XMP_`, where QuickTime (and exiftool, for MOV files) keeps it.
- `heif/xmp`: the HEIF/AVIF XMP item (`infe` type `mime`, content type application/rdf+xml) located through `iloc`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from redline.probes.aigc import xmp
from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_DEPTH = 8
MAX_BOXES = 100_000
MAX_TEXT = 64 * 1024
MAX_XMP = 4 << 20
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
KEY = b"AIGC"


@dataclass(frozen=True)
class Box:
    """One box: `start` is its header, `body` the first byte after size/type (and largesize), `end` its end."""

    type: bytes
    start: int
    body: int
    end: int


class _Budget:
    def __init__(self) -> None:
        self.boxes = 0

    def spend(self, n: int = 1) -> None:
        self.boxes += n
        if self.boxes > MAX_BOXES:
            raise CarrierError(f"more than {MAX_BOXES} boxes or entries")


def _u32(data: Buffer | bytearray, pos: int) -> int:
    value: int = struct.unpack_from(">I", data, pos)[0]
    return value


def _children(data: Buffer, start: int, end: int, budget: _Budget, depth: int) -> Iterator[Box]:
    """The boxes between start and end; every size is checked against the enclosing box."""
    if depth > MAX_DEPTH:
        raise CarrierError(f"boxes nested deeper than {MAX_DEPTH}")
    pos = start
    while pos < end:
        budget.spend()
        if end - pos < 8:
            if not any(bytes(data[pos:end])):
                return  # QuickTime ends some lists with a zero terminator; files end with zero padding
            raise CarrierError(f"truncated box header at {pos}")
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if end - pos < 16:
                raise CarrierError(f"truncated 64-bit box header at {pos}")
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or size > end - pos:
            raise CarrierError(f"box {kind!r} at {pos} has size {size}, beyond its container")
        yield Box(kind, pos, pos + header, pos + size)
        pos += size


def _child(data: Buffer, box: Box, kind: bytes, budget: _Budget, depth: int, start: int | None = None) -> Box | None:
    return next(
        (c for c in _children(data, box.body if start is None else start, box.end, budget, depth) if c.type == kind),
        None,
    )


def _meta_start(data: Buffer, meta: Box) -> int:
    """Where a `meta` box's children begin: QuickTime writes no version/flags, ISO BMFF writes four bytes."""
    if (
        meta.end - meta.body >= 8
        and _u32(data, meta.body) >= 8
        and all(0x20 <= b <= 0x7E for b in bytes(data[meta.body + 4 : meta.body + 8]))
    ):
        return meta.body
    if meta.end - meta.body < 4:
        raise CarrierError(f"meta box at {meta.start} is too short")
    return meta.body + 4


@dataclass(frozen=True)
class _KeyedMeta:
    handler: bytes | None
    keys: Box | None
    ilst: Box | None
    names: dict[int, bytes]
    keys_end: int  # end of the last key entry (a new entry goes here)


def _keyed_meta(data: Buffer, meta: Box, budget: _Budget, depth: int) -> _KeyedMeta:
    handler: bytes | None = None
    keys = ilst = None
    for child in _children(data, _meta_start(data, meta), meta.end, budget, depth):
        if child.type == b"hdlr" and handler is None:
            if child.end - child.body < 12:
                raise CarrierError(f"hdlr box at {child.start} is too short")
            handler = bytes(data[child.body + 8 : child.body + 12])
        elif child.type == b"keys" and keys is None:
            keys = child
        elif child.type == b"ilst" and ilst is None:
            ilst = child
    names, keys_end = _key_names(data, keys, budget) if keys else ({}, 0)
    return _KeyedMeta(handler, keys, ilst, names, keys_end)


def _key_names(data: Buffer, keys: Box, budget: _Budget) -> tuple[dict[int, bytes], int]:
    """`keys`: version/flags, entry count, then entries of size, namespace and name; indexed from 1."""
    if keys.end - keys.body < 8:
        raise CarrierError(f"keys box at {keys.start} is too short")
    count = _u32(data, keys.body + 4)
    if count > (keys.end - keys.body - 8) // 8:
        raise CarrierError(f"keys box at {keys.start} claims {count} entries")
    budget.spend(count)
    names: dict[int, bytes] = {}
    pos = keys.body + 8
    for index in range(1, count + 1):
        size = _u32(data, pos) if keys.end - pos >= 8 else 0
        if size < 8 or size > keys.end - pos:
            raise CarrierError(f"keys entry {index} at {pos} has size {size}")
        names[index] = bytes(data[pos + 8 : pos + size])
        pos += size
    return names, pos


def _ilst_values(
    data: Buffer, ilst: Box, indices: set[int], budget: _Budget, depth: int, carrier: str
) -> list[RawLabel]:
    """`ilst` items are boxes whose type is the 1-based key index; each holds `data` boxes (type, locale, value)."""
    labels: list[RawLabel] = []
    for item in _children(data, ilst.body, ilst.end, budget, depth):
        if int.from_bytes(item.type, "big") in indices:
            labels += _data_values(data, item, budget, depth + 1, carrier)
    return labels


def _data_values(data: Buffer, item: Box, budget: _Budget, depth: int, carrier: str) -> list[RawLabel]:
    """The texts of an `ilst` item's `data` children (type, locale, then UTF-8 or, type 2, UTF-16BE)."""
    labels: list[RawLabel] = []
    for value in _children(data, item.body, item.end, budget, depth):
        if value.type != b"data":
            continue
        if value.end - value.body < 8:
            raise CarrierError(f"data box at {value.start} is too short")
        if value.end - value.body - 8 > MAX_TEXT:
            continue
        raw = bytes(data[value.body + 8 : value.end])
        text = raw.decode("utf-16-be" if _u32(data, value.body) & 0xFFFFFF == 2 else "utf-8", errors="replace")
        labels.append(RawLabel(carrier, text, value.body + 8))
    return labels


def _freeform_values(data: Buffer, ilst: Box, budget: _Budget, depth: int) -> list[RawLabel]:
    """iTunes freeform items (`----` with `mean`, `name` and `data` children) named AIGC, whatever their `mean`."""
    labels: list[RawLabel] = []
    for item in _children(data, ilst.body, ilst.end, budget, depth):
        if item.type != b"----":
            continue
        name = next((p for p in _children(data, item.body, item.end, budget, depth + 1) if p.type == b"name"), None)
        if name is not None and bytes(data[name.body + 4 : name.end]) == KEY:  # after the name box's version/flags
            labels += _data_values(data, item, budget, depth + 1, "mp4/ilst-freeform")
    return labels


def _read_keyed(data: Buffer, meta: Box, budget: _Budget, depth: int, carrier: str) -> list[RawLabel]:
    parsed = _keyed_meta(data, meta, budget, depth)
    if parsed.handler == b"mdir" and parsed.ilst is not None:
        return _freeform_values(data, parsed.ilst, budget, depth)
    if parsed.handler not in (None, b"mdta") or parsed.ilst is None:
        return []
    indices = {i for i, name in parsed.names.items() if name == KEY}
    return _ilst_values(data, parsed.ilst, indices, budget, depth, carrier) if indices else []


def _read_xmp(data: Buffer, start: int, box: Box, carrier: str) -> list[RawLabel]:
    if box.end - start > MAX_XMP:
        raise CarrierError(f"XMP box at {box.start} is larger than {MAX_XMP} bytes")
    return xmp.find_labels(bytes(data[start : box.end]), carrier)


def _read_xmp_uuid(data: Buffer, box: Box, carrier: str) -> list[RawLabel]:
    if box.end - box.body < 16 or bytes(data[box.body : box.body + 16]) != XMP_UUID:
        return []
    return _read_xmp(data, box.body + 16, box, carrier)


def _read_moov(data: Buffer, moov: Box, budget: _Budget) -> list[RawLabel]:
    labels: list[RawLabel] = []
    for child in _children(data, moov.body, moov.end, budget, 1):
        if child.type == b"udta":
            for meta in _children(data, child.body, child.end, budget, 2):
                if meta.type == b"meta":
                    labels += _read_keyed(data, meta, budget, 3, "mp4/udta-meta-keys")
                elif meta.type == b"XMP_":
                    labels += _read_xmp(data, meta.body, meta, "mov/udta-xmp")
        elif child.type == b"meta":
            labels += _read_keyed(data, child, budget, 2, "mp4/moov-meta-keys")
        elif child.type == b"uuid":
            labels += _read_xmp_uuid(data, child, "mp4/xmp-uuid")
    return labels


class _Cursor:
    """Bounded big-endian reads inside one box."""

    def __init__(self, data: Buffer, pos: int, end: int) -> None:
        self.data, self.pos, self.end = data, pos, end

    def uint(self, size: int) -> int:
        if self.pos + size > self.end:
            raise CarrierError(f"structure runs past its box at {self.pos}")
        value = int.from_bytes(bytes(self.data[self.pos : self.pos + size]), "big")
        self.pos += size
        return value

    def cstring(self) -> bytes:
        raw = bytes(self.data[self.pos : self.end])
        text, _, _ = raw.partition(b"\0")
        self.pos = min(self.end, self.pos + len(text) + 1)
        return text


def _xmp_items(data: Buffer, iinf: Box, budget: _Budget) -> set[int]:
    """Item IDs of `infe` entries (v0-v3) whose content type is application/rdf+xml."""
    head = _Cursor(data, iinf.body, iinf.end)
    version = head.uint(4) >> 24
    head.uint(2 if version == 0 else 4)
    found: set[int] = set()
    for infe in _children(data, head.pos, iinf.end, budget, 3):
        if infe.type != b"infe":
            continue
        cur = _Cursor(data, infe.body, infe.end)
        version = cur.uint(4) >> 24
        item_id = cur.uint(4 if version >= 3 else 2)
        cur.uint(2)
        item_type = cur.uint(4).to_bytes(4, "big") if version >= 2 else b"mime"
        cur.cstring()
        if item_type == b"mime" and cur.cstring().strip() == b"application/rdf+xml":
            found.add(item_id)
    return found


def _iloc_extents(data: Buffer, iloc: Box, wanted: set[int], budget: _Budget) -> dict[int, list[tuple[int, int]]]:
    """File extents (start, length) of the wanted items; construction method 0 (file offsets) only."""
    cur = _Cursor(data, iloc.body, iloc.end)
    version = cur.uint(4) >> 24
    if version > 2:
        raise CarrierError(f"iloc version {version} is unknown")
    sizes = cur.uint(2)
    offset_size, length_size, base_size = sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15
    index_size = sizes & 15 if version else 0
    if any(s not in (0, 4, 8) for s in (offset_size, length_size, base_size, index_size)):
        raise CarrierError("iloc field sizes must be 0, 4 or 8")
    found: dict[int, list[tuple[int, int]]] = {}
    for _ in range(cur.uint(4 if version == 2 else 2)):
        item_id = cur.uint(4 if version == 2 else 2)
        method = cur.uint(2) & 15 if version else 0
        reference, base = cur.uint(2), cur.uint(base_size)
        count = cur.uint(2)
        budget.spend(count + 1)
        extents: list[tuple[int, int]] = []
        for _ in range(count):
            cur.uint(index_size)
            offset, length = cur.uint(offset_size), cur.uint(length_size)
            extents.append((base + offset, length or len(data) - base - offset))
        if item_id in wanted and method == 0 and reference == 0:
            found[item_id] = extents
    return found


def _read_heif_xmp(data: Buffer, meta: Box, budget: _Budget) -> list[RawLabel]:
    children = list(_children(data, meta.body + 4, meta.end, budget, 1)) if meta.end - meta.body >= 4 else []
    iinf = next((c for c in children if c.type == b"iinf"), None)
    iloc = next((c for c in children if c.type == b"iloc"), None)
    wanted = _xmp_items(data, iinf, budget) if iinf else set()
    if not wanted or iloc is None:
        return []
    labels: list[RawLabel] = []
    for extents in _iloc_extents(data, iloc, wanted, budget).values():
        if sum(length for _, length in extents) > MAX_XMP:
            raise CarrierError(f"HEIF XMP item larger than {MAX_XMP} bytes")
        if any(start < 0 or length < 0 or start + length > len(data) for start, length in extents):
            raise CarrierError("HEIF XMP item extent lies outside the file")
        packet = b"".join(bytes(data[start : start + length]) for start, length in extents)
        labels += xmp.find_labels(packet, "heif/xmp")
    return labels


def read(data: Buffer) -> list[RawLabel]:
    """Labels in moov/udta/meta keys, moov/meta keys, XMP uuid boxes and the HEIF/AVIF XMP item."""
    budget = _Budget()
    labels: list[RawLabel] = []
    for box in _children(data, 0, len(data), budget, 0):
        if box.type == b"moov":
            labels += _read_moov(data, box, budget)
        elif box.type == b"uuid":
            labels += _read_xmp_uuid(data, box, "mp4/xmp-uuid")
        elif box.type == b"meta":
            labels += _read_heif_xmp(data, box, budget)
    return labels
