"""Writing the GB 45438-2025 implicit label into audio tags with mutagen: MP3 (ID3v2 `TXXX:AIGC`), FLAC and Ogg
Vorbis/Opus (Vorbis comment `AIGC=`).

Tag formats have corners (unsynchronisation, extended headers, v2.3 vs v2.4 text encodings, FLAC block layout and
padding, Ogg page lacing and CRCs) that a maintained tagger already gets right, so writing goes through mutagen.
Reading stays in id3.py and vorbis.py: those are bounded fast paths the probe runs over thousands of files a second,
and they are what the written files are checked against. MP4 stays in bmff_write.py, because the normative MP4
carrier is an `mdta` keys list (`ffmpeg -movflags use_metadata_tags`), which mutagen's iTunes-style `ilst` does not
write.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable

from mutagen import MutagenError, PaddingInfo
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TXXX, ID3v1SaveOptions
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from redline.probes.aigc.carriers import CarrierError

MAX_TEXT = 64 * 1024
FIELD = "AIGC"
# Zero padding at the end of a rendered ID3 tag: mutagen looks for an ID3v1 "TAG" in the last 131 bytes of what it
# wrote, and exiftool 12.57 warns when a large last frame ends the tag exactly.
MIN_ID3_PADDING = 256
# What mutagen raises on a file it cannot follow: its own errors, and (1.48, truncated Ogg comment headers) these two.
BROKEN = (MutagenError, IndexError, struct.error)


def _checked(label_json: str) -> str:
    if len(label_json.encode("utf-8")) > MAX_TEXT:
        raise CarrierError(f"label longer than {MAX_TEXT} bytes")
    return label_json


def _id3_end(data: bytes) -> tuple[int, int]:
    """(major version, end of the leading ID3v2 tag including any footer); (4, 0) when there is no tag."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 4, 0
    size = 0
    for byte in data[6:10]:
        if byte & 0x80:
            raise CarrierError("ID3 synchsafe integer has a high bit set")
        size = (size << 7) | byte
    end = 10 + size + (10 if data[3] == 4 and data[5] & 0x10 else 0)
    if end > len(data):
        raise CarrierError(f"ID3 tag claims {end} bytes, the file has {len(data)}")
    return data[3], end


def _padding(following: int) -> Callable[[PaddingInfo], int]:
    """mutagen's default padding for a tag followed by `following` bytes of audio, but never less than the minimum."""
    return lambda info: max(PaddingInfo(info.padding, following).get_default_padding(), MIN_ID3_PADDING)


def write_mp3(data: bytes, label_json: str) -> bytes:
    """Put the label in a `TXXX:AIGC` frame, replacing any there, in the file's ID3v2.3/2.4 tag (a new v2.4 tag if
    there is none).

    Only the leading tag is handed to mutagen and rendered again in its own version; the audio and any ID3v1 tag at
    the end are copied unchanged (mutagen would otherwise rebuild an ID3v1 tag from the v2 frames).
    """
    text = _checked(label_json)
    major, end = _id3_end(data)
    if major == 2:
        raise CarrierError("an ID3v2.2 tag cannot hold TXXX frames; convert it to ID3v2.3 or 2.4 first")
    if major not in (3, 4):
        raise CarrierError(f"ID3v2.{major} is not a known version")
    try:
        tags = ID3(io.BytesIO(data[:end]), v2_version=major, load_v1=False) if end else ID3()
        tags.delall(f"TXXX:{FIELD}")
        # ID3v2.3 has no UTF-8: Latin-1 where the text allows it (as before), else UTF-16 with a BOM.
        encoding = 3 if major == 4 else 0 if text.isascii() else 1
        tags.add(TXXX(encoding=encoding, desc=FIELD, text=[text]))
        rendered = io.BytesIO()
        tags.save(rendered, v1=ID3v1SaveOptions.REMOVE, v2_version=major, padding=_padding(len(data) - end))
    except BROKEN as exc:
        raise CarrierError(f"ID3 tag: {exc}") from exc
    return rendered.getvalue() + data[end:]


def write_flac(data: bytes, label_json: str) -> bytes:
    """Set `AIGC=<label>` in the VORBIS_COMMENT block (created if missing), replacing old values of any case.

    mutagen rewrites only the metadata blocks, using the PADDING block where it can; the audio frames are copied.
    """
    text = _checked(label_json)
    handle = io.BytesIO(data)
    try:
        audio = FLAC(handle)
        if audio.tags is None:
            audio.add_tags()
        audio[FIELD] = [text]
        handle.seek(0)  # mutagen reads the header again from where the file object stands
        audio.save(handle)
    except BROKEN as exc:
        raise CarrierError(f"FLAC: {exc}") from exc
    return handle.getvalue()


def write_ogg(data: bytes, label_json: str) -> bytes:
    """Set `AIGC=<label>` in the comment header of an Ogg Vorbis or Ogg Opus file, replacing old values.

    mutagen repaginates the header pages and renumbers the pages after them; the audio packets are unchanged.
    """
    text = _checked(label_json)
    handle = io.BytesIO(data)
    head = data[:128]
    kind = OggVorbis if b"\x01vorbis" in head else OggOpus if b"OpusHead" in head else None
    if kind is None:
        raise CarrierError("only Ogg Vorbis and Ogg Opus files can be labelled")
    try:
        audio = kind(handle)
        audio[FIELD] = [text]
        handle.seek(0)  # mutagen reads the header again from where the file object stands
        audio.save(handle)
    except BROKEN as exc:
        raise CarrierError(f"Ogg: {exc}") from exc
    return handle.getvalue()
