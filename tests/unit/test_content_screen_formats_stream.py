"""Every format is read in bounded blocks: an HTML page, JSON lines, GB18030 text, UTF-16 and UTF-8 with broken
bytes give exactly what the whole-file path gives, wherever the block and piece borders fall (a tag, a
character reference, a multi-byte character, a CR LF or a term cut in two)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.probes.base import FileResult, Verdict
from redline.probes.content_screen.html import style_blocks
from redline.probes.content_screen.probe import ContentScreenProbe
from redline.probes.content_screen.survey import _Styles, survey

TERMS = """测试违禁词\tdemo\thigh
示例敏感词
演示屏蔽项
spamword\tdemo\tlow
"""
COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
PLANTS = ("测试违禁词", "測試違禁詞", "示\u200b例敏\u200c感词", "演.示.屏.蔽.项", "ｓｐａｍｗｏｒｄ", "s p a m w o r d")
SPAM = (
    "北京，天津，上海，重庆，河北，山西，辽宁，吉林，黑龙江，江苏，浙江，安徽",
    "减肥|瘦身|美白|祛斑|丰胸|增高|壮阳|补肾|脱发|生发|祛痘|美容",
    "Здравствуйте это совершенно другой текст на русском языке для проверки",
)
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BORDERS = st.tuples(st.integers(1, 700), st.integers(120, 1500))  # block bytes, piece characters


def _sentence(rng: random.Random) -> str:
    text = "".join(rng.choice(COMMON) for _ in range(rng.randint(5, 60)))
    if rng.random() < 0.4:
        at = rng.randrange(len(text))
        text = text[:at] + rng.choice(PLANTS) + text[at:]
    return text + rng.choice(("。", "，", " AI ", "！"))


def _lines(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(SPAM) if rng.random() < 0.05 else _sentence(rng) for _ in range(count)]


def _page(rng: random.Random, paragraphs: int) -> str:
    out = ["<!DOCTYPE html><html><head><title>新闻</title><style>.gone { display: none }</style></head><body>"]
    for i in range(paragraphs):
        roll = rng.random()
        text = _sentence(rng).replace("。", "&#12290;").replace("，", "&amp;，")
        if roll < 0.1:
            out.append(f'<div class="gone">{text}<a href="http://x{i}.example/">{_sentence(rng)}</a></div>')
        elif roll < 0.15:
            out.append(f'<span style="font-size:0px">  {text}  </span>')
        elif roll < 0.2:
            out.append(f"<script>var s = '<p>{text}</p>';</script><!-- {text} -->")
        elif roll < 0.25:
            out.append(f"<style>#n{i} {{ color: #fff; background: white }}</style><p id=n{i}>{text}</p>")
        elif roll < 0.3:
            out.append(f"<ul><li>{rng.choice(SPAM)}</li></ul>")
        else:
            out.append(f"<p>{text}\n   <b>{_sentence(rng)}</b>\r\n{_sentence(rng)}</p>")
    if rng.random() < 0.5:
        out.append('<div hidden><p>测试违禁词 unclosed <a href="http://end.example/">')
    return "\n".join(out)


def _posts(rng: random.Random, count: int) -> str:
    out: list[str] = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.05:
            out.append("")
        elif roll < 0.1:
            out.append(json.dumps({"id": i}))
        else:
            text = "\n".join(_lines(rng, rng.randint(1, 3)))
            if rng.random() < 0.1:  # a line separator in a post: escaped, or it would end the line
                out.append(json.dumps({"id": i, "text": text.replace("，", "\u2028，", 1)}))
            else:
                out.append(json.dumps({"id": i, "text": text}, ensure_ascii=rng.random() < 0.3))
    return "".join(line + rng.choice(("\n", "\r\n")) for line in out)


def _probe(tmp_path: Path, block_bytes: int, chunk_chars: int) -> tuple[ContentScreenProbe, dict[str, str]]:
    terms = tmp_path / "terms.txt"
    terms.write_text(TERMS, encoding="utf-8")
    probe = ContentScreenProbe(chunk_chars=chunk_chars, context=64, workers=1, block_bytes=block_bytes)
    return probe, {"terms": str(terms)}


def _same(tmp_path: Path, path: Path, borders: tuple[int, int], **options: str) -> FileResult:
    probe, base = _probe(tmp_path, *borders)
    streamed = probe.check_file(path, {**base, **options})
    assert path.stat().st_size > probe.chunk_chars, "the file is not streamed: the test proves nothing"
    assert streamed == probe._whole(path, {**base, **options})
    return streamed


@SETTINGS
@given(seed=st.integers(0, 10**6), borders=BORDERS)
def test_an_html_page_in_blocks_gives_what_the_whole_page_gives(
    tmp_path: Path, seed: int, borders: tuple[int, int]
) -> None:
    path = tmp_path / "page.html"
    path.write_text(_page(random.Random(seed), 120), encoding="utf-8")
    _same(tmp_path, path, borders)


def test_an_html_page_finds_hidden_terms_links_and_spam_as_the_whole_page(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(_page(random.Random(11), 400), encoding="utf-8")
    probe, options = _probe(tmp_path, 997, 2000)
    streamed = probe.check_file(path, options)
    assert {"term", "hidden-text", "link-farm", "keyword-stuffing"} <= set(streamed.details["counts"])
    assert streamed.details["hidden"]
    assert streamed == probe._whole(path, options)
    two = ContentScreenProbe(chunk_chars=2000, context=64, workers=2, block_bytes=997)
    assert two.check_file(path, options) == streamed


@SETTINGS
@given(seed=st.integers(0, 10**6), borders=BORDERS)
def test_json_lines_in_blocks_give_what_the_whole_file_gives(
    tmp_path: Path, seed: int, borders: tuple[int, int]
) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(_posts(random.Random(seed), 150), encoding="utf-8", newline="")
    assert _same(tmp_path, path, borders).details["documents"] > 100


def test_a_bad_json_line_far_into_a_large_file_is_the_same_user_error(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(_posts(random.Random(2), 300) + '{"text": "断了\n', encoding="utf-8", newline="")
    probe, options = _probe(tmp_path, 333, 500)
    streamed = probe.check_file(path, options)
    assert streamed.verdict is Verdict.ERROR and streamed.details["input_error"]["line"] > 300
    assert streamed == probe._whole(path, options)
    assert ContentScreenProbe(chunk_chars=500, workers=2, block_bytes=333).check_file(path, options) == streamed


def test_json_lines_on_two_processes_give_what_one_gives(tmp_path: Path) -> None:
    path = tmp_path / "posts.ndjson"
    path.write_text(_posts(random.Random(4), 600), encoding="utf-8", newline="")
    probe, options = _probe(tmp_path, 4096, 800)
    one = probe.check_file(path, options)
    assert {"term", "keyword-stuffing", "link-farm"} <= set(one.details["counts"])
    assert ContentScreenProbe(chunk_chars=800, workers=2, block_bytes=4096).check_file(path, options) == one
    assert (
        ContentScreenProbe(chunk_chars=800, workers=2, max_listed=7).check_file(path, options).details["found"]
        == (one.details["found"][:7])
    )


@SETTINGS
@given(seed=st.integers(0, 10**6), borders=BORDERS)
def test_gb18030_text_in_blocks_gives_what_the_whole_file_gives(
    tmp_path: Path, seed: int, borders: tuple[int, int]
) -> None:
    path = tmp_path / "news.txt"
    path.write_bytes("\n".join(_lines(random.Random(seed), 200)).encode("gb18030"))
    assert survey(path, "auto", borders[0]).encoding == "gb18030"
    _same(tmp_path, path, borders)


@SETTINGS
@given(seed=st.integers(0, 10**6), borders=BORDERS, encoding=st.sampled_from(["utf-16", "utf-8-sig", "broken"]))
def test_other_encodings_in_blocks_give_what_the_whole_file_gives(
    tmp_path: Path, seed: int, borders: tuple[int, int], encoding: str
) -> None:
    path = tmp_path / "news.txt"
    text = "\n".join(_lines(random.Random(seed), 150))
    if encoding == "broken":  # mostly UTF-8 with a few bad bytes: screened with them replaced
        data = text.encode("utf-8")
        path.write_bytes(data[:500] + b"\xff\xfe" + data[500:900] + b"\xc3" + data[900:])
    else:
        path.write_text(text, encoding=encoding)
    _same(tmp_path, path, borders)


def test_a_large_binary_file_is_skipped_as_the_whole_file_path_skips_it(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(50_000))
    probe, options = _probe(tmp_path, 4096, 1000)
    streamed = probe.check_file(path, options)
    assert streamed.verdict is Verdict.INCONCLUSIVE and "png" in streamed.details["skipped"]
    assert streamed == probe._whole(path, options)


@SETTINGS
@given(seed=st.integers(0, 10**6), borders=BORDERS, fmt=st.sampled_from(["auto", "html", "text"]))
def test_a_page_without_a_name_that_says_html_is_sniffed_and_read_as_the_whole_file_is(
    tmp_path: Path, seed: int, borders: tuple[int, int], fmt: str
) -> None:
    path = tmp_path / "page.txt"
    path.write_text("\n" * random.Random(seed).randint(0, 900) + _page(random.Random(seed), 60), encoding="utf-8")
    _same(tmp_path, path, borders, format=fmt)


@settings(max_examples=200, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(["<style", "<STYLE a='1'", ">", "</style>", "</STYLE>", "</sty", "le>", "<", "x"])),
    cuts=st.lists(st.integers(0, 200)),
)
def test_style_blocks_cut_anywhere_are_those_of_the_whole_page(tokens: list[str], cuts: list[int]) -> None:
    page = " ".join(tokens) if tokens else ""
    styles = _Styles()
    at = 0
    for cut in sorted(cuts):
        styles.feed(page[at:cut])
        at = max(at, cut)
    styles.feed(page[at:], final=True)
    assert styles.blocks == style_blocks(page)
