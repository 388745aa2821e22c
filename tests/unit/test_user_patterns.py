"""Regular expressions a user writes into a term list run on a linear-time engine (RE2): a pattern that
backtracks catastrophically on Python's `re` finishes at once, and what RE2 cannot run (backreferences,
lookaround) is refused as a user error naming the term list's file and line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from redline.errors import InputError
from redline.probes.content_screen.terms import load_terms

ATTACK = "a" * 28 + "!"


def test_a_catastrophic_pattern_is_screened_at_once(tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("[regex]\n(a+)+$\n", encoding="utf-8")
    # in a child, so that a backtracking engine fails this test on the timeout instead of hanging the run
    code = textwrap.dedent(f"""
        from pathlib import Path
        from redline.probes.content_screen.matcher import compiled
        from redline.probes.content_screen.normalise import Options
        print(len(compiled(Path({str(terms)!r}), Options()).find({ATTACK!r})))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"(a)\1", "backreference"),
        (r"foo(?=bar)", "lookaround"),
        (r"(?<!x)spam", "lookaround"),
    ],
)
def test_what_the_linear_engine_cannot_run_is_refused_naming_file_and_line(
    tmp_path: Path, pattern: str, words: str
) -> None:
    path = tmp_path / "terms.txt"
    path.write_text(f"ok\n[regex]\nfine\\d+\n{pattern}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert caught.value.source == str(path) and caught.value.line == 4
    assert words in caught.value.message and pattern in caught.value.message


def test_a_csv_regex_the_engine_cannot_run_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("term,category,severity\nplain,demo,low\nre:(x)\\1,pattern,\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_terms(path)
    assert caught.value.line == 3 and "backreference" in caught.value.message


def test_regex_terms_still_match_case_insensitively_at_original_offsets(tmp_path: Path) -> None:
    from redline.probes.content_screen.matcher import compiled
    from redline.probes.content_screen.normalise import Options

    path = tmp_path / "terms.txt"
    path.write_text("[regex]\ndemo-\\d{4}-code\n违禁\\d+\n", encoding="utf-8")
    text = "see DEMO-2024-CODE and 违禁42"
    found = [(m.start, m.end, m.term.line) for m in compiled(path, Options()).find(text)]
    assert found == [(4, 18, 2), (23, 27, 3)]
