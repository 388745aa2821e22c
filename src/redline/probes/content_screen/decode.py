"""Bytes to text for screening, or the reason they are not text.

An image, a recording or an archive read as text gives nonsense findings (keyword stuffing in PNG chunks,
link farms in ID3 tags), so such a file is skipped with a reason instead. A file is binary when its head
holds NUL bytes or many control characters (outside a UTF-16 or UTF-32 byte order mark), or when it is
neither UTF-8 nor GB18030 and either starts with a known media signature (as aigc-label detects them) or
decodes mostly to U+FFFD. Text that is mostly UTF-8 with a few broken bytes is still screened, with those
bytes replaced: it is not tried as GB18030, which would read many such files as mojibake.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from redline.probes.aigc.carriers import detect

HEAD = 8192
BAD_SHARE = 0.2  # replaced or control characters in the head above this share: not text
TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
# UTF-32 first: its little-endian mark starts with the UTF-16 one
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """The text and the encoding it was read with; `text` is None (and `reason` says why) for binary data."""

    text: str | None
    encoding: str = ""
    reason: str = ""


def _bad_share(sample: str) -> float:
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in TEXT_CONTROLS) or c == "\x7f")
    return bad / len(sample)


def _binary(data: bytes, why: str) -> Decoded:
    fmt = detect(data[:HEAD])
    what = f"{fmt} data" if fmt and fmt not in ("text", "markdown") else "binary data"
    return Decoded(None, reason=f"not a text file: {what} ({why}), skipped")


def decode(data: bytes) -> Decoded:
    """Text by byte order mark, else UTF-8, else GB18030 (unless it is mostly UTF-8), else UTF-8 with broken
    bytes replaced; binary data gives the reason instead."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            if _bad_share(text[:HEAD]) > BAD_SHARE:
                return _binary(data, f"mostly undecodable as {encoding}")
            return Decoded(text, encoding)
    head = data[:HEAD]
    if b"\x00" in head:
        return _binary(data, "NUL bytes")
    try:
        return _text(data.decode("utf-8"), "utf-8", data)
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8", errors="replace")
    broken = loose.count("\ufffd")
    if broken > len(loose) - len(loose.encode("ascii", "ignore")) - broken:
        # more broken than sound non-ASCII characters: not UTF-8 with a few bad bytes (which may well
        # decode as GB18030 mojibake), so GB18030 is worth a try
        try:
            return _text(data.decode("gb18030"), "gb18030", data)
        except UnicodeDecodeError:
            pass
    fmt = detect(head)
    if fmt and fmt not in ("text", "markdown"):
        return _binary(data, "not UTF-8 or GB18030")
    if _bad_share(loose[:HEAD]) > BAD_SHARE:
        return _binary(data, "mostly undecodable bytes")
    return Decoded(loose, "utf-8")


def _text(text: str, encoding: str, data: bytes) -> Decoded:
    if _bad_share(text[:HEAD]) > BAD_SHARE:
        return _binary(data, "control characters")
    return Decoded(text, encoding)
