"""Document carriers of the AIGC label (PDF, OOXML, Markdown), explicit labels, OCR and C2PA."""

from __future__ import annotations

import contextlib
import datetime
import http.server
import io
import json
import shutil
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.probes.aigc import c2pa_check, ocr, ooxml, pdf, text
from redline.probes.aigc.carriers import CarrierError
from redline.probes.aigc.label import RawLabel, check_label

FIELDS = {
    "Label": "1",
    "ContentProducer": "001191110102MACQD9K64010000",
    "ProduceID": "doc-42",
    "ReservedCode1": "",
    "ContentPropagator": "001191110102MACQD9K64010000",
    "PropagateID": "doc-42",
    "ReservedCode2": "",
}
WRAPPED = json.dumps({"AIGC": FIELDS}, separators=(",", ":"))
BARE = json.dumps(FIELDS, separators=(",", ":"))
EXIFTOOL = Path("/usr/bin/exiftool")
TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"


# --- PDF fixtures ---------------------------------------------------------------------------------


def literal(value: str) -> bytes:
    return b"(" + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode() + b")"


def utf16_hex(value: str) -> bytes:
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">"


def stream(dictionary: bytes, content: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def build_pdf(objects: dict[int, bytes], trailer: bytes = b"/Root 1 0 R /Info 4 0 R") -> bytes:
    """A PDF with a classic cross-reference table; objects 1-3 are a catalog, pages and one page."""
    body = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        **objects,
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(body):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body[number] + b"\nendobj\n"
    return bytes(out) + _xref(offsets, len(out), max(body) + 1, trailer)


def _xref(offsets: dict[int, int], at: int, size: int, trailer: bytes) -> bytes:
    out = bytearray(b"xref\n0 1\n0000000000 65535 f \n")
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    out += b"trailer\n<< /Size %d " % size + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % at
    return bytes(out)


def append_update(document: bytes, objects: dict[int, bytes], trailer: bytes) -> bytes:
    """An incremental update, as editors and exiftool write them."""
    out = bytearray(document)
    previous = int(document.rsplit(b"startxref", 1)[1].split()[0])
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    return bytes(out) + _xref(offsets, len(out), 10, trailer + b" /Prev %d" % previous)


def xmp_packet(aigc: str, attribute: bool = False) -> bytes:
    escaped = aigc.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    inner = (
        f'<rdf:Description rdf:about="" xmlns:TC260="{TC260}" TC260:AIGC="{escaped}"/>'
        if attribute
        else f'<rdf:Description rdf:about="" xmlns:TC260="{TC260}"><TC260:AIGC>{escaped}</TC260:AIGC></rdf:Description>'
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{inner}</rdf:RDF></x:xmpmeta>'
        '<?xpacket end="w"?>'
    ).encode()


def exiftool_json(path: Path, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [str(EXIFTOOL), *args, "-j", "-G1", "-a", str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    document: dict[str, Any] = json.loads(result.stdout)[0]
    return document


needs_exiftool = pytest.mark.skipif(not EXIFTOOL.is_file(), reason="exiftool is not installed")


# --- PDF -------------------------------------------------------------------------------------------


def test_a_literal_string_label_in_the_info_dictionary_is_read() -> None:
    document = build_pdf({4: b"<< /Producer (redline) /AIGC " + literal(WRAPPED) + b" >>"})
    labels = pdf.read(document)
    assert [(label.carrier, label.text) for label in labels] == [("pdf/info", WRAPPED)]
    assert check_label(labels[0]).ok


def test_a_utf16_hex_string_label_in_the_info_dictionary_is_decoded() -> None:
    document = build_pdf({4: b"<< /AIGC " + utf16_hex(BARE) + b" /Title (x) >>"})
    assert [label.text for label in pdf.read(document)] == [BARE]


def test_literal_strings_decode_escapes_octal_and_balanced_parentheses() -> None:
    raw, end = pdf.literal_string(b"(a\\(b\\) (c) \\101\\1010\\7\\\\\\n\\q\\\r\nz\rw) tail", 0)
    assert raw == b"a(b) (c) AA0\x07\\\nqz\nw"
    assert end == len(b"(a\\(b\\) (c) \\101\\1010\\7\\\\\\n\\q\\\r\nz\rw)")


def test_hex_strings_ignore_whitespace_and_pad_an_odd_final_digit() -> None:
    assert pdf.hex_string(b"<41 42\n4>", 0) == (b"AB@", 9)


def test_a_label_held_in_an_indirect_string_object_is_resolved() -> None:
    document = build_pdf({4: b"<< /AIGC 5 0 R >>", 5: literal(WRAPPED)})
    assert [label.text for label in pdf.read(document)] == [WRAPPED]


def test_an_incremental_update_supersedes_the_earlier_info_dictionary() -> None:
    old = build_pdf({4: b"<< /AIGC " + literal(BARE.replace("doc-42", "old")) + b" >>"})
    updated = append_update(
        old, {4: b"<< /AIGC " + literal(WRAPPED) + b" /ModDate (D:20250901) >>"}, b"/Root 1 0 R /Info 4 0 R"
    )
    assert [label.text for label in pdf.read(updated)] == [WRAPPED]


def test_an_info_dictionary_inside_a_compressed_object_stream_is_read() -> None:
    info = b"<< /Producer (pdf-lib) /AIGC " + literal(WRAPPED) + b" >>"
    header = b"4 0 "
    packed = zlib.compress(header + info)
    document = build_pdf({5: stream(b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(header), packed)})
    assert [(label.carrier, label.text) for label in pdf.read(document)] == [("pdf/info", WRAPPED)]


def test_without_a_usable_trailer_the_label_is_still_found_by_scanning() -> None:
    document = build_pdf({4: b"<< /AIGC " + utf16_hex(WRAPPED) + b" >>"}).split(b"xref\n")[0]
    assert [label.text for label in pdf.read(document)] == [WRAPPED]


@pytest.mark.parametrize("attribute", [False, True], ids=["element", "attribute"])
@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "flate"])
def test_a_tc260_label_in_the_xmp_metadata_stream_is_read(attribute: bool, compressed: bool) -> None:
    packet = xmp_packet(BARE, attribute)
    content, filters = (zlib.compress(packet), b" /Filter /FlateDecode") if compressed else (packet, b"")
    document = build_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
            6: stream(b"/Type /Metadata /Subtype /XML" + filters, content),
        },
        b"/Root 1 0 R",
    )
    labels = pdf.read(document)
    assert [label.carrier for label in labels] == ["pdf/xmp"]
    assert "&quot;" in labels[0].text  # the raw text, as found; check_label unescapes it
    assert check_label(labels[0]).fields == FIELDS


def test_xmp_metadata_without_the_tc260_namespace_gives_no_label() -> None:
    packet = xmp_packet(BARE).replace(TC260.encode(), b"http://example.com/other/")
    document = build_pdf({6: stream(b"/Type /Metadata /Subtype /XML", packet)}, b"/Root 1 0 R")
    assert pdf.read(document) == []


def test_an_xmp_packet_inflating_past_4_mib_is_read_only_up_to_the_cap() -> None:
    packet = xmp_packet(BARE).replace(b"<?xpacket end", b" " * (5 << 20) + b"<?xpacket end")
    document = build_pdf({6: stream(b"/Type /Metadata /Filter /FlateDecode", zlib.compress(packet))}, b"")
    assert [label.carrier for label in pdf.read(document)] == ["pdf/xmp"]  # the label sits in the first 4 MiB
    hidden = xmp_packet(BARE).replace(b"<x:xmpmeta", b" " * (5 << 20) + b"<x:xmpmeta")
    document = build_pdf({6: stream(b"/Type /Metadata /Filter /FlateDecode", zlib.compress(hidden))}, b"")
    assert pdf.read(document) == []


def test_a_pdf_without_a_label_gives_no_labels() -> None:
    assert pdf.read(build_pdf({4: b"<< /Producer (redline) /Title <FEFF00410049> >>"})) == []


def test_bytes_without_a_pdf_header_are_refused() -> None:
    with pytest.raises(CarrierError, match="%PDF-"):
        pdf.read(b"hello, world")


def test_an_encrypted_pdf_without_a_readable_label_is_refused_rather_than_called_unlabelled() -> None:
    document = build_pdf(
        {4: b"<< /AIGC <8F3A22> >>", 7: b"<< /Filter /Standard /V 2 >>"}, b"/Root 1 0 R /Info 4 0 R /Encrypt 7 0 R"
    )
    with pytest.raises(CarrierError, match="encrypted"):
        pdf.read(document)


@needs_exiftool
@pytest.mark.parametrize(
    "value", [literal(WRAPPED), utf16_hex(WRAPPED), literal("AIGC(1) \\ end")], ids=["literal", "utf16-hex", "escapes"]
)
def test_pdf_info_reading_agrees_with_exiftool(tmp_path: Path, value: bytes) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(build_pdf({4: b"<< /Producer (redline) /AIGC " + value + b" >>"}))
    assert [label.text for label in pdf.read(path.read_bytes())] == [exiftool_json(path)["PDF:AIGC"]]


@needs_exiftool
def test_labels_written_by_exiftool_as_an_incremental_update_are_read(tmp_path: Path) -> None:
    config = tmp_path / "tc260.config"
    config.write_text(
        "%Image::ExifTool::UserDefined = (\n"
        "  'Image::ExifTool::PDF::Info' => { AIGC => { } },\n"
        "  'Image::ExifTool::XMP::Main' => { TC260 => { SubDirectory => {\n"
        "      TagTable => 'Image::ExifTool::UserDefined::TC260' } } },\n);\n"
        "%Image::ExifTool::UserDefined::TC260 = (\n"
        "  GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },\n"
        f"  NAMESPACE => {{ 'TC260' => '{TC260}' }},\n"
        "  WRITABLE => 'string', AIGC => { },\n);\n1;\n"
    )
    path = tmp_path / "doc.pdf"
    path.write_bytes(build_pdf({4: b"<< /Producer (redline) >>"}))
    subprocess.run(
        [
            str(EXIFTOOL),
            "-config",
            str(config),
            "-overwrite_original",
            f"-PDF:AIGC={WRAPPED}",
            f"-XMP-TC260:AIGC={BARE}",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    labels = pdf.read(path.read_bytes())
    assert (labels[0].carrier, labels[0].text) == ("pdf/info", WRAPPED)
    assert [label.carrier for label in labels] == ["pdf/info", "pdf/xmp"]
    assert check_label(labels[1]).fields == FIELDS


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_pdf_reading_of_arbitrary_bytes_returns_labels_or_raises_carrier_error(data: bytes) -> None:
    with contextlib.suppress(CarrierError):
        assert isinstance(pdf.read(data), list)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=4096),
    st.sampled_from(
        [
            b"",
            b"1 0 obj\n<< /AIGC (",
            b"trailer\n<< /Info 1 0 R",
            b"2 0 obj\n<< /Type /ObjStm /N 3 /First 4 >>\nstream\n",
        ]
    ),
)
def test_pdf_reading_of_damaged_pdfs_returns_labels_or_raises_carrier_error(data: bytes, seed: bytes) -> None:
    with contextlib.suppress(CarrierError):
        assert isinstance(pdf.read(b"%PDF-1.7\n" + seed + data), list)


# --- OOXML -----------------------------------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def custom_xml(value: str, name: str = "AIGC") -> bytes:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Department">'
        "<vt:lpwstr>Legal</vt:lpwstr></property>"
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="3" name="{name}">'
        f"<vt:lpwstr>{escaped}</vt:lpwstr></property></Properties>"
    ).encode()


def docx(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_the_aigc_custom_property_of_a_docx_is_read() -> None:
    labels = ooxml.read(docx({"docProps/custom.xml": custom_xml(WRAPPED), "word/document.xml": b"<w/>"}))
    assert labels == [RawLabel("ooxml/custom-property", WRAPPED)]
    assert check_label(labels[0]).ok


def test_the_custom_part_named_by_the_package_relationship_is_read() -> None:
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'custom-properties" Target="meta/props.xml"/></Relationships>'
    )
    labels = ooxml.read(docx({"_rels/.rels": rels, "meta/props.xml": custom_xml(BARE)}))
    assert [label.text for label in labels] == [BARE]


def test_a_docx_without_the_aigc_property_gives_no_labels() -> None:
    assert ooxml.read(docx({"docProps/custom.xml": custom_xml(BARE, name="aigc-note")})) == []
    assert ooxml.read(docx({"word/document.xml": b"<w/>"})) == []


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE Properties [<!ENTITY x "y">]>',
        b'<!ENTITY lol "lol">',
        b'<!DOCTYPE Properties SYSTEM "http://example.com/evil.dtd">',
    ],
    ids=["doctype-with-entity", "entity", "external-doctype"],
)
def test_a_custom_xml_with_a_doctype_or_entity_declaration_is_refused(declaration: bytes) -> None:
    content = custom_xml(WRAPPED).replace(b"\n", b"\n" + declaration + b"\n", 1)
    with pytest.raises(CarrierError, match="DOCTYPE or ENTITY"):
        ooxml.read(docx({"docProps/custom.xml": content}))


def test_a_utf16_custom_xml_is_checked_for_declarations_too() -> None:
    content = (
        custom_xml(WRAPPED)
        .decode()
        .replace("UTF-8", "UTF-16")
        .replace("\n", '\n<!DOCTYPE Properties [<!ENTITY x "y">]>\n', 1)
    )
    with pytest.raises(CarrierError, match="DOCTYPE or ENTITY"):
        ooxml.read(docx({"docProps/custom.xml": content.encode("utf-16")}))
    clean = custom_xml(WRAPPED).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    assert [label.text for label in ooxml.read(docx({"docProps/custom.xml": clean}))] == [WRAPPED]


def test_a_zip_bomb_custom_xml_is_refused() -> None:
    bomb = custom_xml(WRAPPED).replace(b"<Properties", b"<!--" + b" " * (3 << 20) + b"--><Properties", 1)
    with pytest.raises(CarrierError, match="zip bomb"):
        ooxml.read(docx({"docProps/custom.xml": bomb}))


def test_a_custom_xml_over_4_mib_is_refused() -> None:
    big = custom_xml(WRAPPED).replace(b"<Properties", b"<!--" + bytes(range(256)) * (20 << 10) + b"--><Properties")
    with pytest.raises(CarrierError, match="4 MiB"):
        ooxml.read(docx({"docProps/custom.xml": big}))


def test_a_custom_xml_whose_header_understates_its_size_is_refused() -> None:
    data = bytearray(docx({"docProps/custom.xml": custom_xml(WRAPPED + " " * 5000)}))
    entry = data.rindex(b"PK\x01\x02", 0, data.rindex(b"docProps/custom.xml"))
    data[entry + 24 : entry + 28] = (10).to_bytes(4, "little")  # a lying uncompressed size
    with pytest.raises(CarrierError):
        ooxml.read(bytes(data))


def test_an_archive_of_256_mib_or_more_is_not_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ooxml, "MAX_ARCHIVE", 100)
    with pytest.raises(CarrierError, match="256 MiB"):
        ooxml.read(docx({"docProps/custom.xml": custom_xml(WRAPPED)}))


def test_a_broken_archive_is_refused() -> None:
    with pytest.raises(CarrierError):
        ooxml.read(docx({"docProps/custom.xml": custom_xml(WRAPPED)})[:-30])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_ooxml_reading_of_arbitrary_bytes_returns_labels_or_raises_carrier_error(data: bytes) -> None:
    with contextlib.suppress(CarrierError):
        assert isinstance(ooxml.read(data), list)


# --- Markdown front matter ---------------------------------------------------------------------------


def test_a_front_matter_json_string_label_is_read_as_written() -> None:
    document = f"---\ntitle: 报告\nAIGC: '{WRAPPED}'\n---\n\n正文\n".encode()
    labels = text.read_markdown(document)
    assert labels == [RawLabel("markdown/front-matter", WRAPPED, 0)]
    assert check_label(labels[0]).form == "wrapped"


def test_a_front_matter_block_mapping_label_becomes_bare_json() -> None:
    fields = "\n".join(f'  {key}: "{value}"' for key, value in FIELDS.items())
    labels = text.read_markdown(f"\ufeff---\nAIGC:\n{fields}\ntags: [a]\n...\n# 标题\n".encode())
    assert len(labels) == 1
    checked = check_label(labels[0])
    assert (checked.ok, checked.form, checked.fields) == (True, "bare", FIELDS)


def test_a_front_matter_flow_mapping_label_is_read() -> None:
    labels = text.read_markdown(f"---\nAIGC: {WRAPPED}\n---\n".encode())
    assert check_label(labels[0]).fields == FIELDS


def test_unquoted_yaml_numbers_are_reported_as_non_strings() -> None:
    fields = "\n".join(f"  {key}: {value or 12}" for key, value in FIELDS.items())
    checked = check_label(text.read_markdown(f"---\nAIGC:\n{fields}\n---\n".encode())[0])
    assert "Label must be a string, not int" in [p.message for p in checked.problems]


def test_markdown_without_front_matter_or_without_the_key_gives_no_labels() -> None:
    assert text.read_markdown("# 标题\n\nAIGC: {}\n".encode()) == []
    assert text.read_markdown(b"---\ntitle: x\n---\nAIGC: x\n") == []
    assert text.read_markdown(b"---\nAIGC: never closed\n") == []


def test_a_label_in_broken_yaml_is_reported_as_written_so_the_check_can_say_so() -> None:
    document = b'---\nAIGC:\n  Label: "1",\n  "ContentProducer": "x",\ntitle: t\n---\n'
    labels = text.read_markdown(document)
    assert labels[0].text.startswith('AIGC:\n  Label: "1",')
    assert "title" not in labels[0].text
    assert check_label(labels[0]).problems[0].message == "the label is not valid JSON"


def test_a_yaml_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    document = "---\n" + "\n".join(lines) + "\nAIGC: *a8\n---\n"
    with pytest.raises(CarrierError, match="too large"):
        text.read_markdown(document.encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_markdown_reading_of_arbitrary_bytes_returns_labels_or_raises_carrier_error(data: bytes) -> None:
    for document in (data, b"---\nAIGC: " + data + b"\n---\n"):
        with contextlib.suppress(CarrierError):
            assert isinstance(text.read_markdown(document), list)


# --- explicit text labels ----------------------------------------------------------------------------

PROSE = "人工智能技术近年来发展迅速，广泛应用于医疗、交通和教育等领域，各地也在积极探索相关的治理经验。" * 6


def test_a_label_at_the_head_of_the_text_is_found() -> None:
    result = text.explicit_label("本文由人工智能生成，仅供参考。\n" + PROSE)
    assert result == {
        "found": True,
        "where": "head",
        "text": "本文由人工智能生成，仅供参考。",
        "clause": "人工智能生成合成内容标识办法 第四条第（一）项",
    }


def test_a_label_at_the_tail_of_the_text_is_found() -> None:
    result = text.explicit_label(PROSE + "\n\n（内容由 AI 合成）\n\n")
    assert (result["found"], result["where"], result["text"]) == (True, "tail", "（内容由 AI 合成）")


def test_a_label_in_one_of_the_first_five_lines_counts_even_past_200_characters() -> None:
    result = text.explicit_label(PROSE + "\n" + "以上内容由ai辅助生成\n" + PROSE + "\n" + PROSE)
    assert (result["found"], result["where"]) == (True, "head")


def test_ordinary_prose_about_artificial_intelligence_does_not_count() -> None:
    assert text.explicit_label(PROSE)["found"] is False


def test_generative_ai_as_a_term_does_not_count_as_a_label() -> None:
    assert text.explicit_label("《生成式人工智能服务管理暂行办法》解读\n" + PROSE)["found"] is False


def test_ai_inside_a_longer_word_is_not_the_ai_element() -> None:
    assert text.explicit_label("MAIL 生成记录\nRAID 合成阵列")["found"] is False


def test_a_label_in_the_middle_only_is_not_looked_for() -> None:
    paragraphs = [PROSE] * 6 + ["本段由AI生成。"] + [PROSE] * 6
    assert text.explicit_label("\n".join(paragraphs))["found"] is False


def test_front_matter_is_skipped_when_looking_at_the_head_of_markdown() -> None:
    fields = "\n".join(f'  {key}: "{value}"' for key, value in FIELDS.items())
    result = text.explicit_label(f"---\nAIGC:\n{fields}\n---\n\n> 本文由AI生成\n\n{PROSE}\n{PROSE}")
    assert (result["found"], result["where"], result["text"]) == (True, "head", "> 本文由AI生成")


def test_empty_text_has_no_label() -> None:
    assert text.explicit_label("")["found"] is False


# --- OCR ---------------------------------------------------------------------------------------------


def _cjk_font() -> Path | None:
    fonts = Path("/usr/share/fonts")
    return next(iter(sorted(fonts.rglob("NotoSansCJK-Regular.ttc"))), None) if fonts.is_dir() else None


def _ocr_ready() -> bool:
    binary = ocr._tesseract()
    return binary is not None and ocr._has_chinese(binary)


needs_ocr = pytest.mark.skipif(not _ocr_ready(), reason="tesseract with chi_sim is not installed")


@needs_ocr
@pytest.mark.parametrize(
    ("framed", "corner", "regions"),
    [
        (True, (920, 725), ("bottom-right", "bottom", "right")),
        (False, (30, 20), ("top-left", "top", "left")),
    ],
    ids=["framed-box-bottom-right", "bare-text-top-left"],
)
def test_ocr_finds_an_ai_generated_label_drawn_in_a_corner(
    tmp_path: Path, framed: bool, corner: tuple[int, int], regions: tuple[str, ...]
) -> None:
    font_path = _cjk_font()
    if font_path is None:
        pytest.skip("no Noto Sans CJK font")
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1200, 800), (90, 140, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 620, 1200, 800), fill=(60, 160, 80))
    if framed:
        draw.rectangle((900, 720, 1180, 790), fill=(255, 255, 255))
    draw.text(
        corner, "AI生成", font=ImageFont.truetype(str(font_path), 44), fill=(0, 0, 0) if framed else (255, 255, 255)
    )
    path = tmp_path / "picture.png"
    image.save(path)
    result = ocr.explicit_image_label(path)
    assert result["checked"] is True and result["found"] is True, result
    assert result["where"] in regions
    assert "AI生成" in result["text"]


def test_common_ocr_misreadings_of_ai_are_normalised() -> None:
    assert ocr.normalise("本 图 由 Al 生 成\nA1 合成 MAIL") == "本图由AI生成\nAI合成MAIL"


@needs_ocr
def test_ocr_of_an_image_without_a_label_finds_nothing(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "plain.png"
    Image.new("RGB", (400, 300), (200, 200, 200)).save(path)
    result = ocr.explicit_image_label(path)
    assert (result["checked"], result["found"]) == (True, False)


def test_ocr_reports_not_checked_when_tesseract_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ocr, "_tesseract", lambda: None)
    assert ocr.explicit_image_label(tmp_path / "x.png") == {
        "checked": False,
        "reason": "not checked: OCR not installed",
    }


@needs_ocr
def test_ocr_reports_not_checked_for_a_file_that_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(b"not an image")
    result = ocr.explicit_image_label(path)
    assert result["checked"] is False and result["reason"].startswith("not checked: cannot open the image")


# --- C2PA --------------------------------------------------------------------------------------------


def png_bytes(extra_chunk: bytes = b"") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, "PNG")
    data = buffer.getvalue()
    return data[:33] + extra_chunk + data[33:]  # after IHDR


def chunk(kind: bytes, payload: bytes) -> bytes:
    return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (30, 30, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def no_c2pa_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("c2pa was called for a file without a manifest marker")

    monkeypatch.setattr(c2pa_check, "_read", refuse)


@pytest.mark.usefixtures("no_c2pa_reading")
@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_an_image_without_c2pa_is_passed_over_quickly_without_calling_c2pa(tmp_path: Path, kind: str) -> None:
    data = png_bytes() if kind == "png" else jpeg_bytes()
    path = tmp_path / f"x.{kind}"
    path.write_bytes(data)
    start = time.perf_counter()
    for _ in range(100):
        assert c2pa_check.inspect(path, kind, data) is None
    assert time.perf_counter() - start < 0.5


@pytest.mark.usefixtures("no_c2pa_reading")
def test_text_formats_never_reach_c2pa(tmp_path: Path) -> None:
    assert c2pa_check.inspect(tmp_path / "x.md", "markdown", b"caBX jumb C2PA") is None


def test_a_png_with_a_garbage_cabx_chunk_is_present_but_unchecked(tmp_path: Path) -> None:
    data = png_bytes(chunk(b"caBX", b"\x00\x00\x00\x10jumbgarbage!" * 4))
    path = tmp_path / "x.png"
    path.write_bytes(data)
    report = c2pa_check.inspect(path, "png", data)
    assert report is not None
    assert (report["present"], report["checked"]) == (True, False)
    assert report["reason"]


def test_a_file_that_cannot_be_read_is_reported_not_raised(tmp_path: Path) -> None:
    data = png_bytes(chunk(b"caBX", b"x"))
    report = c2pa_check.inspect(tmp_path / "gone.png", "png", data)
    assert report is not None and report["checked"] is False and "FileNotFoundError" in report["reason"]


def test_without_c2pa_python_a_marked_file_is_reported_unchecked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "c2pa", None)
    data = png_bytes(chunk(b"caBX", b"x"))
    assert c2pa_check.inspect(tmp_path / "x.png", "png", data) == {
        "present": True,
        "checked": False,
        "reason": "c2pa-python not installed",
    }


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", True),
        ("http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia", True),
        ("http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia", False),
        ("http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", False),
    ],
)
def test_only_trained_algorithmic_source_types_mean_ai_generated(source: str, expected: bool) -> None:
    store = {
        "active_manifest": "m",
        "manifests": {
            "m": {
                "assertions": [
                    {
                        "label": "c2pa.actions.v2",
                        "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": source}]},
                    },
                ]
            }
        },
        "validation_state": "Valid",
    }
    report = c2pa_check.summarise(store)
    assert (report["ai_generated"], report["digital_source_types"]) == (expected, [source])


class _Signing:
    def __init__(self, chain: bytes, key: bytes) -> None:
        self.chain, self.key = chain, key

    def sign(
        self, data: bytes, mime: str, remote_url: str | None = None, source_type: str = "trainedAlgorithmicMedia"
    ) -> bytes:
        import c2pa

        manifest = {
            "claim_generator_info": [{"name": "redline-test", "version": "0"}],
            "title": "fixture",
            "assertions": [
                {
                    "label": "c2pa.actions",
                    "data": {
                        "actions": [
                            {
                                "action": "c2pa.created",
                                "digitalSourceType": f"http://cv.iptc.org/newscodes/digitalsourcetype/{source_type}",
                            }
                        ]
                    },
                }
            ],
        }
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, self.chain, self.key, None))
        builder = c2pa.Builder(manifest)
        if remote_url:
            builder.set_no_embed()
            builder.set_remote_url(remote_url)
        out = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(data), out)
        return out.getvalue()


@pytest.fixture(scope="module")
def signing() -> _Signing:
    """A throwaway CA and ES256 signing certificate, made offline with `cryptography`."""
    pytest.importorskip("c2pa")
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "redline test"),
            ]
        )

    def builder(subject: str, issuer: x509.Name, key: ec.EllipticCurvePrivateKey) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        builder("redline test root", name("redline test root"), ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        builder("redline test signer", ca.subject, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _Signing(chain, private)


@pytest.mark.parametrize(("kind", "mime"), [("png", "image/png"), ("jpeg", "image/jpeg")])
def test_a_signed_ai_generated_manifest_is_read_and_validated_offline(
    signing: _Signing, tmp_path: Path, kind: str, mime: str
) -> None:
    data = signing.sign(png_bytes() if kind == "png" else jpeg_bytes(), mime)
    path = tmp_path / f"signed.{kind}"
    path.write_bytes(data)
    report = c2pa_check.inspect(path, kind, data)
    assert report is not None
    assert (report["present"], report["checked"], report["remote"]) == (True, True, False)
    assert report["validation_state"] == "Valid"  # not "Trusted": no trust list is loaded offline
    assert [e["code"] for e in report["validation_errors"]] == ["signingCredential.untrusted"]
    assert (report["signer"], report["issuer"]) == ("redline test signer", "redline test")
    assert report["ai_generated"] is True
    assert report["digital_source_types"] == ["http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"]


def test_a_camera_manifest_is_not_ai_generated(signing: _Signing, tmp_path: Path) -> None:
    data = signing.sign(png_bytes(), "image/png", source_type="digitalCapture")
    path = tmp_path / "camera.png"
    path.write_bytes(data)
    report = c2pa_check.inspect(path, "png", data)
    assert report is not None and report["checked"] is True and report["ai_generated"] is False


def test_a_tampered_signed_image_is_reported_invalid(signing: _Signing, tmp_path: Path) -> None:
    data = bytearray(signing.sign(png_bytes(), "image/png"))
    idat = data.index(b"IDAT")
    data[idat + 10] ^= 0xFF
    path = tmp_path / "tampered.png"
    path.write_bytes(data)
    report = c2pa_check.inspect(path, "png", bytes(data))
    assert report is not None and report["checked"] is True
    assert report["validation_state"] == "Invalid"
    assert "assertion.dataHash.mismatch" in [e["code"] for e in report["validation_errors"]]


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request made to it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/manifest.c2pa", requests
    finally:
        server.shutdown()
        server.server_close()


def test_a_remote_manifest_is_reported_and_never_fetched(
    signing: _Signing, tmp_path: Path, listener: tuple[str, list[str]]
) -> None:
    url, requests = listener
    data = signing.sign(png_bytes(), "image/png", remote_url=url)
    assert b"caBX" not in data  # only the XMP dcterms:provenance points at the manifest
    path = tmp_path / "remote.png"
    path.write_bytes(data)
    report = c2pa_check.inspect(path, "png", data)
    assert report is not None
    assert (report["present"], report["remote"], report["checked"], report["url"]) == (True, True, False, url)
    assert requests == []


def test_the_offline_settings_are_what_stops_the_fetch(signing: _Signing, listener: tuple[str, list[str]]) -> None:
    """Control: with c2pa's default settings the same file does make a request."""
    import c2pa

    url, requests = listener
    data = signing.sign(png_bytes(), "image/png", remote_url=url)
    with pytest.raises(c2pa.C2paError):
        c2pa.Reader("image/png", io.BytesIO(data))
    assert requests == ["/manifest.c2pa"]


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")
def test_exiftool_sees_the_jumbf_the_prefilter_keys_on(signing: _Signing, tmp_path: Path) -> None:
    path = tmp_path / "signed.jpg"
    path.write_bytes(signing.sign(jpeg_bytes(), "image/jpeg"))
    labels = exiftool_json(path).get("JUMBF:JUMDLabel")
    assert labels and "c2pa" in (labels if isinstance(labels, list) else [labels])
