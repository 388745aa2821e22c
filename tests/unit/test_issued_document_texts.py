"""What a provider reads on an issued document and on its submitted report: the wording defects of issue 17."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from redline.reports.document import build_report
from redline.reports.html import render_report_html
from redline.reports.issued_pdf import issued_document_html, issued_document_pdf
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import run_assessment
from redline.services.filing import document_bodies, issuing
from tests.conftest import EXAMPLES
from tests.unit.test_pdf import _squeeze, _text, _weasyprint_problem, _write


def test_a_submitted_report_with_findings_does_not_say_they_must_be_fixed_before_it_is_formed(book: Rulebook) -> None:
    report = build_report(book, run_assessment(book, EXAMPLES / "voice-social" / "answers.yaml"))
    assert report["conclusion"]["result"] == "rectification_required"
    html = render_report_html(report, "zh-CN")
    assert "方可形成报告" not in html and "整改后方可" not in html
    assert "及时整改" in html


def test_the_basis_sentence_names_each_regulation_once_with_no_doubled_words(book: Rulebook) -> None:
    basis = document_bodies.legal_basis(book, "rectification_order")
    sentence = document_bodies.basis_sentence(basis)
    assert sentence == "依据《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》第六条第一款、第八条"
    assert {b["status"] for b in basis} == {"verified", "unverified"}  # Art. 8 is a recollection: marked so


def test_the_written_notice_cites_art_3_5_verbatim(book: Rulebook) -> None:
    body = document_bodies.for_notice(book, "声浪", "用户规模显著增加", dt.date(2026, 4, 30), 7, "")
    (basis,) = body["basis"]
    assert basis["article"] == "第三条第（五）项" and basis["status"] == "verified"
    assert basis["text"] == "地市级以上网信部门或者公安机关书面通知需要进行安全评估的其他情形。"
    assert body["opening"].startswith(
        "依据《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》第三条第（五）项，你单位声浪"
    )


def _content(book: Rulebook) -> dict[str, Any]:
    body = document_bodies.for_notice(book, "声浪", "用户规模显著增加", dt.date(2026, 4, 30), 7, "")
    return {
        "schema": "redline/issued-document",
        "version": 1,
        "kind": "notice",
        "reference": "杭网信评〔2026〕15号",
        "authority": "杭州市互联网信息办公室",
        "date": "2026-03-02",
        "provider": "杭州声浪（虚构）",
        "issued_by": "hz-cac",
        **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in body.items()},
    }


def test_an_unverified_basis_is_marked_on_the_document(book: Rulebook) -> None:
    content = _content(book)
    content["basis"] = document_bodies.legal_basis(book, "closure")
    html = issued_document_html(content, issuing.content_digest(content), "zh-CN")
    assert "未经核实的文本" in html


@pytest.mark.skipif(_weasyprint_problem() is not None, reason=str(_weasyprint_problem()))
def test_the_printed_notice_carries_its_number_basis_and_digest(book: Rulebook, tmp_path: Path) -> None:
    content = _content(book)
    digest = issuing.content_digest(content)
    text = _squeeze(_text(_write(tmp_path / "notice.pdf", issued_document_pdf(content, digest))))
    for words in (
        "关于开展安全评估的书面通知",
        "杭网信评〔2026〕15号",
        "杭州市互联网信息办公室",
        "第三条第（五）项",
        "声浪",
        f"SHA-256{digest}",
    ):
        assert _squeeze(words) in text, words


def test_a_notice_asks_for_the_report_by_its_date_not_for_a_written_reply(book: Rulebook) -> None:
    content = _content(book)
    html = issued_document_html(content, issuing.content_digest(content), "zh-CN")
    assert "请于2026年4月30日前提交安全评估报告" in html and "书面反馈" not in html
    assert "法律依据" in html
