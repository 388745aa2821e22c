"""`redline probe run content-screen` as a user runs it: evasions and injected spam reported with their ranges,
clean prose passes, a bad term list is a user error naming its file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REDLINE = Path(sys.executable).with_name("redline")
TERMS = "# neutral test terms\n测试违禁词\tdemo\thigh\nspamword\n[regex]\ndemo-\\d{4}-code\n"
FOOTER = "北京SEO|上海SEO|广州SEO|深圳SEO|杭州SEO|南京SEO|武汉SEO|成都SEO|西安SEO|苏州SEO|郑州SEO"
PROSE = (
    "记者从市交通委获悉，今年春运期间，全市累计发送旅客约3200万人次，同比增长12.5%。\n"
    "The Federal Reserve held interest rates steady on Wednesday, officials said.\n"
)


def redline(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REDLINE), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "150"},
        check=False,
    )


@pytest.fixture
def terms(tmp_path: Path) -> Path:
    path = tmp_path / "terms.txt"
    path.write_text(TERMS, encoding="utf-8")
    return path


def test_evasions_and_a_spider_pool_footer_are_reported_with_their_ranges(tmp_path: Path, terms: Path) -> None:
    text = "正文：測試違禁詞，还有 s\u0440amword 和 测*试*违*禁*词。\n" + FOOTER + "\n"
    path = tmp_path / "post.txt"
    path.write_text(text, encoding="utf-8")
    done = redline("probe", "run", "content-screen", path, "--terms", terms, "--json")
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)["results"][0]
    at = [text.index(s) for s in ("測試違禁詞", "s\u0440amword", "测*试*违*禁*词", FOOTER)]
    assert [(f["kind"], f["start"], f["end"]) for f in result["details"]["found"]] == [
        ("term", at[0], at[0] + 5),
        ("term", at[1], at[1] + 8),
        ("term", at[2], at[2] + 9),
        ("link-farm", at[3], at[3] + len(FOOTER)),
    ]
    assert result["findings"][0]["location"] == f"{path}#3-8"
    assert "测试违禁词" in result["findings"][0]["message"] and result["findings"][0]["severity"] == "high"


def test_clean_prose_passes(tmp_path: Path, terms: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text(PROSE, encoding="utf-8")
    done = redline("probe", "run", "content-screen", path, "--terms", terms, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["findings"] == []


def test_a_bad_regex_in_the_term_list_is_a_user_error_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("ok\n[regex]\nbad(regex\n", encoding="utf-8")
    path = tmp_path / "news.txt"
    path.write_text(PROSE, encoding="utf-8")
    done = redline("probe", "run", "content-screen", path, "--terms", bad)
    assert done.returncode == 2
    assert f"{bad}:3" in done.stderr and "Traceback" not in done.stderr


def test_a_catastrophic_regex_in_the_term_list_does_not_hang_the_screen(tmp_path: Path) -> None:
    """B16: `(a+)+$` against 28 × a + ! froze the screen on a backtracking engine."""
    terms = tmp_path / "attack.txt"
    terms.write_text("[regex]\n(a+)+$\n", encoding="utf-8")
    path = tmp_path / "post.txt"
    path.write_text("a" * 28 + "!\n", encoding="utf-8")
    done = subprocess.run(
        [str(REDLINE), "probe", "run", "content-screen", str(path), "--terms", str(terms), "--json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["findings"] == []


def test_a_backreference_in_the_term_list_is_a_user_error_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "backref.txt"
    bad.write_text("ok\n[regex]\n(a)\\1\n", encoding="utf-8")
    path = tmp_path / "news.txt"
    path.write_text(PROSE, encoding="utf-8")
    done = redline("probe", "run", "content-screen", path, "--terms", bad)
    assert done.returncode == 2
    assert f"{bad}:3" in done.stderr and "backreference" in done.stderr and "Traceback" not in done.stderr


def test_jobs_sets_the_processes_for_one_file_and_a_bad_count_is_a_user_error(terms: Path, tmp_path: Path) -> None:
    text = tmp_path / "news.txt"
    text.write_text(PROSE + "测试违禁词\n", encoding="utf-8")
    done = redline("probe", "run", "content-screen", text, "--terms", terms, "--jobs", "1", "--json")
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)["results"][0]
    assert result["details"]["counts"] == {"term": 1} and result["details"]["found_cap"] == 1000
    refused = redline("probe", "run", "content-screen", text, "--terms", terms, "--option", "jobs=many")
    assert refused.returncode == 2 and "jobs" in refused.stderr
