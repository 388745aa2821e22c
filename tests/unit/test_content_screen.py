"""The content-screen probe on fixtures written here: evasions caught at their original ranges, injected
spam found, ordinary news prose left alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.base import Verdict
from redline.probes.content_screen.html import extract
from redline.probes.content_screen.matcher import Screen, compiled
from redline.probes.content_screen.normalise import Options, normalise
from redline.probes.content_screen.probe import SPAM_CLAUSE, TERM_CLAUSE, ContentScreenProbe
from redline.probes.content_screen.spam import find_spam
from redline.probes.content_screen.terms import load_terms

TERMS = """# neutral test terms
测试违禁词\tdemo\thigh
示例敏感词
spamword\tdemo\tlow
example banned phrase
天津河北
[regex]
demo-\\d{4}-code\tcode\tmedium
"""
NEWS_ZH = (
    "新华社北京3月5日电 第十四届全国人民代表大会第二次会议5日上午在人民大会堂开幕。"
    "国务院总理在政府工作报告中说，今年国内生产总值增长预期目标为5%左右，城镇新增就业1200万人以上。\n"
    "报告指出，过去一年，我国经济总体回升向好，高质量发展扎实推进。北京、天津、河北、山西、内蒙古、辽宁、吉林、"
    "黑龙江等8省份已启动应急响应，各地加强了对钢铁、煤炭、有色、建材、化工、石化等行业的监测。\n"
    "记者从市交通委获悉，今年春运期间，全市累计发送旅客约3200万人次，同比增长12.5%。"
    "地铁1号线、2号线、4号线和10号线在高峰时段加密了班次，平均间隔缩短至2分钟。\n"
    "专家表示，人工智能、大数据和云计算等新技术正在改变传统产业，但也带来了数据安全和个人信息保护方面的新挑战。"
)
NEWS_EN = (
    "WASHINGTON (Reuters) - The Federal Reserve held interest rates steady on Wednesday, but signaled that it "
    "still expects to cut borrowing costs later this year as inflation continues to ease.\n"
    '"We are not far from the point where it will be appropriate to dial back," the chair told reporters after '
    "the two-day meeting. Stocks rose modestly on the news, with the S&P 500 closing up 0.9%.\n"
    "Officials in California, Texas, Florida, New York, Illinois, Ohio and Georgia said they would review the new "
    "guidance, which was published on the agency's website, www.example.gov, late on Tuesday.\n"
    "Global Markets Rally As Tech Stocks Surge\n"
    "The company, based in Seattle, reported revenue of $143.1 billion for the quarter, beating analysts' "
    "expectations of $142 billion, according to data compiled by LSEG."
)
STUFFED = "减肥药,减肥茶,快速减肥,瘦身,瘦身产品,减肥方法,最有效的减肥,丰胸,美白,祛斑,增高"
FOOTER = (
    "北京SEO|上海SEO|广州SEO|深圳SEO|杭州SEO|南京SEO|武汉SEO|成都SEO|西安SEO|苏州SEO|郑州SEO|"
    "example-pool.com|www.site-a.cn|seo.top"
)


@pytest.fixture
def terms(tmp_path: Path) -> Path:
    path = tmp_path / "terms.txt"
    path.write_text(TERMS, encoding="utf-8")
    return path


@pytest.fixture
def screen(terms: Path) -> Screen:
    return compiled(terms, Options())


def spans(screen: Screen, text: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.normalised) for m in screen.find(text)]


def run(path: Path, **options: Any) -> list[dict[str, Any]]:
    result = ContentScreenProbe().check_file(path, options)
    assert result.verdict is not Verdict.ERROR, result.findings
    found: list[dict[str, Any]] = result.details["found"]
    return found


@pytest.mark.parametrize(
    ("text", "start", "end", "form"),
    [
        ("他说：測試違禁詞。", 3, 8, "测试违禁词"),  # traditional characters
        ("buy ＳＰＡＭＷＯＲＤ now", 4, 12, "spamword"),  # full-width letters
        ("注意测\u200b试违\u200d禁\ufeff词。", 2, 10, "测试违禁词"),  # zero-width characters inside the term
        ("前文测*试*违*禁*词后文", 2, 11, "测试违禁词"),  # separators between the characters
        ("x 示-例·敏_感 词 y", 2, 11, "示例敏感词"),  # mixed separators
        ("a s p a m w o r d b", 2, 17, "spamword"),  # spaced-out letters
        ("cheap s\u0440amword here", 6, 14, "spamword"),  # Cyrillic р for Latin p
        ("Spam\u200bWord!", 0, 9, "spamword"),
        ("an Example  Banned-Phrase.", 3, 25, "example  banned-phrase"),
        ("see DEMO-2024-CODE", 4, 18, "demo-2024-code"),  # regular expression from the [regex] section
    ],
)
def test_each_evasion_is_caught_at_its_original_range(
    screen: Screen, text: str, start: int, end: int, form: str
) -> None:
    assert spans(screen, text) == [(start, end, form)]


def test_each_normalisation_can_be_turned_off(terms: Path) -> None:
    assert compiled(terms, Options(t2s=False)).find("測試違禁詞") == []
    assert compiled(terms, Options(nfkc=False, width=False)).find("ＳＰＡＭＷＯＲＤ") == []
    assert compiled(terms, Options(invisible=False)).find("测\u200b试违禁词") == []
    assert compiled(terms, Options(homoglyphs=False)).find("s\u0440amword") == []
    assert compiled(terms, Options(), separators=False).find("测*试*违*禁*词") == []


def test_latin_terms_match_whole_words_only(screen: Screen) -> None:
    assert screen.find("spamwords and classspamword") == []


def test_russian_prose_keeps_its_letters(screen: Screen) -> None:
    assert normalise("Россия и мир").text == "россия и мир"


def test_ordinary_chinese_and_english_news_is_not_flagged(screen: Screen, tmp_path: Path) -> None:
    for name, text in (("zh.txt", NEWS_ZH), ("en.txt", NEWS_EN), ("both.txt", NEWS_ZH + "\n" + NEWS_EN)):
        assert screen.find(text) == []
        assert find_spam(text) == []
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = ContentScreenProbe().check_file(path, {"terms": str(tmp_path / "terms.txt")})
        assert result.verdict is Verdict.COMPLIANT, result.findings


def news_page(head_line: str, footer: str, hidden: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in NEWS_ZH.split("\n"))
    return (
        f"<!DOCTYPE html><html><head><title>新闻</title><style>.seo {{display:none}}</style></head><body>\n"
        f'<div class="keywords">{head_line}</div>\n<h1>政府工作报告发布</h1>\n{paragraphs}{hidden}'
        f'<div class="footer">{footer}</div></body></html>'
    )


def test_a_news_page_with_a_stuffed_first_line_and_a_spider_pool_footer_is_flagged_at_those_ranges(
    tmp_path: Path,
) -> None:
    html = news_page(STUFFED, FOOTER)
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    text = extract(html).text
    found = [(f["kind"], f["start"], f["end"]) for f in run(path)]
    stuffed, footer = text.index(STUFFED), text.index(FOOTER)
    assert found == [("keyword-stuffing", stuffed, stuffed + len(STUFFED)), ("link-farm", footer, footer + len(FOOTER))]
    result = ContentScreenProbe().check_file(path, {})
    assert {f.clause for f in result.findings} == {SPAM_CLAUSE}
    assert result.findings[0].location == f"{path}#{stuffed}-{stuffed + len(STUFFED)}"


def test_a_block_of_latin_gibberish_in_a_chinese_page_is_a_script_change() -> None:
    gibberish = "Xkqz vrtplm qwerzx bnmvc lkjhgf poiuyt zxcvbn mnbvcx asdfgh qwerty uiopas dfghjk"
    text = NEWS_ZH + "\n" + gibberish + "\n"
    found = find_spam(text)
    assert [(f.kind, f.start, f.end) for f in found] == [
        ("script-change", text.index(gibberish), text.index(gibberish) + len(gibberish))
    ]


def test_hidden_text_with_links_or_terms_is_reported_as_hidden(tmp_path: Path, terms: Path) -> None:
    hidden = (
        '<div class="seo"><a href="http://pool.example">链接</a> 测试违禁词</div>\n'
        '<p style="font-size:1px">tiny note</p>\n<p style="color:#fff;background-color:#ffffff">'
        '<a href="http://white.example">white</a></p>\n<p hidden>plain hidden words</p>\n'
    )
    html = news_page("今日要闻", "版权所有", hidden)
    path = tmp_path / "hidden.html"
    path.write_text(html, encoding="utf-8")
    result = ContentScreenProbe().check_file(path, {"terms": str(terms)})
    text = extract(html).text
    by_kind = {(f["kind"], f["start"], f["end"]) for f in result.details["found"]}
    term_at = text.index("测试违禁词")
    assert ("term", term_at, term_at + 5) in by_kind
    assert ("hidden-text", text.index("链接"), term_at + 5) in by_kind
    white = text.index("white")
    assert ("hidden-text", white, white + 5) in by_kind
    reasons = {h["reason"] for h in result.details["hidden"]}
    assert reasons == {"display:none", "font-size:1px", "colour same as background (#fff)", "hidden attribute"}
    messages = [f.message for f in result.findings if "hidden text" in f.message]
    assert any("display:none" in m for m in messages)
    assert next(f for f in result.findings if "term" in f.message).clause == TERM_CLAUSE


def test_json_lines_are_screened_one_post_at_a_time_in_the_chosen_field(tmp_path: Path, terms: Path) -> None:
    posts = [
        {"id": 1, "content": "今天天气很好。"},
        {"id": 2, "content": "卖测*试*违*禁*词啦"},
        {"id": 3},
        {"id": 4, "content": "ok ＳＰＡＭＷＯＲＤ"},
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n", encoding="utf-8")
    result = ContentScreenProbe().check_file(path, {"terms": str(terms), "field": "content"})
    assert [(f.location, f.severity) for f in result.findings] == [
        (f"{path}:2#1-10", Severity.HIGH),
        (f"{path}:4#3-11", Severity.LOW),
    ]
    assert "测试违禁词" in result.findings[0].message and "测*试*违*禁*词" in result.findings[0].message
    assert result.details["documents"] == 3


def test_a_csv_term_list_gives_categories_severities_and_regexes(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("term,category,severity\n示例敏感词,demo,critical\nre:ab+c,pattern,\n", encoding="utf-8")
    listed = load_terms(path)
    assert [(t.text, t.category, t.severity, t.regex) for t in listed.terms] == [
        ("示例敏感词", "demo", Severity.CRITICAL, False),
        ("ab+c", "pattern", Severity.MEDIUM, True),
    ]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("ok\n[regex]\nfine\\d+\nbad(regex\n", 4, "bad regular expression"),
        ("ok\tcat\tsevere\n", 1, "unknown severity"),
    ],
)
def test_a_bad_term_list_names_the_file_and_line(tmp_path: Path, content: str, line: int, words: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert caught.value.source == str(path) and caught.value.line == line and words in caught.value.message
    probe = ContentScreenProbe()
    text = tmp_path / "a.txt"
    text.write_text("hello", encoding="utf-8")
    result = probe.check_file(text, {"terms": str(path)})
    with pytest.raises(InputError):
        probe.summarise([result])


def test_without_a_term_list_the_neutral_demo_list_is_used(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("这里有示例敏感词。", encoding="utf-8")
    assert [(f["start"], f["end"]) for f in run(path)] == [(3, 8)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_normalisation_never_raises_and_maps_every_character_back_in_order(text: str) -> None:
    norm = normalise(text)
    starts = [norm.offsets.start(i) for i in range(len(norm.text))]
    ends = [norm.offsets.end(i) for i in range(len(norm.text))]
    assert starts == sorted(starts)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends, strict=True))
    assert ends == sorted(ends)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("测试违禁词 *·-_\u200b測試ab\u0440 "), max_size=40))
def test_matches_always_lie_inside_the_original_text(text: str) -> None:
    screen = compiled(
        Path(__file__).resolve().parents[2] / "src/redline/probes/content_screen/data/demo_terms.txt", Options()
    )
    for match in screen.find(text):
        assert 0 <= match.start < match.end <= len(text)
