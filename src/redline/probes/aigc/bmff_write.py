"""ISO BMFF writer: a GB 45438-2025 implicit label in the `ffmpeg -movflags use_metadata_tags` layout,
moov/udta/meta{hdlr mdta, keys, ilst}, byte-for-byte elsewhere except the offsets that must move
(chunk offset tables and fragment base offsets). The reader and the box walk are in bmff.py."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from redline.probes.aigc.bmff import KEY, MAX_TEXT, Box, _Budget, _child, _children, _keyed_meta, _KeyedMeta, _u32
from redline.probes.aigc.carriers import Buffer, CarrierError


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


def _extend(
    data: Buffer, parents: tuple[Box, ...], parsed: _KeyedMeta, value: bytes, budget: _Budget
) -> tuple[list[_Edit], list[tuple[int, bytes]]]:
    """Add the key to an existing mdta meta, or replace the value of the AIGC key it already has."""
    assert parsed.keys is not None and parsed.ilst is not None
    existing = {i for i, name in parsed.names.items() if name == KEY}
    ilst_parents = (*parents, parsed.ilst)
    edits = [
        _Edit(item.start, item.end - item.start, b"", ilst_parents)
        for item in _children(data, parsed.ilst.body, parsed.ilst.end, budget, 4)
        if int.from_bytes(item.type, "big") in existing
    ]
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
        offset = int.from_bytes(out[at : at + width], "big")
        if offset >= after:
            if offset + delta >= limit:
                raise CarrierError("a 32-bit chunk offset would overflow; the file needs co64")
            out[at : at + width] = (offset + delta).to_bytes(width, "big")


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
                    _shift(
                        out,
                        part.body + 16 + width,
                        part.end,
                        _u32(data, part.body + 12),
                        width,
                        stride,
                        moov.end,
                        delta,
                    )


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
        out[pos : pos + len(raw)] = raw
    if delta:
        _shift_sample_tables(out, data, moov, delta, budget)
        _shift_fragments(out, data, top, moov, delta, budget)
    for edit in sorted(edits, key=lambda e: e.pos, reverse=True):
        for parent in edit.parents:
            _resize(out, parent, len(edit.insert) - edit.remove)
        out[edit.pos : edit.pos + edit.remove] = edit.insert
    return bytes(out)
