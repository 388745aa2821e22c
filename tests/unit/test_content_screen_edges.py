"""Two edges of the content-screen probe: whole words judged on the normalised text (an invisible character
neither splits a word nor hides a term), and binary files skipped with a reason instead of screened."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from redline.errors import InputError
from redline.probes.base import FileResult, Verdict
from redline.probes.content_screen.decode import Decoded, decode
from redline.probes.content_screen.inputs import documents
from redline.probes.content_screen.matcher import SEPARATORS, Screen, _word_char, compiled
from redline.probes.content_screen.normalise import Options, normalise
from redline.probes.content_screen.probe import ContentScreenProbe

TERMS = "ass\nspam\ncaf\nspamword\n测试违禁词\tdemo\thigh\n"
STUFFING = "spamword, " * 40 + "测试违禁词 " * 20  # what a metadata field of a binary file may hold
PIECES = [
    "cl",
    "ass",
    "spam",
    "a",
    "s",
    "p",
    "m",
    "word",
    " ",
    ".",
    "*",
    "\u200b",
    "\u200d",
    "\ufeff",
    "ｌ",
    "ａ",
    "ｓ",
    "测试违禁词",
    "测",
    "é",
    "\u0440",
    "\u0455",
    "1",
]


@pytest.fixture(scope="module")
def terms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("terms") / "terms.txt"
    path.write_text(TERMS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def screen(terms: Path) -> Screen:
    return compiled(terms, Options())


def spans(screen: Screen, text: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.normalised) for m in screen.find(text)]


# --- whole words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "cl\u200bass",  # an invisible character does not split "class"
        "cl\u200d\ufeffass act",
        "ｃｌass",  # full-width letters are the letters they stand for
        "classy spammer",
        "café",  # an accented letter continues the word
        "caf\u00e9s",
    ],
)
def test_a_latin_term_inside_a_longer_word_is_not_reported(screen: Screen, text: str) -> None:
    assert spans(screen, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("spa\u200bm", [(0, 5, "spam")]),  # the point of removing invisible characters
        ("\u200bspam\u200b!", [(1, 5, "spam")]),
        ("the ass.", [(4, 7, "ass")]),
        ("the caf. and a spam", [(4, 7, "caf"), (15, 19, "spam")]),
        ("买spam药", [(1, 5, "spam")]),  # Chinese characters are not part of a Latin word
        ("ｓｐａｍ", [(0, 4, "spam")]),
    ],
)
def test_a_whole_latin_word_is_reported_at_its_original_range(
    screen: Screen, text: str, expected: list[tuple[int, int, str]]
) -> None:
    assert spans(screen, text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("前文测试违禁词后文", 2, 7),  # Chinese terms have no word boundaries
        ("abc测试违禁词xyz", 3, 8),
        ("class测\u200b试违禁词ass", 5, 11),
    ],
)
def test_chinese_terms_are_found_inside_any_text(screen: Screen, text: str, start: int, end: int) -> None:
    assert (start, end, "测试违禁词") in spans(screen, text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_every_match_holds_its_term_and_latin_terms_are_whole_words(terms: Path, text: str) -> None:
    screen = compiled(terms, Options())
    for m in screen.find(text):
        assert 0 <= m.start < m.end <= len(text)
        shown = normalise(text[m.start : m.end]).text
        assert m.normalised in (SEPARATORS.sub("", shown) if m.spaced else shown), (text, m)
        if m.normalised[0].isascii() and m.normalised[0].isalnum():
            before = normalise(text[: m.start]).text
            assert not (before and _word_char(before[-1])), (text, m)
        if m.normalised[-1].isascii() and m.normalised[-1].isalnum():
            after = normalise(text[m.end :]).text
            assert not (after and _word_char(after[0])), (text, m)


# --- binary files --------------------------------------------------------------------------------


def _png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Keywords", STUFFING)
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 10)).save(out, "JPEG", comment=STUFFING.encode())
    return out.getvalue()


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(range(256)) * 8)
    return out.getvalue() + b"LIST" + STUFFING.encode()


def _mp3() -> bytes:
    frame = STUFFING.encode()
    tag = b"TXXX" + len(frame).to_bytes(4, "big") + b"\x00\x00" + frame
    return b"ID3\x03\x00\x00" + len(tag).to_bytes(4, "big") + tag + b"\xff\xfb\x90\x64" + bytes(400)


def _no_nul() -> bytes:
    """High bytes that are neither UTF-8 nor GB18030, with the stuffing in between, and no NUL at all."""
    return (bytes(range(0x80, 0x100)) + STUFFING.encode()[:40]) * 30


def check(tmp_path: Path, name: str, data: bytes, **options: Any) -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    return ContentScreenProbe().check_file(path, options)


@pytest.mark.parametrize(
    ("name", "make", "what"),
    [
        ("photo.png", _png, "png data"),
        ("photo.jpg", _jpeg, "jpeg data"),
        ("voice.wav", _wav, "wav data"),
        ("song.mp3", _mp3, "mp3 data"),
        ("blob.txt", _no_nul, "binary data"),
    ],
)
def test_a_binary_file_is_skipped_as_inconclusive_with_no_findings(
    tmp_path: Path, terms: Path, name: str, make: Any, what: str
) -> None:
    for fmt in ("auto", "text", "html", "jsonl"):
        result = check(tmp_path, name, make(), terms=str(terms), format=fmt)
        assert result.verdict is Verdict.INCONCLUSIVE and result.kind == "binary"
        assert result.findings == () and result.details["found"] == []
        assert result.details["skipped"].startswith(f"not a text file: {what} (")
        assert result.details["skipped"].endswith(", skipped")
    summary = ContentScreenProbe().summarise([result])
    assert summary["verdicts"] == {"inconclusive": 1} and summary["found"] == {}


def test_a_binary_file_with_an_unknown_format_is_still_a_user_error(tmp_path: Path) -> None:
    result = check(tmp_path, "photo.png", _png(), format="pdf")
    assert result.verdict is Verdict.ERROR and result.details["input_error"]["field"] == "format"
    with pytest.raises(InputError, match="not a text file: png data"):
        list(documents(tmp_path / "photo.png"))


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gb18030", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
    ],
)
def test_text_in_each_encoding_is_still_screened_at_its_character_range(
    tmp_path: Path, terms: Path, encoding: str, bom: bytes
) -> None:
    text = "正文：这里有一个测试违禁词，还有 spam。\n"
    result = check(tmp_path, "post.txt", bom + text.encode(encoding), terms=str(terms), spam=False)
    assert result.verdict is Verdict.NON_COMPLIANT, result.details
    at = text.index("测试违禁词"), text.index("spam")
    assert [(f["start"], f["end"]) for f in result.details["found"]] == [(at[0], at[0] + 5), (at[1], at[1] + 4)]


def test_text_with_a_few_broken_bytes_is_screened_with_them_replaced(tmp_path: Path, terms: Path) -> None:
    data = b"a long enough line of ordinary text, then spam\n" * 3 + b"\xff\xfe\x80 trailing spam\n"
    assert decode(data).text is not None
    result = check(tmp_path, "post.txt", data, terms=str(terms), spam=False)
    assert result.verdict is Verdict.NON_COMPLIANT and len(result.details["found"]) == 4


@pytest.mark.parametrize("stray", [b"\xe9", b"\xe6", b"\xbf", b"\xe9 ok"])
def test_utf8_with_a_stray_byte_is_not_taken_for_gb18030(stray: bytes) -> None:
    data = "测试违禁词".encode() + stray  # these bytes happen to be valid GB18030 too
    data.decode("gb18030")
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and decoded.text is not None and decoded.text.startswith("测试违禁词")


def test_short_gb18030_text_is_read_as_gb18030() -> None:
    assert decode("测试违禁词".encode("gb18030")) == Decoded("测试违禁词", "gb18030")


def test_text_full_of_control_characters_is_not_text() -> None:
    decoded = decode(b"\x01\x02\x03\x04 spam \x05\x06\x07\x08" * 50)
    assert decoded.text is None and decoded.reason == "not a text file: binary data (control characters), skipped"


def test_an_empty_file_is_text() -> None:
    assert decode(b"").text == ""
