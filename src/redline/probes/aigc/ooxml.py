"""OOXML (.docx, .xlsx, .pptx) carrier of the GB 45438-2025 implicit label.

Carrier `ooxml/custom-property`: the custom document property named `AIGC` in the custom-properties
part (`docProps/custom.xml`, or wherever the package relationship of type …/custom-properties points),
holding the label JSON in a `vt:lpwstr` (also accepted: `vt:lpstr`, `vt:bstr`). Source: the TC260
document guide as cited by github.com/StarPluckerZ/AigcTotal docs/checks.md.

Hostile input: the archive must be under 256 MiB, a part over 4 MiB or inflated more than 100 times is
refused, and XML with a DOCTYPE or ENTITY declaration is refused before it is parsed.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from xml.etree import ElementTree

from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

MAX_ARCHIVE = 256 << 20
MAX_PART = 4 << 20
MAX_RATIO = 100
RATIO_FLOOR = 64 << 10  # small parts may compress well without being bombs
DEFAULT_PART = "docProps/custom.xml"
CUSTOM_PROPERTIES_REL = "/custom-properties"
VALUE_TYPES = ("lpwstr", "lpstr", "bstr")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """Part names in a package are case-insensitive (ECMA-376 Part 2 §6.2.2.3)."""
    wanted = name.lstrip("/").lower()
    for info in archive.infolist():
        if info.filename.lower() == wanted:
            return info
    return None


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_PART:
        raise CarrierError(f"{info.filename} is {info.file_size} bytes uncompressed, over the 4 MiB limit")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise CarrierError(
            f"{info.filename} inflates {info.file_size // max(info.compress_size, 1)} times: "
            "refused as a possible zip bomb"
        )
    with archive.open(info) as handle:
        content = handle.read(MAX_PART + 1)
    if len(content) > MAX_PART:  # the sizes in the header were false
        raise CarrierError(f"{info.filename} is over the 4 MiB limit")
    return content


def parse_xml(content: bytes, name: str) -> ElementTree.Element:
    """Parse a part with ElementTree after refusing DOCTYPE and ENTITY declarations."""
    probe = content
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = content.decode("utf-16", errors="replace")
        probe = text.encode("utf-8")
        content = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", probe)
    if _DECLARATION.search(probe):
        raise CarrierError(f"{name} has a DOCTYPE or ENTITY declaration: refused")
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise CarrierError(f"{name} is not well-formed XML: {exc}") from exc


def _custom_part(archive: zipfile.ZipFile) -> str:
    rels = _member(archive, "_rels/.rels")
    if rels is None:
        return DEFAULT_PART
    root = parse_xml(_read_part(archive, rels), "_rels/.rels")
    for rel in root.iter():
        if (
            _local(rel.tag) == "Relationship"
            and rel.get("Type", "").endswith(CUSTOM_PROPERTIES_REL)
            and rel.get("TargetMode", "Internal") == "Internal"
            and rel.get("Target")
        ):
            return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return DEFAULT_PART


def read(data: Buffer) -> list[RawLabel]:
    """Every custom property named AIGC (see the module docstring)."""
    if len(data) >= MAX_ARCHIVE:
        raise CarrierError("the archive is 256 MiB or more: not opened")
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            part = _custom_part(archive)
            info = _member(archive, part)
            if info is None:
                return []
            root = parse_xml(_read_part(archive, info), info.filename)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        EOFError,
        OSError,
        ValueError,
        OverflowError,
        struct.error,
        zlib.error,
        UnicodeError,
    ) as exc:
        raise CarrierError(f"cannot read the OOXML package: {exc}") from exc
    labels: list[RawLabel] = []
    for prop in root.iter():
        if _local(prop.tag) != "property" or prop.get("name") != "AIGC":
            continue
        values = [child for child in prop if _local(child.tag) in VALUE_TYPES]
        labels.append(RawLabel("ooxml/custom-property", (values[0].text or "") if values else ""))
    return labels
