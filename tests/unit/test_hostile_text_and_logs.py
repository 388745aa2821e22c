"""Hostile logs and texts: any bytes in a log end in counted lines (parsed, unparsed, blank or too long),
any Unicode in a text ends in matches whose offsets point back into the original, inside its bounds, at a
slice that normalises to the matched form; term lists and JSON lines load or fail naming file and line."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.content_screen.html import extract
from redline.probes.content_screen.inputs import documents
from redline.probes.content_screen.matcher import SEPARATORS, Screen
from redline.probes.content_screen.normalise import Options, normalise, normalise_term
from redline.probes.content_screen.terms import DEMO_TERMS, Term, TermList, load_terms
from redline.probes.log_retention.probe import LogRetentionProbe

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TERMS = ["测试违禁词", "spamword", "example banned phrase", "ass", "微信", "ab", "kill", "法輪", "é", "ﬁx"]
SCREEN = Screen(
    TermList(
        "t",
        (
            *(Term(t, "c", Severity.LOW, i) for i, t in enumerate(TERMS, 1)),
            Term(r"demo-\d{4}", "c", Severity.LOW, 99, regex=True),
        ),
    ),
    Options(),
)
# Text built from the pieces evaders use around the terms: the terms themselves, separators, invisible
# and combining characters, full-width and Cyrillic look-alikes, and any other character.
pieces = st.one_of(
    st.sampled_from(
        [
            *TERMS,
            "s p a m w o r d",
            "测 试 违 禁 词",
            "\u200b",
            "\u0301",
            "ＳＰＡＭ",
            "ѕрам",
            "İ",
            "ß",
            "*",
            " ",
            "\n",
            "cl",
            "demo-1234",
        ]
    ),
    st.text(max_size=4),
)
texts = st.lists(pieces, max_size=12).map("".join)


# --- text ----------------------------------------------------------------------------------------


def _check_matches(text: str) -> None:
    for match in SCREEN.find(text):
        assert 0 <= match.start < match.end <= len(text), (match, len(text))
        if match.term.regex:
            continue
        back = normalise_term(text[match.start : match.end], SCREEN.options)
        form = SEPARATORS.sub("", back) if match.spaced else back
        wanted = SEPARATORS.sub("", match.normalised) if match.spaced else match.normalised
        # a cluster (a character and its combining marks) maps back whole, so the slice may hold a mark more
        assert wanted in form, (text, match)
        assert wanted in {SEPARATORS.sub("", normalise_term(t)) if match.spaced else normalise_term(t) for t in TERMS}


@FUZZ
@given(texts)
def test_every_match_points_back_to_an_original_slice_that_normalises_to_the_term(text: str) -> None:
    _check_matches(text)


@FUZZ
@given(st.text(max_size=200))
def test_arbitrary_unicode_is_screened_without_error_and_offsets_stay_in_bounds(text: str) -> None:
    _check_matches(text)
    norm = normalise(text)
    for i in range(len(norm.text)):
        start, end = norm.original_span(i, i + 1)
        assert 0 <= start < end <= len(text)


@FUZZ
@given(st.text(max_size=300))
def test_a_term_list_of_any_text_loads_or_fails_naming_file_and_line(text: str) -> None:
    for suffix in (".txt", ".csv"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"terms{suffix}"
            path.write_text(text, encoding="utf-8")
            try:
                terms = load_terms(path)
            except InputError as exc:
                assert exc.source == str(path)
                continue
            assert terms.terms and all(t.text for t in terms.terms)
            Screen(terms, SCREEN.options).find(text)


@FUZZ
@given(st.text(max_size=300))
def test_any_html_is_extracted_with_hidden_ranges_inside_the_text(html: str) -> None:
    page = extract(html)
    for hidden in page.hidden:
        assert 0 <= hidden.start <= hidden.end <= len(page.text)
    _check_matches(page.text)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["auto", "text", "html", "jsonl"]))
def test_any_bytes_become_documents_or_a_located_json_lines_error(data: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.jsonl"
        path.write_bytes(data)
        try:
            for document in documents(path, fmt):
                assert isinstance(document.text, str)
        except InputError as exc:  # a JSON line named by number, or a binary file named as such
            assert exc.source == str(path)
            assert exc.line is not None or exc.message.startswith("not a text file: "), exc.message


def test_the_demo_term_list_still_loads() -> None:
    assert load_terms(DEMO_TERMS).terms


# --- logs ----------------------------------------------------------------------------------------

GOOD = [
    '203.0.113.9 - alice [10/Jan/2026:08:00:00 +0800] "GET / HTTP/1.1" 200 12 "-" "curl"',
    '{"time": "2026-01-10T08:00:00+08:00", "user": "alice", "method": "GET", "ip": "203.0.113.9"}',
    "time,user,method,ip",
    "2026-01-10T08:00:00,alice,GET,203.0.113.9",
]
lines = st.one_of(
    st.sampled_from([g.encode() for g in GOOD]),
    st.binary(max_size=60),
    st.builds(lambda a, b: a + b, st.sampled_from([g.encode() for g in GOOD]), st.binary(max_size=8)),
)
log_bytes = st.lists(lines, max_size=12).map(b"\n".join)
OPTIONS = [
    {"format": "auto"},
    {"format": "combined"},
    {"format": "json"},
    {"format": "csv"},
    {"format": "nginx", "log_format": "'$remote_addr [$time_local] \"$request\" $status $http_x_device_id'"},
]


@FUZZ
@given(log_bytes, st.sampled_from(OPTIONS))
def test_any_log_bytes_end_in_counted_lines_and_findings(data: bytes, options: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "access.log"
        path.write_bytes(data)
        result = LogRetentionProbe().check_file(
            path, {**options, "workers": "1", "assessment_date": dt.date(2026, 2, 1).isoformat()}
        )
    stats = result.details["stats"]
    header = 1 if result.details["format"] == "csv" and stats["lines"] else 0
    accounted = stats["parsed"] + stats["unparsed"] + stats["blank"] + stats["long_lines"] + header
    assert accounted == stats["lines"], stats
    expected = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    assert stats["lines"] == expected, (stats, expected)


def test_a_csv_log_with_a_broken_header_an_oversized_field_and_a_quoted_break_counts_every_line(tmp_path: Path) -> None:
    for header in (b"time,user\rmethod", b"time,user,method"):
        path = tmp_path / "access.csv"
        path.write_bytes(
            header + b'\n2026-01-10T08:00:00,"' + b"x" * 200_000 + b'",GET\n'
            b'2026-01-10T08:00:01,"a\nb",GET\n2026-01-10T08:00:02,bob,GET\n'
        )
        stats = LogRetentionProbe().check_file(path, {"format": "csv", "workers": "1"}).details["stats"]
        assert stats["lines"] == 5
        assert stats["parsed"] + stats["unparsed"] == 4
        assert stats["parsed"] == (1 if header == b"time,user,method" else 0)


def test_a_csv_term_list_with_a_bare_carriage_return_or_a_huge_field_loads_or_fails_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("term,category\rspamword,demo\r", encoding="utf-8")
    assert [t.text for t in load_terms(path).terms] == ["spamword"]
    path.write_text('term,category\nspamword,demo\n"' + "x" * 200_000 + '",demo\n', encoding="utf-8")
    try:
        load_terms(path)
    except InputError as exc:
        assert exc.source == str(path) and exc.line == 3
    else:
        raise AssertionError("an oversized CSV field must be refused")
