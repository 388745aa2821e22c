"""A large text file is screened in bounded pieces: what it finds is what the whole-file path finds, a term
across a piece border is found once, and the pieces stay the size asked for."""

from __future__ import annotations

import random
from pathlib import Path

from redline.probes.base import FileResult
from redline.probes.content_screen.probe import ContentScreenProbe
from redline.probes.content_screen.stream import pieces

TERMS = """测试违禁词\tdemo\thigh
示例敏感词
演示屏蔽项
spamword\tdemo\tlow
example banned phrase
[regex]
demo-\\d{4}-code\tcode\tmedium
"""
COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
PLANTS = (
    "测试违禁词",
    "測試違禁詞",  # traditional
    "示\u200b例敏\u200c感词",  # zero-width
    "演.示.屏.蔽.项",  # ASCII punctuation between characters
    "ｓｐａｍｗｏｒｄ",  # full-width
    "s p a m w o r d",
    "example  banned phrase",
    "demo-2024-code",
)
SPAM_LINES = (
    "北京，天津，上海，重庆，河北，山西，辽宁，吉林，黑龙江，江苏，浙江，安徽",  # link farm
    "减肥|瘦身|美白|祛斑|丰胸|增高|壮阳|补肾|脱发|生发|祛痘|美容",  # keyword stuffing
    "Здравствуйте это совершенно другой текст на русском языке для проверки",  # script change
)


def _text(rng: random.Random, lines: int) -> str:
    out: list[str] = []
    for _ in range(lines):
        if rng.random() < 0.03:
            out.append(rng.choice(SPAM_LINES))
            continue
        sentence = "".join(rng.choice(COMMON) for _ in range(rng.randint(20, 120)))
        if rng.random() < 0.4:
            at = rng.randrange(len(sentence))
            sentence = sentence[:at] + rng.choice(PLANTS) + sentence[at:]
        out.append(sentence + rng.choice(("。", "，", " AI ", "！")))
    return "\n".join(out) + "\n"


def _probe(tmp_path: Path, chunk_chars: int, context: int = 64) -> tuple[ContentScreenProbe, dict[str, str]]:
    terms = tmp_path / "terms.txt"
    terms.write_text(TERMS, encoding="utf-8")
    return ContentScreenProbe(chunk_chars=chunk_chars, context=context), {"terms": str(terms)}


def _kinds(result: FileResult) -> list[tuple[str, int, int]]:
    return [(f["kind"], f["start"], f["end"]) for f in result.details["found"]]


def test_a_large_file_in_pieces_gives_exactly_what_the_whole_file_gives(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text(_text(random.Random(7), 3000), encoding="utf-8")
    probe, options = _probe(tmp_path, chunk_chars=4000)
    assert len(list(pieces(path, 4000, 64))) > 20
    streamed = probe.check_file(path, options)  # on a process a core
    whole = probe._whole(path, options)
    assert streamed == whole
    assert ContentScreenProbe(chunk_chars=4000, context=64, workers=1).check_file(path, options) == whole
    assert {"term", "link-farm", "keyword-stuffing", "script-change"} <= set(whole.details["counts"])


def test_a_term_across_a_piece_border_is_found_once(tmp_path: Path) -> None:
    path = tmp_path / "border.txt"
    line = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    # the spaced term runs over line feeds, where the pieces are cut; planted at every line end of a stretch
    text = "".join(line + "演\n示\n屏\n蔽\n项" + line + "\n" for _ in range(40))
    path.write_text(text, encoding="utf-8")
    probe, options = _probe(tmp_path, chunk_chars=350)
    borders = [p.base + p.own_end for p in pieces(path, 350, 64)][:-1]
    starts = [i for i in range(len(text)) if text.startswith("演\n示", i)]
    assert any(s < b < s + 9 for b in borders for s in starts), "no plant crosses a border: the test proves nothing"
    found = [(start, end) for kind, start, end in _kinds(probe.check_file(path, options)) if kind == "term"]
    assert found == [(s, s + 9) for s in starts]


def test_a_line_longer_than_several_pieces_is_cut_and_its_terms_found_once(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    text = ("的一是在不了有和人这中大为上个国我以要他时来用们生测试违禁词" * 200).strip()
    path.write_text(text, encoding="utf-8")
    probe, options = _probe(tmp_path, chunk_chars=250)
    streamed = probe.check_file(path, options)
    assert [k for k in _kinds(streamed) if k[0] == "term"] == [
        ("term", i, i + 5) for i in range(len(text)) if text.startswith("测试违禁词", i)
    ]
    assert streamed.details["found"][:200] == probe._whole(path, options).details["found"][:200]


def test_pieces_own_every_character_once_and_stay_bounded(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    text = _text(random.Random(3), 2000)
    path.write_text(text, encoding="utf-8")
    parts = list(pieces(path, 1000, 64))
    assert "".join(p.text[p.own_start : p.own_end] for p in parts) == text
    assert all(p.text == text[p.base : p.base + len(p.text)] for p in parts)
    assert max(len(p.text) for p in parts) <= 1000 + 2 * 64
    assert all(p.text[p.own_end - 1] == "\n" for p in parts)


def test_a_file_with_more_findings_than_the_cap_lists_the_first_and_counts_all(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text(_text(random.Random(5), 3000), encoding="utf-8")
    terms = tmp_path / "terms.txt"
    terms.write_text(TERMS, encoding="utf-8")
    options = {"terms": str(terms)}
    everything = ContentScreenProbe(chunk_chars=4000, context=64, max_listed=10**6)._whole(path, options)
    capped = ContentScreenProbe(chunk_chars=4000, context=64, max_listed=50)
    streamed = capped.check_file(path, options)
    assert streamed == capped._whole(path, options)
    total = len(everything.details["found"])
    assert total > 50
    assert streamed.details["found"] == everything.details["found"][:50]
    assert streamed.details["counts"] == everything.details["counts"]
    assert (streamed.details["found_total"], streamed.details["found_cap"]) == (total, 50)
    more = streamed.findings[-1]
    assert more.code == "content.found.more" and more.params["more"] == str(total - 50)
