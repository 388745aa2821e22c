"""Verdicts issue 20 found missed on independent samples: each sample is made here, from the statute and the
label facts, not copied from anywhere."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from redline.domain.assessment import Severity
from redline.probes.aigc import carriers
from redline.probes.aigc.probe import AigcLabelProbe
from redline.probes.base import Verdict
from redline.probes.content_screen.probe import ContentScreenProbe

PRODUCER = "001191110102MACQD9K64010000"


def _jpeg(exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def _labelled(tmp_path: Path, fields: dict[str, str]) -> Path:
    write = carriers.writer("jpeg")
    assert write is not None
    path = tmp_path / "picture.jpg"
    path.write_bytes(write(_jpeg(), json.dumps({"AIGC": fields}, separators=(",", ":"))))
    return path


def _not_yet_propagated() -> dict[str, str]:
    return {
        "Label": "1",
        "ContentProducer": PRODUCER,
        "ProduceID": "img-20260101-0001",
        "ReservedCode1": "",
        "ContentPropagator": "",
        "PropagateID": "",
        "ReservedCode2": "",
    }


def test_a_label_not_yet_propagated_is_compliant_with_a_warning(tmp_path: Path) -> None:
    result = AigcLabelProbe().check_file(_labelled(tmp_path, _not_yet_propagated()), {})
    assert result.verdict is Verdict.COMPLIANT
    warnings = [f for f in result.findings if "ContentPropagator" in f.message or "PropagateID" in f.message]
    assert len(warnings) == 2
    assert {f.severity for f in warnings} == {Severity.LOW}
    assert result.details["labels"][0]["problems"] == []


def test_strict_propagation_calls_the_same_label_non_compliant(tmp_path: Path) -> None:
    result = AigcLabelProbe().check_file(_labelled(tmp_path, _not_yet_propagated()), {"strict_propagation": True})
    assert result.verdict is Verdict.NON_COMPLIANT
    assert {f.severity for f in result.findings} == {Severity.HIGH}


def test_an_empty_producer_is_still_non_compliant_without_strictness(tmp_path: Path) -> None:
    fields = {**_not_yet_propagated(), "ContentProducer": ""}
    assert AigcLabelProbe().check_file(_labelled(tmp_path, fields), {}).verdict is Verdict.NON_COMPLIANT


def _comment(text: str) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\x00\x00\x00" + text.encode("ascii")
    return exif


def test_an_exif_usercomment_holding_the_word_aigc_is_no_label_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "mention.jpg"
    path.write_bytes(_jpeg(_comment("AIGC")))
    result = AigcLabelProbe().check_file(path, {})
    assert result.verdict is Verdict.NO_LABEL
    assert not any("JSON" in f.message for f in result.findings)
    assert any("AIGC" in note for note in result.details["notes"])


def test_an_exif_usercomment_with_a_broken_label_object_is_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(_jpeg(_comment('{"AIGC":{"Label":"1",')))
    result = AigcLabelProbe().check_file(path, {})
    assert result.verdict is Verdict.NON_COMPLIANT
    assert any("not valid JSON" in f.message for f in result.findings)


def _screen(tmp_path: Path, text: str, name: str = "page.txt") -> list[dict[str, Any]]:
    terms = tmp_path / "terms.txt"
    terms.write_text("演示屏蔽项\nabc禁词\n", encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = ContentScreenProbe().check_file(path, {"terms": str(terms)})
    assert result.verdict is not Verdict.ERROR, result.findings
    found: list[dict[str, Any]] = result.details["found"]
    return found


@pytest.mark.parametrize(
    "evasion",
    [
        "演.示.屏.蔽.项",  # ASCII punctuation between the characters
        "演．示．屏．蔽．项",  # full-width full stops
        "演,示-屏/蔽.项",  # mixed punctuation
        "ａ\u200bＢ\u200bｃ 禁 詞",  # full-width Latin, zero-width spaces, spaces and a traditional character
        "abc 禁词",
        "ＡＢＣ\u200d禁\u3000詞",  # ideographic space, zero-width joiner
    ],
)
@pytest.mark.parametrize("sentence", ["昨天的帖子写道：{}，然后就删除了。\n", "昨天的帖子写道{}然后就删除了。\n"])
def test_an_evasion_inside_a_sentence_is_found_at_the_characters_the_reader_sees(
    tmp_path: Path, evasion: str, sentence: str
) -> None:
    text = sentence.format(evasion)
    found = [f for f in _screen(tmp_path, text) if f["kind"] == "term"]
    assert len(found) == 1, found
    assert text[found[0]["start"] : found[0]["end"]] == evasion


def test_ordinary_prose_with_punctuation_and_latin_words_holds_no_term(tmp_path: Path) -> None:
    text = (
        "演示了屏蔽功能，但是项目还没有完成。我们用 abc 测试了禁止词语的列表。\n"
        "版本号 v1.2.3 发布于 2026.01.05，演示地址见 docs.example.cn。\n"
    )
    assert [f for f in _screen(tmp_path, text) if f["kind"] == "term"] == []


NEWS_BODY = (
    "本报讯 今天上午，市政府召开新闻发布会，介绍了今年城市建设的进展情况。"
    "记者了解到，全市新建道路一百二十公里，新增公园绿地三十处。\n市民表示，出行比以前方便多了。\n"
)


@pytest.mark.parametrize(
    "title",
    [
        "澳门新葡京娱乐场官网入口,2026最新真人百家乐平台推荐,免费高清成人视频在线观看,日本无码av在线播放网站",
        "在线赌场，成人视频，百家乐，黄色网站，色情直播",
    ],
)
def test_a_news_page_whose_first_line_is_stuffed_with_vice_search_phrases_is_injected_spam(
    tmp_path: Path, title: str
) -> None:
    found = _screen(tmp_path, f"{title}\n{NEWS_BODY}")
    stuffed = [f for f in found if f["kind"] == "title-stuffing"]
    assert len(stuffed) == 1
    assert (stuffed[0]["start"], stuffed[0]["end"]) == (0, len(title))


@pytest.mark.parametrize(
    "title",
    [
        "公安部：严厉打击网络赌博、电信诈骗、色情直播等违法犯罪",
        "警方捣毁一个网络赌博团伙，查获赌资三百万元，抓获嫌疑人十二名",
        "北京，上海，广州，深圳四地同步发布新规",
    ],
)
def test_a_headline_about_gambling_or_pornography_is_not_title_stuffing(tmp_path: Path, title: str) -> None:
    assert [f for f in _screen(tmp_path, f"{title}\n{NEWS_BODY}") if f["kind"] == "title-stuffing"] == []
