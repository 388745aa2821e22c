"""PDF syntax for the label reader: tokens and objects, literal and hex strings, text decoding, and
the TC260 values in an XMP packet. Bounded everywhere; see pdf.py for the limits' purpose."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_INPUT = 64 << 20
TAIL_INPUT = 16 << 20
MAX_OBJECTS = 100_000
MAX_INFLATE = 4 << 20
MAX_INFLATE_TOTAL = 32 << 20
MAX_COMPRESSED = 8 << 20
MAX_BODY = 1 << 20
MAX_DEPTH = 32
MAX_TOKENS = 100_000
MAX_TRAILERS = 10_000
TC260_NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"

WHITESPACE = b"\x00\t\n\x0c\r "
DELIMITERS = b"()<>[]{}/%"
_HEADER = re.compile(rb"(?:^|[^0-9])(\d{1,10})[\x00\t\n\x0c\r ]+(\d{1,5})[\x00\t\n\x0c\r ]+$")
_DIRECT_LENGTH = re.compile(rb"/Length[\x00\t\n\x0c\r ]+(\d{1,12})(?!\d)(?![\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+R)")
_AIGC_STRING = re.compile(rb"/AIGC[\x00\t\n\x0c\r ]*(?=\(|<(?!<))")
_ESCAPES = {
    ord("n"): 0x0A,
    ord("r"): 0x0D,
    ord("t"): 0x09,
    ord("b"): 0x08,
    ord("f"): 0x0C,
    ord("("): 0x28,
    ord(")"): 0x29,
    ord("\\"): 0x5C,
}


class ParseError(ValueError):
    """A PDF object this scanner cannot follow; the object is skipped."""


class Name(str):
    """A PDF name, without its slash, #xx escapes decoded."""


@dataclass(frozen=True)
class Ref:
    num: int
    gen: int


@dataclass(frozen=True)
class PdfString:
    raw: bytes


PdfValue = object


# --- values -------------------------------------------------------------------------------------


class _Parser:
    """Just enough of the PDF object syntax (ISO 32000-1 §7.3) to read dictionaries and strings."""

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos
        self.tokens = 0

    def skip(self) -> None:
        buf, n = self.buf, len(self.buf)
        while self.pos < n:
            c = buf[self.pos]
            if c in WHITESPACE:
                self.pos += 1
            elif c == 0x25:  # % comment to end of line
                while self.pos < n and buf[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                return

    def value(self, depth: int = 0) -> PdfValue:
        self.tokens += 1
        if depth > MAX_DEPTH or self.tokens > MAX_TOKENS:
            raise ParseError("object nested too deeply or too large")
        self.skip()
        buf = self.buf
        if self.pos >= len(buf):
            raise ParseError("unexpected end of object")
        c = buf[self.pos]
        if buf.startswith(b"<<", self.pos):
            return self._dictionary(depth)
        if c == 0x3C:  # <
            raw, self.pos = hex_string(buf, self.pos)
            return PdfString(raw)
        if c == 0x28:  # (
            raw, self.pos = literal_string(buf, self.pos)
            return PdfString(raw)
        if c == 0x5B:  # [
            self.pos += 1
            items: list[PdfValue] = []
            while True:
                self.skip()
                if self.pos >= len(buf):
                    raise ParseError("unterminated array")
                if buf[self.pos] == 0x5D:
                    self.pos += 1
                    return items
                items.append(self.value(depth + 1))
        if c == 0x2F:  # /
            return self._name()
        token = self._regular()
        if token in (b"true", b"false"):
            return token == b"true"
        if token == b"null":
            return None
        return self._number(token)

    def _dictionary(self, depth: int) -> dict[str, PdfValue]:
        self.pos += 2
        result: dict[str, PdfValue] = {}
        buf = self.buf
        while True:
            self.skip()
            if self.pos >= len(buf):
                raise ParseError("unterminated dictionary")
            if buf.startswith(b">>", self.pos):
                self.pos += 2
                return result
            if buf[self.pos] != 0x2F:
                raise ParseError("dictionary key is not a name")
            key = self._name()
            result[key] = self.value(depth + 1)

    def _name(self) -> Name:
        self.pos += 1
        raw = self._regular(allow_empty=True)
        return Name(re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw).decode("latin-1"))

    def _regular(self, allow_empty: bool = False) -> bytes:
        buf, start = self.buf, self.pos
        n = len(buf)
        while self.pos < n and buf[self.pos] not in WHITESPACE and buf[self.pos] not in DELIMITERS:
            self.pos += 1
        if self.pos == start and not allow_empty:
            raise ParseError(f"unexpected byte {buf[start]:#04x}")
        return buf[start : self.pos]

    def _number(self, token: bytes) -> int | float | Ref:
        if re.fullmatch(rb"[+-]?\d+", token):
            number = int(token)
            mark = self.pos
            self.skip()
            gen = re.match(rb"\d{1,5}(?=[\x00\t\n\x0c\r ])", self.buf[self.pos : self.pos + 6])
            if gen is not None and number >= 0:
                self.pos += len(gen[0])
                self.skip()
                if self.buf.startswith(b"R", self.pos) and (
                    self.pos + 1 >= len(self.buf) or self.buf[self.pos + 1] in WHITESPACE + DELIMITERS
                ):
                    self.pos += 1
                    return Ref(number, int(gen[0]))
            self.pos = mark
            return number
        if re.fullmatch(rb"[+-]?(\d+\.\d*|\.\d+)", token):
            return float(token)
        raise ParseError(f"unexpected token {token[:20]!r}")


def literal_string(buf: bytes, pos: int) -> tuple[bytes, int]:
    """Decode the literal string starting at buf[pos] == '(': escapes, octal, balanced parentheses."""
    out = bytearray()
    depth, i, n = 1, pos + 1, len(buf)
    while i < n:
        c = buf[i]
        if c == 0x5C:  # backslash
            i += 1
            if i >= n:
                break
            c = buf[i]
            if c in _ESCAPES:
                out.append(_ESCAPES[c])
                i += 1
            elif 0x30 <= c <= 0x37:
                j = i
                while j < n and j < i + 3 and 0x30 <= buf[j] <= 0x37:
                    j += 1
                out.append(int(buf[i:j], 8) & 0xFF)
                i = j
            elif c == 0x0D:  # line continuation
                i += 2 if buf[i + 1 : i + 2] == b"\n" else 1
            elif c == 0x0A:
                i += 1
            else:  # an unknown escape: the backslash is ignored
                out.append(c)
                i += 1
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        elif c == 0x0D:  # an unescaped end of line reads as a single LF
            out.append(0x0A)
            i += 2 if buf[i + 1 : i + 2] == b"\n" else 1
            continue
        out.append(c)
        i += 1
    raise ParseError("unterminated literal string")


def hex_string(buf: bytes, pos: int) -> tuple[bytes, int]:
    """Decode the hex string starting at buf[pos] == '<'; an odd final digit is followed by 0."""
    end = buf.find(b">", pos + 1)
    if end < 0:
        raise ParseError("unterminated hex string")
    digits = re.sub(rb"[\x00\t\n\x0c\r ]", b"", buf[pos + 1 : end])
    if not re.fullmatch(rb"[0-9A-Fa-f]*", digits):
        raise ParseError("bad hex string")
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii")), end + 1


# PDFDocEncoding (ISO 32000-1 Annex D.2) where it differs from Latin-1: accents at 0x18-0x1F, typographic
# characters at 0x80-0x9E, the euro sign at 0xA0; 0x7F, 0x9F and 0xAD are undefined.
_PDFDOC = str.maketrans(
    dict(
        zip(
            [*range(0x18, 0x20), *range(0x80, 0x9F), 0xA0],
            "\u02d8\u02c7\u02c6\u02d9\u02dd\u02db\u02da\u02dc"
            "\u2022\u2020\u2021\u2026\u2014\u2013\u0192\u2044\u2039\u203a\u2212\u2030\u201e\u201c\u201d\u2018"
            "\u2019\u201a\u2122\ufb01\ufb02\u0141\u0152\u0160\u0178\u017d\u0131\u0142\u0153\u0161\u017e"
            "\u20ac",
            strict=True,
        )
    )
)


def text_of(raw: bytes) -> str:
    """A PDF text string: UTF-16BE with BOM, UTF-8 with BOM (PDF 2.0), else UTF-8 or PDFDocEncoding.

    A BOM-less string is tried as UTF-8 first: generators write labels with Chinese names as raw UTF-8, and
    PDFDocEncoding would show them as mojibake (a valid label is ASCII, where both agree)."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith(b"\xff\xfe"):  # not allowed by the standard, but written by some tools
        return raw[2:].decode("utf-16-le", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1").translate(_PDFDOC)


# --- XMP ---------------------------------------------------------------------------------------


def xmp_aigc_values(xml: bytes) -> list[str]:
    """The raw texts of TC260:AIGC in an XMP packet, element or attribute form, in document order.

    The prefix is whatever the packet binds to the TC260 namespace. Texts stay XML-escaped, as found
    (label.check_label unescapes them)."""
    text = xml.decode("utf-16" if xml[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", errors="replace")
    if TC260_NS.rstrip("/") not in text:
        return []
    prefixes = set(
        re.findall(r"xmlns:([A-Za-z_][\w.-]*)\s*=\s*[\"']" + re.escape(TC260_NS.rstrip("/")) + r"/?[\"']", text)
    )
    found: list[tuple[int, str]] = []
    for prefix in prefixes:
        p = re.escape(prefix)
        for m in re.finditer(rf"<{p}:AIGC(?:\s[^>]*)?>(.*?)</{p}:AIGC\s*>", text, re.S):
            inner = m[1].strip()
            item = re.search(r"<rdf:li(?:\s[^>]*)?>(.*?)</rdf:li\s*>", inner, re.S)
            if item:
                inner = item[1].strip()
            cdata = re.fullmatch(r"<!\[CDATA\[(.*)\]\]>", inner, re.S)
            found.append((m.start(), cdata[1] if cdata else inner))
        for m in re.finditer(rf"(?<![\w:.-]){p}:AIGC\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", text):
            found.append((m.start(), m[1] if m[1] is not None else m[2]))
    return [value for _, value in sorted(found)]


# --- the scan ----------------------------------------------------------------------------------
