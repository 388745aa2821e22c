"""XMP packets carrying the TC260 `AIGC` property (GB 45438-2025 Annex E, TC260 image practice guide).

The property is `AIGC` in the namespace http://www.tc260.org.cn/ns/AIGC/1.0/ (prefix usually `TC260`), written
as an element (`<TC260:AIGC>…</TC260:AIGC>`, as Doubao does) or as an attribute of rdf:Description
(`TC260:AIGC="…"`, as PicWish does). The packet is scanned with bounded regular expressions, not parsed as XML:
no DTD or entity is ever resolved, and a broken packet still yields the labels it holds. Values are returned raw
(still XML/HTML-escaped); label.py unescapes them.
"""

from __future__ import annotations

import codecs
import html
import json
import re

from redline.probes.aigc.carriers import CarrierError
from redline.probes.aigc.label import FIELDS, RawLabel

NAMESPACE = "http://www.tc260.org.cn/ns/AIGC/1.0/"
MAX_LABEL = 64 * 1024  # a label text longer than this is ignored
MAX_PACKET = 16 * 1024 * 1024  # only this much of a packet is scanned
MAX_HITS = 1000  # labels taken from one packet at most

_NS_DECL = re.compile(
    r"""xmlns(?::([A-Za-z_][\w.-]{0,63}))?\s*=\s*(["'])\s*"""
    r"""https?://www\.tc260\.org\.cn/ns/AIGC/1\.0/?\s*\2"""
)
_CDATA = re.compile(r"^<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_TAG = re.compile(r"<[^<>]{0,4096}>")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(packet: bytes) -> str:
    """The packet as text: a BOM if present, else the NUL pattern of `<` (XMP Part 3 §7.1), else UTF-8."""
    for bom, encoding in _BOMS:
        if packet.startswith(bom):
            return packet[len(bom) :].decode(encoding, errors="replace")
    head = packet[:4]
    encoding = "utf-8"
    if len(head) == 4 and head[1:4] == b"\x00\x00\x00":
        encoding = "utf-32-le"
    elif len(head) == 4 and head[0:3] == b"\x00\x00\x00":
        encoding = "utf-32-be"
    elif len(head) >= 2 and head[0] == 0 and head[1] != 0:
        encoding = "utf-16-be"
    elif len(head) >= 2 and head[0] != 0 and head[1] == 0:
        encoding = "utf-16-le"
    return packet.decode(encoding, errors="replace")


def _element_text(inner: str) -> str:
    """An element's text: CDATA unwrapped, or the text of nested markup such as rdf:Alt/rdf:li."""
    inner = inner.strip()
    cdata = _CDATA.match(inner)
    if cdata:
        return cdata.group(1).strip()
    if "<" in inner:
        inner = _TAG.sub("", inner)
    return inner.strip()


def _prefixes(text: str) -> list[str]:
    """Every prefix bound to the TC260 namespace ("" for a default namespace declaration)."""
    found: list[str] = []
    for match in _NS_DECL.finditer(text):
        prefix = match.group(1) or ""
        if prefix not in found:
            found.append(prefix)
        if len(found) >= 16:
            break
    return found


def find_labels(packet: bytes | str, carrier: str, *, offset: int | None = None) -> list[RawLabel]:
    """Every TC260 `AIGC` value in an XMP packet, element and attribute form, in document order."""
    text = packet[:MAX_PACKET] if isinstance(packet, str) else _decode(bytes(packet[:MAX_PACKET]))
    hits: list[tuple[int, str]] = []
    for prefix in _prefixes(text):
        name = f"{prefix}:AIGC" if prefix else "AIGC"
        start_tag = re.compile("<" + re.escape(name) + r"(?:\s[^<>]{0,4096}?)?(/?)>")
        close_tag = f"</{name}"
        pos = 0
        while len(hits) < MAX_HITS:
            match = start_tag.search(text, pos)
            if match is None:
                break
            if match.group(1) == "/":
                pos = match.end()
                continue
            end = text.find(close_tag, match.end())
            if end < 0:
                break
            if end - match.end() <= MAX_LABEL + 64:
                hits.append((match.start(), _element_text(text[match.end() : end])))
            pos = end + len(close_tag)
        if not prefix:
            continue  # an unprefixed attribute is in no namespace
        attribute = re.compile(r"(?<![\w.:-])" + re.escape(name) + r"""\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")
        for match in attribute.finditer(text):
            if len(hits) >= MAX_HITS:
                break
            value = match.group(1) if match.group(1) is not None else match.group(2)
            hits.append((match.start(), value.strip()))
    return [RawLabel(carrier, value, offset) for _, value in sorted(hits) if value and len(value) <= MAX_LABEL]


def looks_like_label(text: str) -> bool:
    """Whether free text (an Exif UserComment, a GIF comment) is meant as a label: it names AIGC (Annex E a)) and
    holds an object (`{...}`, perhaps broken), or is a JSON object with the seven Annex E b) fields. A bare
    mention of AIGC (a caption, a tool's tag) is no label: see `mentions_aigc`."""
    if "AIGC" in text and "{" in text:
        return True
    if len(text) > MAX_LABEL:
        return False
    try:
        value = json.loads(html.unescape(text).strip().strip("\x00"))
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and all(name in value for name in FIELDS)


def mentions_aigc(text: str) -> bool:
    """Free text that names AIGC without holding a label: worth a note, not a verdict about a label."""
    return "AIGC" in text.upper() and not looks_like_label(text)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _description(label_json: str) -> str:
    return (
        f'  <rdf:Description rdf:about="" xmlns:TC260="{NAMESPACE}">\n'
        f"   <TC260:AIGC>{_escape(label_json)}</TC260:AIGC>\n"
        "  </rdf:Description>\n"
    )


def xmp_packet(label_json: str) -> bytes:
    """A minimal UTF-8 XMP packet holding the label as `<TC260:AIGC>` (exiftool shows `[XMP-TC260] Aigc`)."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f"{_description(label_json)}"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def add_to_packet(packet: bytes, label_json: str) -> bytes:
    """An existing UTF-8 packet with one more rdf:Description (holding the label) just before `</rdf:RDF>`.

    Used by writers when the file already has an XMP packet, since a format allows only one.
    """
    try:
        packet.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CarrierError("the existing XMP packet is not UTF-8; cannot add the label to it") from exc
    end = packet.rfind(b"</rdf:RDF>")
    if end < 0:
        raise CarrierError("the existing XMP packet has no </rdf:RDF>; cannot add the label to it")
    return packet[:end] + _description(label_json).encode("utf-8") + b" " + packet[end:]
