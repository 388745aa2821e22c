"""Format detection by content, and the registry of carrier readers and writers.

A reader takes the file's bytes (bytes or a read-only mmap) and returns every label text it finds,
with the carrier named (for example `png/tEXt`). It must bound every length it reads and raise
CarrierError for structure it cannot follow. A writer takes the bytes and the label JSON and returns
new bytes with the label in the format's normative carrier and nothing else changed.
"""

from __future__ import annotations

import importlib
import mmap
from collections.abc import Callable
from functools import cache

from redline.probes.aigc.label import RawLabel

Buffer = bytes | mmap.mmap
Reader = Callable[[Buffer], list[RawLabel]]
Writer = Callable[[bytes, str], bytes]


class CarrierError(Exception):
    """The file's structure is broken or beyond the parser's limits."""


# format -> "module:function"; modules are imported when first needed.
READERS: dict[str, str] = {
    "jpeg": "jpeg:read",
    "png": "png:read",
    "webp": "riff:read_webp",
    "wav": "riff:read_wav",
    "avi": "riff:read_avi",
    "tiff": "tiff:read",
    "gif": "gif:read",
    "mp4": "bmff:read",
    "mov": "bmff:read",
    "m4a": "bmff:read",
    "heif": "bmff:read",
    "avif": "bmff:read",
    "mkv": "mkv:read",
    "webm": "mkv:read",
    "mp3": "id3:read",
    "flac": "vorbis:read_flac",
    "ogg": "vorbis:read_ogg",
    "pdf": "pdf:read",
    "ooxml": "ooxml:read",
    "markdown": "text:read_markdown",
}
WRITERS: dict[str, str] = {
    "jpeg": "jpeg:write",
    "png": "png:write",
    "webp": "riff:write_webp",
    "wav": "riff:write_wav",
    "mp4": "bmff_write:write",
    "mov": "bmff_write:write",
    "m4a": "bmff_write:write",
    "mp3": "audio_tags:write_mp3",
    "flac": "audio_tags:write_flac",
    "ogg": "audio_tags:write_ogg",
}


@cache  # asked once per file: the import machinery is not cheap on runs of 100,000 files
def _resolve(spec: str) -> Callable[..., object]:
    module, _, name = spec.partition(":")
    fn: Callable[..., object] = getattr(importlib.import_module(f"redline.probes.aigc.{module}"), name)
    return fn


def reader(fmt: str) -> Reader | None:
    spec = READERS.get(fmt)
    return _resolve(spec) if spec else None  # type: ignore[return-value]


def writer(fmt: str) -> Writer | None:
    spec = WRITERS.get(fmt)
    return _resolve(spec) if spec else None  # type: ignore[return-value]


def _bmff_kind(head: bytes) -> str:
    brand = head[8:12]
    brands = {head[i : i + 4] for i in range(16, min(len(head), 64), 4)} | {brand}
    if brand in (b"avif", b"avis"):
        return "avif"
    if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc"):
        return "heif"
    if brand == b"qt  ":
        return "mov"
    if brand in (b"M4A ", b"M4B ") or (b"M4A " in brands and b"isom" not in brands):
        return "m4a"
    return "mp4"


def detect(head: bytes) -> str | None:
    """The format the first bytes show (at least 64 bytes where the file has them), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"GIF8",):
        return "gif"
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(head[8:12])
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp":
        return _bmff_kind(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else "mkv"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    try:
        text = head[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < min(len(head), 4096) - 4:
            return None
        text = head[: exc.start].decode("utf-8")
    if "\x00" in text:
        return None
    return "markdown" if text.lstrip("\ufeff").startswith("---") else "text"
