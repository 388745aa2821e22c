"""The quick scan of issue 20 point 3: most files carry no label, and that shows in their bytes.

Every carrier the readers of the formats in QUICK_KINDS follow needs one of NEEDLES somewhere in the file's
bytes (compared with ASCII letters folded to lower case): the key `AIGC` itself (in ASCII, UTF-8, UTF-16 or
UTF-32, and with the dotless ı that `str.upper` turns into I, as the mention check does); an XMP packet, which
may be compressed (PNG `iTXt` `XML:com.adobe.xmp`) or entity-escaped; Exif, whose UserComment is free text;
and the C2PA markers of c2pa_check's pre-filter. A file of one of these kinds without any needle therefore has
no label, no mention and no C2PA manifest: the probe only lets its reader walk the structure (to say, as the
full parse does, when it is broken) and skips the rest.

Kinds left out, because a carrier there can be split or compressed past any needle: MP3 (ID3 frames may be
zlib-compressed), Ogg (a comment packet spans pages), GIF (comments come in 255-byte sub-blocks), HEIF/AVIF
(an item's extents may be split), TIFF (C2PA is a binary tag), PDF (object streams), OOXML (deflated parts)
and text (the explicit label is read from the text itself). Those always take the full parse.

`_markers.c` is the compiled scan; this module's `has_marker_pure` is the reference, and REDLINE_PURE_PYTHON=1
(or the probe option `quick=false`) turns the quick path off altogether.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from redline.probes.aigc.carriers import Buffer

QUICK_KINDS = frozenset({"jpeg", "png", "webp", "wav", "flac", "mp4", "m4a", "mov"})
C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
NEEDLES = tuple(
    needle.lower()
    for needle in (
        b"aigc",
        "aigc".encode("utf-16-le")[:-1],  # without the last zero: big-endian UTF-16 holds the same 7 bytes
        "aigc".encode("utf-32-le")[:-3],  # likewise for UTF-32
        "a\u0131gc".encode(),
        "a\u0131gc".encode("utf-16-le")[:-1],
        "a\u0131gc".encode("utf-16-be")[1:],
        b"xmp",
        b"adobe.com/xap",
        b"exif",
        b"c2pa",
        b"jumb",
        b"cabx",
        b"dcterms:provenance",
        C2PA_UUID,
    )
)
OVERLAP = max(len(n) for n in NEEDLES) - 1  # bytes kept from one chunk to the next, so no needle is cut


def has_marker_pure(data: Buffer) -> bool:
    """Whether `data` holds any of NEEDLES, ASCII case folded: the reference for `_markers.has_marker`."""
    folded = bytes(data).lower()
    return any(needle in folded for needle in NEEDLES)


def _compiled() -> Callable[[Buffer], bool] | None:
    try:
        from redline.probes.aigc import _markers
    except ImportError:
        return None
    return _markers.has_marker


_COMPILED = _compiled()
_PURE = os.environ.get("REDLINE_PURE_PYTHON") == "1"  # read once: the check runs for every file


def pure_python() -> bool:
    return _PURE


def has_marker(data: Buffer) -> bool:
    """The compiled scan where it is built, else the reference."""
    return _COMPILED(data) if _COMPILED is not None else has_marker_pure(data)
