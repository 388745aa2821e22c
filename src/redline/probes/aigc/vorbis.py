"""FLAC and Ogg (Vorbis, Opus): the GB 45438-2025 implicit label as a Vorbis comment `AIGC=…`.

Carriers (the TC260 audio practice guide as cited by github.com/StarPluckerZ/AigcTotal docs/checks.md):
- `flac/vorbis-comment`: the VORBIS_COMMENT metadata block of a FLAC file (exiftool shows `[Vorbis] Aigc`).
- `ogg/vorbis-comment`: the comment header (second packet: `\\x03vorbis` or `OpusTags`) of each logical stream
  that starts in the first 16 pages / 64 KiB of an Ogg file.
Field names are compared case-insensitively, as the Vorbis comment specification says. Writing is mutagen's
(audio_tags.py).
"""

from __future__ import annotations

import struct

from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_TEXT = 64 * 1024
MAX_BLOCKS = 10_000
MAX_COMMENTS = 100_000
OGG_BYTES = 64 * 1024
OGG_PAGES = 16
VORBIS_COMMENT = 4
FIELD = b"AIGC"


def _comments(packet: bytes, base: int | None, carrier: str, partial: bool = False) -> tuple[list[RawLabel], bool]:
    """Labels in a Vorbis comment structure (vendor, count, length-prefixed `NAME=value`), and whether it was whole.

    With `partial`, a packet cut short by the read bound yields the comments before the cut.
    """
    labels: list[RawLabel] = []
    pos = 0
    try:
        vendor = _le32(packet, pos)
        pos += 4 + vendor
        count = _le32(packet, pos)
        pos += 4
        if count > MAX_COMMENTS:
            raise CarrierError(f"{count} Vorbis comments are more than {MAX_COMMENTS}")
        for _ in range(count):
            length = _le32(packet, pos)
            pos += 4
            if pos + length > len(packet):
                raise CarrierError(f"Vorbis comment at {pos} runs past its packet")
            name, eq, _ = packet[pos : pos + min(length, MAX_TEXT + 16)].partition(b"=")
            if eq and name.upper() == FIELD and length - len(name) - 1 <= MAX_TEXT:
                text = packet[pos + len(name) + 1 : pos + length].decode("utf-8", "replace")
                labels.append(RawLabel(carrier, text, None if base is None else base + pos + len(name) + 1))
            pos += length
    except CarrierError:
        if not partial:
            raise
        return labels, False
    return labels, True


def _le32(raw: bytes, pos: int) -> int:
    if pos + 4 > len(raw):
        raise CarrierError(f"Vorbis comment structure truncated at {pos}")
    value: int = struct.unpack_from("<I", raw, pos)[0]
    return value


def _flac_start(data: Buffer) -> int:
    """Where `fLaC` begins: at 0, or after an ID3v2 tag that some taggers put in front."""
    if bytes(data[:3]) == b"ID3" and len(data) >= 10:
        size = 0
        for b in bytes(data[6:10]):
            size = (size << 7) | (b & 0x7F)
        start = 10 + size + (10 if data[5] & 0x10 else 0)
    else:
        start = 0
    if bytes(data[start : start + 4]) != b"fLaC":
        raise CarrierError("no fLaC marker")
    return start


def _flac_blocks(data: Buffer) -> tuple[int, list[tuple[int, int, int]]]:
    """(offset of the first block, [(type, data start, data end)]); the audio frames start after the last."""
    start = _flac_start(data) + 4
    pos, blocks = start, list[tuple[int, int, int]]()
    while True:
        if len(blocks) >= MAX_BLOCKS:
            raise CarrierError(f"more than {MAX_BLOCKS} FLAC metadata blocks")
        if pos + 4 > len(data):
            raise CarrierError(f"truncated FLAC metadata block header at {pos}")
        header = data[pos]
        length = int.from_bytes(bytes(data[pos + 1 : pos + 4]), "big")
        if pos + 4 + length > len(data):
            raise CarrierError(f"FLAC metadata block at {pos} runs past the file")
        blocks.append((header & 0x7F, pos + 4, pos + 4 + length))
        pos += 4 + length
        if header & 0x80:
            return start, blocks


def read_flac(data: Buffer) -> list[RawLabel]:
    """Labels in the FLAC VORBIS_COMMENT block (`AIGC=…`)."""
    labels: list[RawLabel] = []
    for kind, begin, end in _flac_blocks(data)[1]:
        if kind == VORBIS_COMMENT:
            labels += _comments(bytes(data[begin:end]), begin, "flac/vorbis-comment")[0]
    return labels


def _ogg_packets(data: Buffer) -> tuple[dict[int, list[bytes]], set[int]]:
    """The first two packets of each logical stream within the read bound, and the streams whose second is cut."""
    packets: dict[int, list[bytes]] = {}
    pending: dict[int, bytes] = {}
    pos = 0
    for _ in range(OGG_PAGES):
        if pos >= min(len(data), OGG_BYTES) or (packets and all(len(p) >= 2 for p in packets.values())):
            break
        if pos + 27 > len(data) or bytes(data[pos : pos + 4]) != b"OggS" or data[pos + 4] != 0:
            raise CarrierError(f"no Ogg page at {pos}")
        serial = struct.unpack_from("<I", data, pos + 14)[0]
        nsegs = data[pos + 26]
        lacing = bytes(data[pos + 27 : pos + 27 + nsegs])
        body = pos + 27 + nsegs
        if len(lacing) < nsegs or body + sum(lacing) > len(data):
            raise CarrierError(f"Ogg page at {pos} runs past the file")
        streams = packets.setdefault(serial, [])
        chunk = pending.pop(serial, b"") if data[pos + 5] & 1 else b""
        for size in lacing:
            chunk += bytes(data[body : body + size])
            body += size
            if size < 255:
                if len(streams) < 2:
                    streams.append(chunk)
                chunk = b""
        if chunk:
            pending[serial] = chunk
        pos = body
    cut = {serial for serial, chunk in pending.items() if len(packets.get(serial, [])) == 1}
    for serial in cut:
        packets[serial].append(pending[serial])
    return packets, cut


def read_ogg(data: Buffer) -> list[RawLabel]:
    """Labels in the Vorbis or Opus comment header (`AIGC=…`) of each logical stream."""
    labels: list[RawLabel] = []
    packets, cut = _ogg_packets(data)
    for serial, streams in packets.items():
        if len(streams) < 2:
            continue
        packet = streams[1]
        prefix = 7 if packet.startswith(b"\x03vorbis") else 8 if packet.startswith(b"OpusTags") else 0
        if not prefix:
            continue
        found, whole = _comments(packet[prefix:], None, "ogg/vorbis-comment", partial=serial in cut)
        if not whole and not found:
            raise CarrierError(f"the comment header is longer than the {OGG_BYTES // 1024} KiB read bound")
        labels += found
    return labels
