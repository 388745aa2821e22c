from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from redline.domain.assessment import Conclusion
from redline.errors import InputError
from redline.reports.canonical import dumps, verify_text
from redline.reports.document import build_report
from redline.reports.html import render_report_html
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import run_assessment
from tests.conftest import EXAMPLES

Write = Callable[[str, str], Path]


@pytest.fixture
def voice(tmp_path: Path) -> Path:
    target = tmp_path / "voice"
    shutil.copytree(EXAMPLES / "voice-social", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_example_assessment_needs_rectification_and_records_evidence_digests(book: Rulebook, voice: Path) -> None:
    run = run_assessment(book, voice / "answers.yaml")
    assert run.conclusion is Conclusion.RECTIFICATION_REQUIRED
    expected = hashlib.sha256((voice / "evidence" / "measures.md").read_bytes()).hexdigest()
    assert {e.sha256 for a in run.assessment.answers for e in a.evidence} == {expected}
    assert run.evaluation is not None and run.evaluation.obligations[0].trigger_id == "sa2018-3-1"


def test_the_report_has_the_four_parts_of_article_6_and_a_verifiable_seal(book: Rulebook, voice: Path) -> None:
    report = build_report(book, run_assessment(book, voice / "answers.yaml"))
    assert {"basic_information", "measures", "conclusion", "other"} <= set(report)
    assert report["conclusion"]["result"] == "rectification_required"
    assert report["other"]["unverified_citations"] > 0
    assert verify_text(dumps(report), "r.json") == report["seal"]["digest"]
    html_zh = render_report_html(report)
    assert "一、互联网信息服务的基本情况和相关证照获取情况" in html_zh
    assert report["seal"]["digest"] in html_zh
    assert "（条文未经核实）" in html_zh
    html_en = render_report_html(report, "en")
    assert "1. Basic information of the service" in html_en and "(unverified text)" in html_en


def test_a_changed_evidence_file_no_longer_matches_its_stated_digest(book: Rulebook, voice: Path) -> None:
    digest = hashlib.sha256(b"original").hexdigest()
    _edit(
        voice / "answers.yaml",
        "    - file: evidence/measures.md\n",
        f"    - file: evidence/measures.md\n      sha256: {digest}\n",
    )
    with pytest.raises(InputError, match=r"does not match evidence/measures\.md") as caught:
        run_assessment(book, voice / "answers.yaml")
    assert caught.value.field is not None and caught.value.field.endswith("evidence.0.sha256")
    assert caught.value.line is not None


def test_missing_evidence_without_a_digest_is_refused(book: Rulebook, voice: Path) -> None:
    (voice / "evidence" / "measures.md").unlink()
    with pytest.raises(InputError, match="not found next to the answers file"):
        run_assessment(book, voice / "answers.yaml")


def test_not_applicable_needs_a_reason(book: Rulebook, voice: Path) -> None:
    _edit(
        voice / "answers.yaml",
        "  sa2018-5-1-security-lead:\n    status: met\n",
        "  sa2018-5-1-security-lead:\n    status: not_applicable\n",
    )
    with pytest.raises(InputError, match="needs a reason") as caught:
        run_assessment(book, voice / "answers.yaml")
    assert caught.value.field == "answers.sa2018-5-1-security-lead.reason"


def test_unanswered_items_block_the_report_unless_it_is_a_draft(book: Rulebook, voice: Path) -> None:
    _edit(
        voice / "answers.yaml",
        "  sa2018-5-6-complaint-channel:\n    status: met\n",
        "  sa2018-5-6-complaint-channel:\n    status:\n",
    )
    with pytest.raises(InputError, match="1 item\\(s\\) have no status: sa2018-5-6-complaint-channel"):
        run_assessment(book, voice / "answers.yaml")
    run = run_assessment(book, voice / "answers.yaml", draft=True)
    assert run.conclusion is Conclusion.INCOMPLETE
    assert build_report(book, run)["draft"] is True


def test_an_answer_for_an_item_outside_the_checklists_is_refused(book: Rulebook, voice: Path) -> None:
    _edit(voice / "answers.yaml", "answers:\n", "answers:\n  made-up-item:\n    status: met\n")
    with pytest.raises(InputError, match="'made-up-item' is not an item"):
        run_assessment(book, voice / "answers.yaml")


def test_an_unknown_capability_in_the_embedded_service_names_its_field(book: Rulebook, voice: Path) -> None:
    _edit(voice / "answers.yaml", "    - group_chat\n", "    - telepathy\n")
    with pytest.raises(InputError, match="unknown capability 'telepathy'") as caught:
        run_assessment(book, voice / "answers.yaml")
    assert caught.value.field == "service.service.capabilities.1"
    lines = (voice / "answers.yaml").read_text(encoding="utf-8").splitlines()
    assert caught.value.line == lines.index("    - telepathy") + 1
