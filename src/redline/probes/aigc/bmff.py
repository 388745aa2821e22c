"""ISO BMFF (MP4, MOV, M4A, HEIF, AVIF): GB 45438-2025 implicit labels in the movie and item metadata.

Carriers read (see ../shared/aigc-labels.md §2.2):
- `mp4/udta-meta-keys`: `moov/udta/meta` with handler `mdta`, a `keys` entry `AIGC` and the matching `ilst` item.
  This is the normative carrier of the TC260 video and audio practice guides (as cited by AigcTotal) and the layout
  `ffmpeg -movflags use_metadata_tags -metadata AIGC=…` writes; `write` produces exactly this.
- `mp4/moov-meta-keys`: the same keys/ilst in a `meta` directly under `moov` (Doubao iOS), in the QuickTime form
  (no version/flags) or the ISO full-box form.
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
    return next((c for c in _children(data, box.body if start is None else start, box.end, budget, depth)
                 if c.type == kind), None)


def _meta_start(data: Buffer, meta: Box) -> int:
    """Where a `meta` box's children begin: QuickTime writes no version/flags, ISO BMFF writes four bytes."""
    if meta.end - meta.body >= 8 and _u32(data, meta.body) >= 8 and \
            all(0x20 <= b <= 0x7E for b in bytes(data[meta.body + 4:meta.body + 8])):
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
            handler = bytes(data[child.body + 8:child.body + 12])
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
        names[index] = bytes(data[pos + 8:pos + size])
        pos += size
    return names, pos


def _ilst_values(data: Buffer, ilst: Box, indices: set[int], budget: _Budget, depth: int,
                 carrier: str) -> list[RawLabel]:
    """`ilst` items are boxes whose type is the 1-based key index; each holds `data` boxes (type, locale, value)."""
    labels: list[RawLabel] = []
    for item in _children(data, ilst.body, ilst.end, budget, depth):
        if int.from_bytes(item.type, "big") not in indices:
            continue
        for value in _children(data, item.body, item.end, budget, depth + 1):
            if value.type != b"data":
                continue
            if value.end - value.body < 8:
                raise CarrierError(f"data box at {value.start} is too short")
            if value.end - value.body - 8 > MAX_TEXT:
                continue
            raw = bytes(data[value.body + 8:value.end])
            text = raw.decode("utf-16-be" if _u32(data, value.body) & 0xFFFFFF == 2 else "utf-8", errors="replace")
            labels.append(RawLabel(carrier, text, value.body + 8))
    return labels


def _read_keyed(data: Buffer, meta: Box, budget: _Budget, depth: int, carrier: str) -> list[RawLabel]:
    parsed = _keyed_meta(data, meta, budget, depth)
    if parsed.handler not in (None, b"mdta") or parsed.ilst is None:
        return []
    indices = {i for i, name in parsed.names.items() if name == KEY}
    return _ilst_values(data, parsed.ilst, indices, budget, depth, carrier) if indices else []


def _read_xmp(data: Buffer, start: int, box: Box, carrier: str) -> list[RawLabel]:
    if box.end - start > MAX_XMP:
        raise CarrierError(f"XMP box at {box.start} is larger than {MAX_XMP} bytes")
    return xmp.find_labels(bytes(data[start:box.end]), carrier)


def _read_xmp_uuid(data: Buffer, box: Box, carrier: str) -> list[RawLabel]:
    if box.end - box.body < 16 or bytes(data[box.body:box.body + 16]) != XMP_UUID:
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
        value = int.from_bytes(bytes(self.data[self.pos:self.pos + size]), "big")
        self.pos += size
        return value

    def cstring(self) -> bytes:
        raw = bytes(self.data[self.pos:self.end])
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
        packet = b"".join(bytes(data[start:start + length]) for start, length in extents)
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


# Writing: the `ffmpeg -movflags use_metadata_tags` layout, moov/udta/meta{hdlr mdta, keys, ilst}.


@dataclass(frozen=True)
class _Edit:
    """Replace `remove` bytes at `pos` with `insert`; every box in `parents` grows by the difference."""

    pos: int
    remove: int
    insert: bytes
    parents: tuple[Box, ...]


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _key_entry() -> bytes:
    return struct.pack(">I4s", 8 + len(KEY), b"mdta") + KEY


def _item(index: int, value: bytes) -> bytes:
    return _box(index.to_bytes(4, "big"), _box(b"data", struct.pack(">II", 1, 0) + value))  # type 1 = UTF-8


def _new_meta(value: bytes) -> bytes:
    hdlr = _box(b"hdlr", bytes(8) + b"mdta" + bytes(13))
    keys = _box(b"keys", struct.pack(">II", 0, 1) + _key_entry())
    return _box(b"meta", bytes(4) + hdlr + keys + _box(b"ilst", _item(1, value)))


def _last_end(data: Buffer, box: Box, budget: _Budget, depth: int) -> int:
    """Where a new child goes: after the last child, before any QuickTime zero terminator."""
    return max((c.end for c in _children(data, box.body, box.end, budget, depth)), default=box.body)


def _extend(data: Buffer, parents: tuple[Box, ...], parsed: _KeyedMeta, value: bytes,
            budget: _Budget) -> tuple[list[_Edit], list[tuple[int, bytes]]]:
    """Add the key to an existing mdta meta, or replace the value of the AIGC key it already has."""
    assert parsed.keys is not None and parsed.ilst is not None
    existing = {i for i, name in parsed.names.items() if name == KEY}
    ilst_parents = (*parents, parsed.ilst)
    edits = [_Edit(item.start, item.end - item.start, b"", ilst_parents)
             for item in _children(data, parsed.ilst.body, parsed.ilst.end, budget, 4)
             if int.from_bytes(item.type, "big") in existing]
    patches: list[tuple[int, bytes]] = []
    if existing:
        index = min(existing)
    else:
        index = len(parsed.names) + 1
        edits.append(_Edit(parsed.keys_end, 0, _key_entry(), (*parents, parsed.keys)))
        patches.append((parsed.keys.body + 4, struct.pack(">I", index)))
    edits.append(_Edit(_last_end(data, parsed.ilst, budget, 4), 0, _item(index, value), ilst_parents))
    return edits, patches


def _plan(data: Buffer, moov: Box, value: bytes, budget: _Budget) -> tuple[list[_Edit], list[tuple[int, bytes]]]:
    udta = _child(data, moov, b"udta", budget, 1)
    if udta is None:
        return [_Edit(_last_end(data, moov, budget, 1), 0, _box(b"udta", _new_meta(value)), (moov,))], []
    for meta in _children(data, udta.body, udta.end, budget, 2):
        if meta.type == b"meta":
            parsed = _keyed_meta(data, meta, budget, 3)
            if parsed.handler == b"mdta" and parsed.keys and parsed.ilst:
                return _extend(data, (moov, udta, meta), parsed, value, budget)
    # An iTunes-style meta (handler mdir) cannot hold keys; ffmpeg and exiftool read a second meta beside it.
    return [_Edit(_last_end(data, udta, budget, 2), 0, _new_meta(value), (moov, udta))], []


def _resize(out: bytearray, box: Box, delta: int) -> None:
    size = _u32(out, box.start)
    if size == 0:
        return  # "to the end of the container" stays true
    pos, fmt, limit = (box.start + 8, ">Q", 2**64 - 1) if size == 1 else (box.start, ">I", 0xFFFFFFFF)
    new = struct.unpack_from(fmt, out, pos)[0] + delta
    if not 8 <= new <= limit:
        raise CarrierError(f"box {box.type!r} at {box.start} cannot take {delta} more bytes")
    struct.pack_into(fmt, out, pos, new)


def _shift(out: bytearray, pos: int, end: int, count: int, width: int, stride: int, after: int, delta: int) -> None:
    """Shift `count` absolute offsets (`width` bytes, every `stride` bytes from pos) that point at or past `after`."""
    if count and (count - 1) * stride + width > end - pos:
        raise CarrierError(f"offset table at {pos} claims {count} entries")
    limit = 1 << (8 * width)
    for at in range(pos, pos + count * stride, stride):
        offset = int.from_bytes(out[at:at + width], "big")
        if offset >= after:
            if offset + delta >= limit:
                raise CarrierError("a 32-bit chunk offset would overflow; the file needs co64")
            out[at:at + width] = (offset + delta).to_bytes(width, "big")


def _shift_sample_tables(out: bytearray, data: Buffer, moov: Box, delta: int, budget: _Budget) -> None:
    """stco/co64 (and saio) of every track hold absolute file offsets."""
    for trak in _children(data, moov.body, moov.end, budget, 1):
        stbl = trak if trak.type == b"trak" else None
        for kind, depth in ((b"mdia", 2), (b"minf", 3), (b"stbl", 4)):
            stbl = _child(data, stbl, kind, budget, depth) if stbl else None
        for table in _children(data, stbl.body, stbl.end, budget, 5) if stbl else ():
            if table.end - table.body < 8:
                continue
            version, flags = data[table.body], _u32(data, table.body) & 0xFFFFFF
            if table.type in (b"stco", b"co64"):
                width = 4 if table.type == b"stco" else 8
                _shift(out, table.body + 8, table.end, _u32(data, table.body + 4), width, width, moov.end, delta)
            elif table.type == b"saio":
                pos = table.body + (12 if flags & 1 else 4)
                if pos + 4 <= table.end:
                    width = 8 if version else 4
                    _shift(out, pos + 4, table.end, _u32(data, pos), width, width, moov.end, delta)


def _shift_fragments(out: bytearray, data: Buffer, top: list[Box], moov: Box, delta: int, budget: _Budget) -> None:
    """Fragmented files: tfhd base-data-offset and the tfra random-access table hold absolute offsets."""
    for box in top:
        if box.type not in (b"moof", b"mfra") or box.start < moov.end:
            continue
        for child in _children(data, box.body, box.end, budget, 1):
            parts = _children(data, child.body, child.end, budget, 2) if child.type == b"traf" else [child]
            for part in parts:
                if part.end - part.body < 16:
                    continue
                version, flags = data[part.body], _u32(data, part.body) & 0xFFFFFF
                if part.type == b"tfhd" and flags & 1:
                    _shift(out, part.body + 8, part.end, 1, 8, 8, moov.end, delta)
                elif part.type == b"tfra":
                    width = 8 if version else 4
                    sizes = _u32(data, part.body + 8)
                    stride = 2 * width + sum(((sizes >> s) & 3) + 1 for s in (0, 2, 4))
                    _shift(out, part.body + 16 + width, part.end, _u32(data, part.body + 12), width, stride,
                           moov.end, delta)


def write(data: bytes, label_json: str) -> bytes:
    """Add the label as key `AIGC` in moov/udta/meta (mdta), keeping every media byte and moving only what follows.

    Chunk offsets past moov move by the number of bytes inserted (the faststart layout); nothing else changes.
    """
    value = label_json.encode("utf-8")
    if len(value) > MAX_TEXT:
        raise CarrierError(f"label longer than {MAX_TEXT} bytes")
    budget = _Budget()
    top = list(_children(data, 0, len(data), budget, 0))
    moovs = [box for box in top if box.type == b"moov"]
    if len(moovs) != 1:
        raise CarrierError(f"expected one moov box, found {len(moovs)}")
    moov = moovs[0]
    for meta in (box for box in top if box.type == b"meta"):
        if meta.end - meta.body >= 4 and _child(data, meta, b"iloc", budget, 1, meta.body + 4):
            raise CarrierError("files with a top-level item location box (iloc) are not supported for writing")
    edits, patches = _plan(data, moov, value, budget)
    delta = sum(len(edit.insert) - edit.remove for edit in edits)
    out = bytearray(data)
    for pos, raw in patches:
        out[pos:pos + len(raw)] = raw
    if delta:
        _shift_sample_tables(out, data, moov, delta, budget)
        _shift_fragments(out, data, top, moov, delta, budget)
    for edit in sorted(edits, key=lambda e: e.pos, reverse=True):
        for parent in edit.parents:
            _resize(out, parent, len(edit.insert) - edit.remove)
        out[edit.pos:edit.pos + edit.remove] = edit.insert
    return bytes(out)
