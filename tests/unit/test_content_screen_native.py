"""The compiled hot paths of content-screen (`_fast.c`) give exactly what the pure-Python path gives
(REDLINE_PURE_PYTHON=1), on generated text full of what evaders and spammers write: Chinese and Latin runs
split by spaces, punctuation, symbols, zero-width and full-width characters, line breaks of every kind,
place names and sites, letters of other scripts; and so do whole files cut in pieces at any border."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.domain.assessment import Severity
from redline.probes.content_screen import fast, matcher, scripts, spam
from redline.probes.content_screen.normalise import Options, normalise
from redline.probes.content_screen.probe import ContentScreenProbe
from redline.probes.content_screen.terms import Term, TermList

pytestmark = pytest.mark.skipif(fast.compiled() is None, reason="the C extension is not built here")

T = TypeVar("T")
PIECES = (
    *"演示屏蔽项测试违禁词的一是在中国人市场",
    *"abcsamwordspam019",
    *" \t\n\r\u3000\u2028\x0b",
    *".,-*_|/·•、，。！？；：",
    *"★×@#%~",
    "\u200b",
    "\u200d",
    "ａ",
    "Ｂ",
    "詞",
    "é",
    "\u0301",
    "Σ",
    "\U00020001",
    "Здравствуйте ",
    "北京",
    "黑龙江",
    "杭州市",
    "论坛",
    "www.",
    "http://",
    ".com",
    ".cn",
    "HTTPS://",
    "\r\n",
)
TEXT = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
RUNS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)
LINES = st.lists(
    st.one_of(TEXT, st.lists(RUNS, min_size=8, max_size=24).map("，".join), st.lists(RUNS, min_size=9).map("|".join)),
    max_size=8,
).map("\n".join)
TERMS = "测试违禁词\n演示屏蔽项\nabc禁词\nspamword\n中国人\nexample banned phrase\n[regex]\nsam\\d+\n"


@contextmanager
def _pure_python() -> Iterator[None]:
    before = os.environ.get("REDLINE_PURE_PYTHON")
    os.environ["REDLINE_PURE_PYTHON"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["REDLINE_PURE_PYTHON"]
        else:
            os.environ["REDLINE_PURE_PYTHON"] = before


def _both(work: Callable[[], T]) -> tuple[T, T]:
    compiled = work()
    with _pure_python():
        return compiled, work()


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_spaced_regions_are_those_of_the_regular_expressions(text: str) -> None:
    native, pure = _both(lambda: matcher.regions(text.lower()))
    assert native == pure


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_letters_of_spaced_regions_and_their_offsets_are_the_same(text: str) -> None:
    text = text.lower()
    for inner, longest in (("", 1), ("示屏蔽项a", 5), ("演示屏蔽项测试违禁词abc", 3), ("x", 10**6)):
        native, pure = _both(lambda: fast.bare_text(text, matcher.regions(text), inner, longest))  # noqa: B023
        assert native[0] == pure[0]
        assert list(native[1]) == list(pure[1])


@st.composite
def _terms_and_text(draw: st.DrawFn) -> tuple[list[str], str]:
    """Terms over a few letters, and text of fillers, separators and those terms, whole or split once."""
    terms = draw(st.lists(st.text("演示屏蔽ab", min_size=3, max_size=6), min_size=1, max_size=6))
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 14))):
        term = draw(st.sampled_from(terms))
        cut = draw(st.integers(1, len(term) - 1))
        split = term[:cut] + draw(st.sampled_from([" ", "*", ".", "  ", "\n"])) + term[cut:]
        parts.append(draw(st.sampled_from([split, term, "的", "一是", " ", "，", "\n", "演", " a "])))
    return terms, "".join(parts)


@settings(max_examples=500, deadline=None)
@given(_terms_and_text())
def test_matches_across_separators_are_those_of_whole_regions_when_only_windows_are_scanned(
    terms_and_text: tuple[list[str], str],
) -> None:
    terms, text = terms_and_text
    listed = TermList("terms", tuple(Term(t, "demo", Severity.MEDIUM, n) for n, t in enumerate(terms, 1)))
    screen = matcher.Screen(listed, Options())
    norm = normalise(text)
    windowed = list(screen._spaced_matches(norm))
    screen._longest = 10**6  # one window: each whole region
    assert windowed == list(screen._spaced_matches(norm))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_letters_are_counted_by_script_in_the_same_order(text: str) -> None:
    native, pure = _both(lambda: list(scripts.count_scripts(text).items()))
    assert native == pure


@settings(max_examples=300, deadline=None)
@given(LINES, st.sampled_from(["", "\n", "  \r\n"]))
def test_spam_findings_are_the_same_when_c_picks_the_lines(text: str, blank: str) -> None:
    text = blank + text
    total = scripts.count_scripts(text)
    native, pure = _both(lambda: spam.spam_in_lines(text, 7, total, 7 + spam.first_visible(text)))
    assert native == pure


def test_a_stuffed_line_among_news_is_found_by_both_paths() -> None:
    news = "今天上午，市政府召开新闻发布会，介绍了今年的城市建设计划和主要任务。\n" * 20
    stuffed = "减肥|瘦身|美白|祛斑|丰胸|增高|壮阳|补肾|脱发|生发|祛痘|美容\n"
    native, pure = _both(lambda: spam.find_spam(news + stuffed + news))
    assert native == pure
    assert [f.kind for f in native] == ["keyword-stuffing"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES, min_size=1, max_size=6).map("\n".join), st.integers(min_value=40, max_value=400))
def test_a_file_in_pieces_gives_the_same_findings_on_both_paths(tmp_path: Path, text: str, chunk: int) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text(TERMS, encoding="utf-8")
    path = tmp_path / "posts.txt"
    path.write_text(text, encoding="utf-8")
    probe = ContentScreenProbe(chunk_chars=chunk, context=32, workers=1)
    native, pure = _both(lambda: probe.check_file(path, {"terms": str(terms)}))
    assert native == pure
    with _pure_python():
        assert probe._whole(path, {"terms": str(terms)}) == pure


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "İ", "Ω", "Ａ", "ﬁ", "①", "\U0001d400", "Ⅻ"]), max_size=60).map("".join))
def test_normalised_text_and_offsets_are_the_same(text: str) -> None:
    for options in (Options(), Options(nfkc=False), Options(t2s=False, width=False)):
        native, pure = _both(lambda: normalise(text, options))  # noqa: B023 (called at once)
        assert (native.text, native.offsets) == (pure.text, pure.offsets)
