"""PDF carriers of the GB 45438-2025 implicit label, read without a PDF library.

Carriers (the TC260 document guide as cited by github.com/StarPluckerZ/AigcTotal docs/checks.md):
- `pdf/info`: the document Info dictionary entry `/AIGC`, a literal or hex string (UTF-16BE with BOM,
  UTF-8 with BOM, or bytes that are ASCII for any valid label).
- `pdf/xmp`: `TC260:AIGC` (namespace http://www.tc260.org.cn/ns/AIGC/1.0/) in the catalog's XMP
  metadata stream, uncompressed or /FlateDecode.

The Info dictionary is found through the last trailer (or cross-reference stream) that names `/Info`,
taking the last definition of that object, so incremental updates are followed. Object streams
(/ObjStm, /FlateDecode) are opened too. When no Info label is found, every object holding `/AIGC (`
or `/AIGC <` is reported (last definition of each object). Bounds: the first 64 MiB of the file
(plus its last 16 MiB when larger), 100,000 objects, 4 MiB per inflated stream, 32 MiB inflated in all.

tests/unit/test_aigc_pdf_differential.py checks it against pypdf. pypdf is not used here: on the same files it
read labels 2x (1-page, 1 KiB) to 10x (40 pages, object streams) slower, and it sets no inflate bound.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel
from redline.probes.aigc.pdf_syntax import (
    _AIGC_STRING,
    _DIRECT_LENGTH,
    _HEADER,
    DELIMITERS,
    MAX_BODY,
    MAX_COMPRESSED,
    MAX_INFLATE,
    MAX_INFLATE_TOTAL,
    MAX_INPUT,
    MAX_OBJECTS,
    MAX_TRAILERS,
    TAIL_INPUT,
    WHITESPACE,
    ParseError,
    PdfString,
    PdfValue,
    Ref,
    _Parser,
    hex_string,
    literal_string,
    text_of,
    xmp_aigc_values,
)


@dataclass
class _Entry:
    offset: int  # just after the "obj" keyword
    body_end: int  # "endobj", or the "stream" keyword of a stream object
    stream: tuple[int, int] | None = None


@dataclass
class _Scan:
    data: Buffer
    objects: dict[tuple[int, int], _Entry] = field(default_factory=dict)
    packed: dict[int, tuple[int, bytes]] = field(default_factory=dict)  # objects from /ObjStm, with its offset
    trailers: list[tuple[int, dict[str, PdfValue]]] = field(default_factory=list)
    aigc_objects: set[tuple[int, int]] = field(default_factory=set)
    metadata: list[tuple[int, int]] = field(default_factory=list)
    object_streams: list[tuple[int, int]] = field(default_factory=list)
    count: int = 0
    truncated: bool = False
    inflated: int = 0

    def body(self, ref: Ref) -> bytes | None:
        entry = self.objects.get((ref.num, ref.gen))
        packed = self.packed.get(ref.num) if ref.gen == 0 else None
        if packed is not None and (entry is None or packed[0] > entry.offset):
            return packed[1]
        if entry is None:
            return None
        return bytes(self.data[entry.offset : entry.body_end])

    def parsed(self, ref: Ref) -> PdfValue:
        body = self.body(ref)
        if body is None:
            return None
        try:
            return _Parser(body).value()
        except ParseError:
            return None

    def stream_bytes(self, entry: _Entry, dictionary: dict[str, PdfValue]) -> bytes | None:
        """The decoded data of a stream with no filter or /FlateDecode alone, capped at MAX_INFLATE."""
        if entry.stream is None:
            return None
        start, stop = entry.stream
        filters = dictionary.get("Filter")
        if isinstance(filters, list) and len(filters) == 1:
            filters = filters[0]
        if filters is None:
            return bytes(self.data[start : min(stop, start + MAX_INFLATE)])
        if filters not in ("FlateDecode", "Fl"):
            return None
        parms = dictionary.get("DecodeParms")
        if isinstance(parms, list):
            parms = parms[0] if len(parms) == 1 else None
        if isinstance(parms, dict) and parms.get("Predictor", 1) not in (1, None):
            return None
        budget = min(MAX_INFLATE, MAX_INFLATE_TOTAL - self.inflated)
        if budget <= 0:
            self.truncated = True
            return None
        raw = bytes(self.data[start : min(stop, start + MAX_COMPRESSED)])
        try:
            out = zlib.decompressobj().decompress(raw, budget)
        except zlib.error:
            return None
        self.inflated += len(out)
        return out


def _ranges(size: int) -> list[tuple[int, int]]:
    if size <= MAX_INPUT:
        return [(0, size)]
    return [(0, MAX_INPUT), (max(MAX_INPUT, size - TAIL_INPUT), size)]


def _scan_objects(scan: _Scan, start: int, end: int) -> None:
    data = scan.data
    pos = start
    while True:
        i = data.find(b"obj", pos, end)
        if i < 0:
            return
        pos = i + 3
        if i >= 3 and data[i - 3 : i] == b"end":
            continue
        if pos < end and data[pos] not in WHITESPACE and data[pos] not in DELIMITERS:
            continue
        m = _HEADER.search(bytes(data[max(start, i - 24) : i]))
        if m is None:
            continue
        scan.count += 1
        if scan.count > MAX_OBJECTS:
            scan.truncated = True
            return
        key = (int(m[1]), int(m[2]))
        limit = min(end, pos + MAX_BODY)
        endobj = data.find(b"endobj", pos, limit)
        keyword = data.find(b"stream", pos, endobj if endobj >= 0 else limit)
        if keyword >= 0 and bytes(data[max(pos, keyword - 8) : keyword]).rstrip(WHITESPACE).endswith(b">>"):
            entry = _Entry(pos, keyword)
            begin = keyword + 6
            if data[begin : begin + 2] == b"\r\n":
                begin += 2
            elif data[begin : begin + 1] in (b"\n", b"\r"):
                begin += 1
            head = bytes(data[pos:keyword])
            length = _DIRECT_LENGTH.search(head)
            stop = -1
            if length is not None:
                candidate = begin + int(length[1])
                if bytes(data[candidate : candidate + 12]).lstrip(WHITESPACE).startswith(b"endstream"):
                    stop = candidate
            if stop < 0:
                stop = data.find(b"endstream", begin, end)
            if stop < 0:
                stop = end
            entry.stream = (begin, stop)
            scan.objects[key] = entry
            if b"/Metadata" in head:
                scan.metadata.append(key)
            if b"/ObjStm" in head:
                scan.object_streams.append(key)
            if b"/XRef" in head and b"/Info" in head:
                try:
                    xref = _Parser(head).value()
                except ParseError:
                    xref = None
                if isinstance(xref, dict):
                    scan.trailers.append((pos, xref))
            pos = max(pos, stop)
            continue
        body_end = endobj if endobj >= 0 else limit
        scan.objects[key] = _Entry(pos, body_end)
        if data.find(b"/AIGC", pos, body_end) >= 0:
            scan.aigc_objects.add(key)


def _scan_trailers(scan: _Scan, start: int, end: int) -> None:
    data, pos = scan.data, start
    for _ in range(MAX_TRAILERS):
        i = data.find(b"trailer", pos, end)
        if i < 0:
            return
        pos = i + 7
        try:
            value = _Parser(bytes(data[pos : min(end, pos + 65536)])).value()
        except ParseError:
            continue
        if isinstance(value, dict):
            scan.trailers.append((i, value))


def _typed_stream(
    scan: _Scan, key: tuple[int, int], type_name: str, untyped: bool = False
) -> tuple[_Entry, int, dict[str, PdfValue]] | None:
    """The stream object `key`, where its data starts, and its dictionary, when the dictionary parses
    and its /Type is `type_name` (or, with `untyped`, absent)."""
    entry = scan.objects.get(key)
    if entry is None or entry.stream is None:
        return None
    try:
        dictionary = _Parser(bytes(scan.data[entry.offset : entry.body_end])).value()
    except ParseError:
        return None
    if not isinstance(dictionary, dict) or dictionary.get("Type") not in (type_name, *((None,) if untyped else ())):
        return None
    return entry, entry.stream[0], dictionary


def _open_object_streams(scan: _Scan) -> None:
    for key in scan.object_streams:
        found = _typed_stream(scan, key, "ObjStm")
        if found is None:
            continue
        entry, _, dictionary = found
        count, first = dictionary.get("N"), dictionary.get("First")
        if not isinstance(count, int) or not isinstance(first, int) or not 0 < count <= MAX_OBJECTS:
            continue
        content = scan.stream_bytes(entry, dictionary)
        if content is None:
            continue
        numbers = [int(x) for x in re.findall(rb"\d+", content[:first])[: 2 * count]]
        pairs = list(zip(numbers[0::2], numbers[1::2], strict=False))
        for index, (num, offset) in enumerate(pairs):
            begin = first + offset
            stop = first + pairs[index + 1][1] if index + 1 < len(pairs) else len(content)
            if not 0 <= begin <= stop <= len(content) or stop - begin > MAX_BODY:
                continue
            previous = scan.packed.get(num)
            if previous is None or previous[0] <= entry.offset:
                scan.packed[num] = (entry.offset, content[begin:stop])
            direct = scan.objects.get((num, 0))
            if b"/AIGC" in content[begin:stop] and (direct is None or direct.offset < entry.offset):
                scan.aigc_objects.add((num, 0))


def _string_value(scan: _Scan, value: PdfValue) -> str | None:
    if isinstance(value, Ref):
        value = scan.parsed(value)
    if isinstance(value, PdfString):
        return text_of(value.raw)
    return None


def _latest(scan: _Scan, key: str) -> Ref | None:
    for _, trailer in sorted(scan.trailers, key=lambda t: t[0], reverse=True):
        value = trailer.get(key)
        if isinstance(value, Ref):
            return value
    return None


def _info_labels(scan: _Scan) -> list[RawLabel]:
    ref = _latest(scan, "Info")
    if ref is None:
        return []
    info = scan.parsed(ref)
    if not isinstance(info, dict) or "AIGC" not in info:
        return []
    text = _string_value(scan, info["AIGC"])
    entry = scan.objects.get((ref.num, ref.gen))
    return [RawLabel("pdf/info", text, entry.offset if entry else None)] if text is not None else []


def _scanned_labels(scan: _Scan) -> list[RawLabel]:
    labels: list[RawLabel] = []
    for key in sorted(scan.aigc_objects):
        body = scan.body(Ref(*key))
        if body is None:
            continue
        for m in _AIGC_STRING.finditer(body):
            try:
                if body[m.end()] == 0x28:
                    raw, _ = literal_string(body, m.end())
                else:
                    raw, _ = hex_string(body, m.end())
            except ParseError:
                continue
            entry = scan.objects.get(key)
            labels.append(RawLabel("pdf/info", text_of(raw), entry.offset if entry else None))
    return labels


def _xmp_labels(scan: _Scan) -> list[RawLabel]:
    keys = list(dict.fromkeys(scan.metadata))
    root = _latest(scan, "Root")
    catalog = scan.parsed(root) if root is not None else None
    meta = catalog.get("Metadata") if isinstance(catalog, dict) else None
    named = isinstance(meta, Ref)
    if isinstance(meta, Ref):
        keys = [(meta.num, meta.gen)]
    labels: list[RawLabel] = []
    for key in keys:
        # The stream the catalog names is the document's metadata even without /Type /Metadata (pypdf 7 omits it).
        found = _typed_stream(scan, key, "Metadata", untyped=named)
        if found is None:
            continue
        entry, start, dictionary = found
        content = scan.stream_bytes(entry, dictionary)
        if content is None:
            continue
        labels.extend(RawLabel("pdf/xmp", value, start) for value in xmp_aigc_values(content))
    return labels


def read(data: Buffer) -> list[RawLabel]:
    """Every /AIGC Info entry and XMP TC260:AIGC value of a PDF (see the module docstring)."""
    try:
        return _read(data)
    except CarrierError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, RecursionError, zlib.error) as exc:
        raise CarrierError(f"cannot follow the PDF structure: {exc}") from exc


def _read(data: Buffer) -> list[RawLabel]:
    header = data.find(b"%PDF-", 0, 1024)
    if header < 0:
        raise CarrierError("no %PDF- header in the first 1024 bytes")
    scan = _Scan(data)
    for start, end in _ranges(len(data)):
        _scan_objects(scan, max(start, header), end)
        _scan_trailers(scan, max(start, header), end)
        if scan.truncated:
            break
    if not scan.objects:
        raise CarrierError("no PDF objects found")
    encrypted = any("Encrypt" in trailer for _, trailer in scan.trailers)
    _open_object_streams(scan)
    labels = [] if encrypted else (_info_labels(scan) or _scanned_labels(scan))
    labels += _xmp_labels(scan)
    if not labels and encrypted:
        raise CarrierError("the PDF is encrypted: its Info strings cannot be read without decrypting it")
    if not labels and (scan.truncated or len(data) > MAX_INPUT):
        raise CarrierError(
            "the PDF is beyond the scanner's limits (64 MiB, 100,000 objects, 32 MiB inflated) "
            "and no label was found in the part read"
        )
    return labels
