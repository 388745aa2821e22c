"""The compiled matching engine (ahocorasick-rs) and the pure-Python one (REDLINE_PURE_PYTHON=1) give the
same findings, evasions included."""

from __future__ import annotations

import random
from pathlib import Path

import ahocorasick_rs
import pytest

from redline.probes.content_screen.engine import PureAutomaton, native
from redline.probes.content_screen.probe import ContentScreenProbe

TERMS = """测试违禁词\tdemo\thigh
示例敏感词
演示屏蔽项
abc禁词
spamword\tdemo\tlow
example banned phrase
"""
COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
EVASIONS = (
    ("测试违禁词", "測試違禁詞"),  # traditional
    ("示例敏感词", "示\u200b例\u200d敏感\ufeff词"),  # zero-width
    ("演示屏蔽项", "演.示.屏.蔽.项"),  # ASCII punctuation between Chinese characters
    ("spamword", "ｓｐａｍｗｏｒｄ"),  # full-width
    ("abc禁词", "ａ\u200bＢ\u200bｃ 禁 詞"),  # full-width, zero-width, spaces and traditional mixed
    ("example banned phrase", "example, banned  phrase"),
)


def _text(rng: random.Random, lines: int) -> str:
    out: list[str] = []
    for _ in range(lines):
        sentence = "".join(rng.choice(COMMON) for _ in range(rng.randint(10, 80)))
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(sentence))
            plain, evaded = rng.choice(EVASIONS)
            sentence = sentence[:at] + rng.choice((plain, evaded)) + sentence[at:]
        out.append(sentence + rng.choice(("。", "，", " AI ", "！")))
    return "\n".join(out) + "\n"


def test_the_pure_engine_finds_leftmost_longest_matches_as_ahocorasick_rs_does() -> None:
    rng = random.Random(11)
    for _ in range(300):
        patterns = sorted({"".join(rng.choice("ab测试") for _ in range(rng.randint(1, 4))) for _ in range(8)})
        haystack = "".join(rng.choice("ab测试 ") for _ in range(rng.randint(0, 60)))
        compiled = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        assert PureAutomaton(patterns).find_matches_as_indexes(haystack) == compiled.find_matches_as_indexes(haystack)


@pytest.mark.parametrize("chunk_chars", [1 << 20, 3000])
def test_both_engines_give_the_same_findings_on_evasions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_chars: int
) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text(TERMS, encoding="utf-8")
    path = tmp_path / "posts.txt"
    path.write_text(_text(random.Random(5), 800), encoding="utf-8")
    probe = ContentScreenProbe(chunk_chars=chunk_chars)
    options = {"terms": str(terms)}
    assert native()
    compiled = probe.check_file(path, options)
    monkeypatch.setenv("REDLINE_PURE_PYTHON", "1")
    assert not native()
    pure = probe.check_file(path, options)
    assert pure == compiled
    found = {f["normalised"] for f in compiled.details["found"] if f["kind"] == "term"}
    # a phrase is reported as the reader wrote it, separators and all
    forms = {"测试违禁词", "示例敏感词", "演示屏蔽项", "spamword", "abc禁词", "example banned phrase"}
    assert found == forms | {"example, banned  phrase"}


@pytest.mark.parametrize(("term", "evaded"), EVASIONS)
@pytest.mark.parametrize("pure", ["0", "1"])
def test_each_evasion_is_found_by_either_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, term: str, evaded: str, pure: str
) -> None:
    monkeypatch.setenv("REDLINE_PURE_PYTHON", pure)
    terms = tmp_path / "terms.txt"
    terms.write_text(TERMS, encoding="utf-8")
    path = tmp_path / "post.txt"
    text = f"今天发布的公告中出现了{evaded}这样的写法。\n"
    path.write_text(text, encoding="utf-8")
    found = [f for f in ContentScreenProbe().check_file(path, {"terms": str(terms)}).details["found"]]
    assert [(f["kind"], text[f["start"] : f["end"]]) for f in found] == [("term", evaded)]
