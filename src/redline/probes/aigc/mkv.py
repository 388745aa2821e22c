"""Matroska and WebM: the GB 45438-2025 implicit label in `Segment/Tags/Tag/SimpleTag`.

Carrier `mkv/SimpleTag`: a SimpleTag whose TagName is `AIGC` (names compared case-insensitively, as Matroska tag
names are conventionally upper case) and whose TagString holds the JSON, per the TC260 video practice guide as
cited by github.com/StarPluckerZ/AigcTotal docs/checks.md; `ffmpeg -metadata AIGC=…` writes it this way. Nested
SimpleTags are searched too. Clusters are skipped, also when their size is unknown (live WebM).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_DEPTH = 8
MAX_ELEMENTS = 100_000
MAX_TEXT = 64 * 1024

EBML = 0x1A45DFA3
SEGMENT = 0x18538067
CLUSTER = 0x1F43B675
TAGS = 0x1254C367
TAG = 0x7373
SIMPLE_TAG = 0x67C8
TAG_NAME = 0x45A3
TAG_STRING = 0x4487
# Children of Segment: an element of one of these IDs ends a Cluster of unknown size.
LEVEL1 = frozenset(
    {EBML, SEGMENT, CLUSTER, TAGS, 0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1C53BB6B, 0x1941A469, 0x1043A770}
)


@dataclass(frozen=True)
class Element:
    id: int
    body: int
    end: int


class _Walker:
    def __init__(self, data: Buffer) -> None:
        self.data = data
        self.count = 0

    def vint(self, pos: int, end: int, is_id: bool) -> tuple[int, int, bool]:
        """An EBML variable-length integer at pos: (value, length, all value bits set)."""
        if pos >= end:
            raise CarrierError(f"truncated EBML header at {pos}")
        first = self.data[pos]
        length = 9 - first.bit_length()
        if first == 0 or (is_id and length > 4):
            raise CarrierError(f"invalid EBML {'ID' if is_id else 'size'} at {pos}")
        if pos + length > end:
            raise CarrierError(f"truncated EBML header at {pos}")
        value = int.from_bytes(bytes(self.data[pos : pos + length]), "big")
        mask = (1 << (7 * length)) - 1
        return (value if is_id else value & mask), length, value & mask == mask

    def header(self, pos: int, end: int) -> tuple[int, int, int | None]:
        """(element ID, body start, body size or None when unknown)."""
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise CarrierError(f"more than {MAX_ELEMENTS} EBML elements")
        ident, id_len, _ = self.vint(pos, end, True)
        size, size_len, unknown = self.vint(pos + id_len, end, False)
        return ident, pos + id_len + size_len, None if unknown else size

    def children(self, start: int, end: int, depth: int) -> Iterator[Element]:
        if depth > MAX_DEPTH:
            raise CarrierError(f"EBML elements nested deeper than {MAX_DEPTH}")
        pos = start
        while pos < end:
            ident, body, size = self.header(pos, end)
            if size is None:
                if ident == SEGMENT:
                    size = end - body
                elif ident == CLUSTER:
                    size = self.cluster_size(body, end)
                else:
                    raise CarrierError(f"element {ident:#x} at {pos} has an unknown size")
            if size > end - body:
                raise CarrierError(f"element {ident:#x} at {pos} runs past its parent ({size} bytes)")
            yield Element(ident, body, body + size)
            pos = body + size

    def cluster_size(self, start: int, end: int) -> int:
        """A Cluster of unknown size ends where the next Segment-level element begins."""
        pos = start
        while pos < end:
            ident, body, size = self.header(pos, end)
            if ident in LEVEL1:
                break
            if size is None or size > end - body:
                raise CarrierError(f"cluster child {ident:#x} at {pos} has a bad size")
            pos = body + size
        return pos - start


def _simple_tags(walker: _Walker, tag: Element, depth: int) -> list[RawLabel]:
    labels: list[RawLabel] = []
    for simple in walker.children(tag.body, tag.end, depth):
        if simple.id != SIMPLE_TAG:
            continue
        name: bytes | None = None
        values: list[Element] = []
        for part in walker.children(simple.body, simple.end, depth + 1):
            if part.id == TAG_NAME:
                name = bytes(walker.data[part.body : part.end])
            elif part.id == TAG_STRING:
                values.append(part)
        if name is not None and name.rstrip(b"\0").upper() == b"AIGC":
            labels += [
                RawLabel("mkv/SimpleTag", bytes(walker.data[v.body : v.end]).decode("utf-8", "replace"), v.body)
                for v in values
                if v.end - v.body <= MAX_TEXT
            ]
        labels += _simple_tags(walker, simple, depth + 1)
    return labels


def read(data: Buffer) -> list[RawLabel]:
    """Labels in Segment/Tags/Tag/SimpleTag (TagName AIGC, TagString JSON)."""
    walker = _Walker(data)
    labels: list[RawLabel] = []
    for top in walker.children(0, len(data), 0):
        if top.id != SEGMENT:
            continue
        for level1 in walker.children(top.body, top.end, 1):
            if level1.id != TAGS:
                continue
            for tag in walker.children(level1.body, level1.end, 2):
                if tag.id == TAG:
                    labels += _simple_tags(walker, tag, 3)
    return labels
