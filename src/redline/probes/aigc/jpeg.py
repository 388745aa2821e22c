"""JPEG: labels in the marker segments before the first SOS (ITU-T T.81 B.1).

Carriers (TC260 image practice guide, via github.com/StarPluckerZ/AigcTotal docs/checks.md):
APP1 XMP (`http://ns.adobe.com/xap/1.0/\\0`, XMP Part 3 §1.1.3; extended XMP is joined too) holding
`TC260:AIGC` -> `jpeg/xmp`; APP1 Exif UserComment holding `{"AIGC":{…}}` -> `jpeg/exif-usercomment`; and, as
some generators do, an APPn segment whose payload is a bare `AIGC{…}` blob -> `jpeg/app-blob`. The writer adds
the normative carrier, an APP1 XMP segment, and changes no other byte.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from redline.probes.aigc import tiff, xmp
from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

SOI = b"\xff\xd8"
XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
MAX_SEGMENTS = 10_000
MAX_EXTENDED_XMP = 16 * 1024 * 1024
_STANDALONE = {0x01, *range(0xD0, 0xD9)}  # TEM, RSTn, SOI: no length field


def _segments(data: Buffer) -> Iterator[tuple[int, int, int]]:
    """(marker, payload start, payload end) for each segment from SOI up to, not including, SOS."""
    size = len(data)
    if data[:2] != SOI:
        raise CarrierError("not a JPEG: no SOI marker")
    pos = 2
    for _ in range(MAX_SEGMENTS):
        if pos >= size:
            raise CarrierError("the JPEG ends before its image data (no SOS)")
        if data[pos] != 0xFF:
            raise CarrierError(f"expected a marker at offset {pos}")
        while pos < size and data[pos] == 0xFF:  # fill bytes (T.81 B.1.1.2)
            pos += 1
        if pos >= size:
            raise CarrierError("the JPEG ends inside a marker")
        marker = data[pos]
        pos += 1
        if marker in _STANDALONE:
            continue
        if marker in (0xD9, 0xDA):  # EOI, SOS: the metadata segments are over
            return
        if marker == 0x00:
            raise CarrierError(f"stuffed 0xFF00 outside entropy-coded data at offset {pos - 2}")
        if pos + 2 > size:
            raise CarrierError(f"segment 0xFF{marker:02X} at offset {pos - 2} is truncated")
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2:
            raise CarrierError(f"segment 0xFF{marker:02X} at offset {pos - 2} has length {length}")
        end = pos + length
        if end > size:
            raise CarrierError(f"segment 0xFF{marker:02X} at offset {pos - 2} runs past the end")
        yield marker, pos + 2, end
        pos = end
    raise CarrierError(f"more than {MAX_SEGMENTS} segments before the image data")


def _blob_text(payload: bytes) -> str:
    return payload.decode("utf-8", errors="replace").strip("\x00 \t\r\n")


def read(data: Buffer) -> list[RawLabel]:
    """JPEG: APP1 XMP -> `jpeg/xmp`, APP1 Exif UserComment -> `jpeg/exif-usercomment`, APPn `AIGC…` ->
    `jpeg/app-blob`."""
    labels: list[RawLabel] = []
    extended: dict[bytes, bytearray] = {}
    extended_at: dict[bytes, int] = {}
    for marker, start, end in _segments(data):
        if not 0xE0 <= marker <= 0xEF:
            continue
        payload = bytes(data[start:end])
        if marker == 0xE1 and payload.startswith(XMP_ID):
            labels += xmp.find_labels(payload[len(XMP_ID) :], "jpeg/xmp", offset=start + len(XMP_ID))
        elif marker == 0xE1 and payload.startswith(XMP_EXT_ID) and len(payload) >= len(XMP_EXT_ID) + 40:
            head = len(XMP_EXT_ID)
            guid = payload[head : head + 32]
            full, at = struct.unpack_from(">II", payload, head + 32)
            chunk = payload[head + 40 :]
            if full > MAX_EXTENDED_XMP or at + len(chunk) > full:
                continue
            if guid not in extended and len(extended) < 16:
                extended[guid], extended_at[guid] = bytearray(full), start
            if guid in extended and len(extended[guid]) == full:
                extended[guid][at : at + len(chunk)] = chunk
        elif marker == 0xE1 and payload[:5] == b"Exif\x00" and len(payload) > 6:
            labels += tiff.exif_labels(data, "jpeg/exif-usercomment", base=start + 6, end=end)
        elif payload.startswith(b"AIGC") and len(payload) <= xmp.MAX_LABEL:
            labels.append(RawLabel("jpeg/app-blob", _blob_text(payload), start))
    for guid, packet in extended.items():
        labels += xmp.find_labels(bytes(packet), "jpeg/xmp", offset=extended_at[guid])
    return labels


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise CarrierError("the label does not fit in one JPEG segment (64 KiB)")
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def write(data: bytes, label_json: str) -> bytes:
    """A new APP1 XMP segment after SOI and any leading APP0 (JFIF) / APP1 Exif; if the file already has an XMP
    segment, the label is added to that packet instead (a JPEG has one main XMP packet)."""
    read(data)  # refuse a file the reader could not follow afterwards
    insert_at = 2
    leading = True
    for marker, start, end in _segments(data):
        if marker == 0xE1 and data.startswith(XMP_ID, start):
            packet = xmp.add_to_packet(data[start + len(XMP_ID) : end], label_json)
            return data[: start - 4] + _segment(0xE1, XMP_ID + packet) + data[end:]
        if leading and (marker == 0xE0 or (marker == 0xE1 and data.startswith(b"Exif\x00", start))):
            insert_at = end
        else:
            leading = False
    return data[:insert_at] + _segment(0xE1, XMP_ID + xmp.xmp_packet(label_json)) + data[insert_at:]
