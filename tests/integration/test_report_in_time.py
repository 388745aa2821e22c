"""The sealed assessment report says which rules were not yet in force on the day of the change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from redline.reports.document import build_report
from redline.reports.html import render_report_html
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import run_assessment
from tests.conftest import EXAMPLES


@pytest.fixture
def faceswap(tmp_path: Path) -> Path:
    target = tmp_path / "faceswap"
    shutil.copytree(EXAMPLES / "photo-faceswap", target)
    return target


def _date_change(answers: Path, day: str) -> None:
    text = answers.read_text(encoding="utf-8")
    assert "  date: 2027-01-20\n" in text
    answers.write_text(text.replace("  date: 2027-01-20\n", f"  date: {day}\n", 1), encoding="utf-8")


def test_a_face_swap_added_in_2022_is_reported_as_not_yet_under_the_deep_synthesis_rule(
    book: Rulebook, faceswap: Path
) -> None:
    _date_change(faceswap / "answers.yaml", "2022-12-01")
    report = build_report(book, run_assessment(book, faceswap / "answers.yaml"))
    pending = report["other"]["change_and_obligations"]["not_in_force"]
    assert {n["trigger_id"] for n in pending} >= {"dsm2022-15", "dsm2022-16", "dsm2022-17"}
    html_zh = render_report_html(report)
    assert "变更发生时尚未施行的规定" in html_zh and "未生效（2023-01-10 起施行）" in html_zh
    html_en = render_report_html(report, "en")
    assert "not yet in force (2023-01-10)" in html_en


def test_a_2024_label_duty_in_the_report_notes_the_2025_measures_are_not_yet_in_force(
    book: Rulebook, faceswap: Path
) -> None:
    _date_change(faceswap / "answers.yaml", "2024-06-03")
    report = build_report(book, run_assessment(book, faceswap / "answers.yaml"))
    html_zh = render_report_html(report)
    assert "《人工智能生成合成内容标识办法》第四条第一款：未生效（2025-09-01 起施行）" in html_zh
    assert "not yet in force (2025-09-01)" in render_report_html(report, "en")
