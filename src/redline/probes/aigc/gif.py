"""GIF: labels in extension blocks (GIF89a §23-26).

Carriers (TC260 image practice guide, via github.com/StarPluckerZ/AigcTotal docs/checks.md): the
Application Extension `XMP Data` / `XMP` (XMP Part 3 §1.1.2) with `TC260:AIGC` -> `gif/xmp`; and, as found in
the wild, a Comment Extension holding the label JSON -> `gif/comment`. The block walk is bounded by the file
size and by MAX_BLOCKS.
"""

from __future__ import annotations

from redline.probes.aigc import xmp
from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_BLOCKS = 1_000_000
MAX_XMP = 16 * 1024 * 1024
XMP_APP = b"XMP DataXMP"
# XMP Part 3: the packet is stored raw, followed by this "magic trailer" (0x01, 0xFF..0x00, then the terminator)
MAGIC_TRAILER = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"


def _sub_blocks(data: Buffer, pos: int) -> int:
    """The offset just past the data sub-blocks starting at `pos` (past their zero terminator)."""
    size = len(data)
    for _ in range(MAX_BLOCKS):
        if pos >= size:
            raise CarrierError("the GIF ends inside a data sub-block")
        length = data[pos]
        pos += 1 + length
        if length == 0:
            return pos
    raise CarrierError(f"more than {MAX_BLOCKS} data sub-blocks")


def _joined(data: Buffer, pos: int, end: int) -> bytes:
    """The payload of the sub-blocks in data[pos:end], length bytes removed."""
    out = bytearray()
    while pos < end:
        length = data[pos]
        out += data[pos + 1 : pos + 1 + length]
        pos += 1 + length
    return bytes(out)


def read(data: Buffer) -> list[RawLabel]:
    """GIF: Application Extension `XMP DataXMP` -> `gif/xmp`; Comment Extension with a label -> `gif/comment`."""
    size = len(data)
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise CarrierError("not a GIF: bad signature")
    if size < 13:
        raise CarrierError("the GIF ends inside its logical screen descriptor")
    packed = data[10]
    pos = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
    labels: list[RawLabel] = []
    for _ in range(MAX_BLOCKS):
        if pos >= size:
            return labels  # no trailer; the blocks so far are whole
        introducer = data[pos]
        if introducer == 0x3B:  # trailer
            return labels
        if introducer == 0x2C:  # image descriptor, optional local colour table, LZW code size, image data
            if pos + 10 > size:
                raise CarrierError(f"truncated image descriptor at offset {pos}")
            local = data[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
            pos = _sub_blocks(data, pos)
            continue
        if introducer != 0x21 or pos + 2 > size:
            raise CarrierError(f"unexpected block {introducer:#04x} at offset {pos}")
        label, start = data[pos + 1], pos + 2
        end = _sub_blocks(data, start)
        if label == 0xFF and data[start] == 11 and bytes(data[start + 1 : start + 12]) == XMP_APP:
            raw = bytes(data[start + 12 : min(end, start + 12 + MAX_XMP + len(MAGIC_TRAILER))])
            packet = raw[: -len(MAGIC_TRAILER)] if raw.endswith(MAGIC_TRAILER) else _joined(raw, 0, len(raw))
            labels += xmp.find_labels(packet, "gif/xmp", offset=start + 12)
        elif label == 0xFE and end - start <= xmp.MAX_LABEL + 1024:
            text = _joined(data, start, end).decode("utf-8", errors="replace").strip("\x00").strip()
            if text and len(text) <= xmp.MAX_LABEL and (xmp.looks_like_label(text) or xmp.mentions_aigc(text)):
                labels.append(RawLabel("gif/comment", text, start, mention=not xmp.looks_like_label(text)))
        pos = end
    raise CarrierError(f"more than {MAX_BLOCKS} blocks")
