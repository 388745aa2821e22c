"""PDF rendering: Chinese text in an embedded CJK font, the digest and page number on every page, no network.

Needs WeasyPrint's system libraries (Pango), Debian `fonts-noto-cjk` and `poppler-utils`
(pdftotext, pdffonts, pdfinfo, pdftoppm); each test skips with the reason when one is missing.
"""

from __future__ import annotations

import logging
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer

from redline.errors import InputError
from redline.i18n import translations
from redline.reports.canonical import dumps
from redline.reports.document import build_report
from redline.reports.pdf import (
    RectificationOrder,
    ReviewOpinion,
    SummonsRecord,
    cjk_font_available,
    document_digest,
    offline_url_fetcher,
    rectification_order_pdf,
    render_pdf,
    report_pdf,
    review_opinion_pdf,
    summons_pdf,
)
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import run_assessment
from tests.conftest import EXAMPLES, ROOT

ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"


def _weasyprint_problem() -> str | None:
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"WeasyPrint or its system libraries (Pango, HarfBuzz) are missing: {exc}"
    return None


_PROBLEM = _weasyprint_problem()
pytestmark = [
    pytest.mark.skipif(_PROBLEM is not None, reason=_PROBLEM or ""),
    pytest.mark.skipif(
        _PROBLEM is None and not cjk_font_available(),
        reason="font Noto Sans CJK SC missing: install Debian fonts-noto-cjk",
    ),
]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} missing: install Debian poppler-utils")
    return path


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=120).stdout


def _text(pdf: Path, page: int | None = None) -> str:
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    return _run(_tool("pdftotext"), *pages, str(pdf), "-")


def _squeeze(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines where the PDF wraps them."""
    return re.sub(r"\s+", "", text)


def _pages(pdf: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)", _run(_tool("pdfinfo"), str(pdf)), re.MULTILINE)
    assert found
    return int(found.group(1))


def _fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for each font pdffonts lists."""
    lines = _run(_tool("pdffonts"), str(pdf)).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def _write(path: Path, data: bytes) -> Path:
    assert data.startswith(b"%PDF-")
    path.write_bytes(data)
    return path


def _assert_every_page_has(pdf: Path, digest: str) -> int:
    pages = _pages(pdf)
    for n in range(1, pages + 1):
        text = _text(pdf, n)
        assert f"SHA-256 {digest}" in text, f"page {n} lacks the digest"
        footer = [line for line in text.splitlines() if line.strip(" \f")]
        assert footer[-1].replace(" ", "") == f"{n}/{pages}", f"page {n} lacks its page number"
    return pages


@pytest.fixture(scope="module")
def report(book: Rulebook) -> dict[str, Any]:
    return build_report(book, run_assessment(book, EXAMPLES / "voice-social" / "answers.yaml"))


@pytest.fixture(scope="module")
def report_zh(report: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("pdf") / "report.pdf", report_pdf(report))


# ---- the sealed assessment report ----


def test_the_report_pdf_shows_the_chinese_sections_and_the_digest(report: dict[str, Any], report_zh: Path) -> None:
    text = _text(report_zh)
    assert "一、互联网信息服务的基本情况和相关证照获取情况" in text
    gettext = translations("zh-CN").gettext
    for msgid in (
        "Security assessment report",
        "2. Security management systems, technical measures and their effect",
        "3. Conclusion of the security assessment",
        "4. Other matters",
    ):
        assert gettext(msgid) != msgid
        assert _squeeze(gettext(msgid)) in _squeeze(text)
    assert report["provider"]["name"] in text
    assert report["seal"]["digest"] in text


def test_every_page_of_the_report_carries_the_digest_and_its_page_number(
    report: dict[str, Any], report_zh: Path
) -> None:
    assert _assert_every_page_has(report_zh, report["seal"]["digest"]) > 1


def test_the_cjk_font_is_embedded(report_zh: Path) -> None:
    fonts = _fonts(report_zh)
    assert any("CJK" in name and emb == "yes" for name, emb in fonts), fonts
    assert all(emb == "yes" for _, emb in fonts), fonts


def test_the_report_in_english(report: dict[str, Any], tmp_path: Path) -> None:
    pdf = _write(tmp_path / "report-en.pdf", report_pdf(report, "en"))
    text = _text(pdf)
    assert "1. Basic information of the service" in text and "Security assessment report" in text
    _assert_every_page_has(pdf, report["seal"]["digest"])


def test_a_look_at_the_first_page(report_zh: Path) -> None:
    """Writes tests/e2e/artifacts/pdf-report-p1.png (git-ignored) for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _run(
        _tool("pdftoppm"),
        "-png",
        "-r",
        "60",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        str(report_zh),
        str(ARTIFACTS / "pdf-report-p1"),
    )
    image = ARTIFACTS / "pdf-report-p1.png"
    assert image.read_bytes().startswith(b"\x89PNG")


def test_a_report_without_a_seal_is_refused(report: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="no seal"):
        report_pdf({k: v for k, v in report.items() if k != "seal"})
    with pytest.raises(InputError, match="not a redline assessment report"):
        report_pdf({"seal": {"digest": "0" * 64}})


# ---- regulator documents ----

BASE: dict[str, Any] = {
    "authority": "杭州市互联网信息办公室",
    "reference": "杭网信审〔2025〕12号",
    "date": "2025-03-01",
    "provider": "杭州声浪网络科技有限公司（虚构）",
    "service": "声浪 SoundWave",
    "filing_reference": "F-2025-0042",
    "filing_title": "上线语音聊天室功能的安全评估",
    "signatures": "审查人：张三、李四",
}
OPINION: ReviewOpinion = {
    **BASE,  # type: ignore[typeddict-item]
    "comments": [
        {
            "item_id": "sa2018-5-1-security-lead",
            "text": "安全管理负责人未书面任命。",
            "author": "张三",
            "date": "2025-02-20T10:00:00",
        }
    ],
    "inspections": [{"date": "2025-02-25", "inspectors": "张三、李四", "findings": "日志留存不足六个月。"}],
    "opinion": "评估报告基本完整，须补充下列材料。",
    "demands": ["补充安全管理负责人任命文件。"] * 30,  # long enough for a second page
    "deadline": "2025-03-15",
}
SUMMONS: SummonsRecord = {
    **BASE,  # type: ignore[typeddict-item]
    "agencies": "杭州市委网信办、杭州市公安局",
    "attendees": "王五（法定代表人）",
    "problems": ["未落实用户真实身份信息认证。"],
    "demands": ["立即整改并书面报告。"],
    "deadline": "2025-04-01",
}
ORDER: RectificationOrder = {
    **BASE,  # type: ignore[typeddict-item]
    "round": 1,
    "basis": "《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》第八条",
    "items": [{"text": "明确安全管理负责人。", "due": "2025-04-01"}],
    "deadline": "2025-04-01",
}

DOCUMENTS: list[tuple[str, Any, dict[str, Any], dict[str, list[str]]]] = [
    (
        "review_opinion",
        review_opinion_pdf,
        dict(OPINION),
        {
            "zh-CN": [
                "书面审查意见",
                "一、对评估项目的审查意见",
                "二、现场检查情况",
                "安全管理负责人未书面任命。",
                "请于2025年3月15日前书面反馈。",
                "（盖章）",
            ],
            "en": [
                "Written review opinion",
                "1. Comments on the assessment items",
                "2. On-site inspections",
                "Please reply in writing by March 15, 2025.",
                "(seal)",
            ],
        },
    ),
    (
        "summons_record",
        summons_pdf,
        dict(SUMMONS),
        {
            "zh-CN": [
                "约谈记录",
                "被约谈单位",
                "一、指出的问题",
                "未落实用户真实身份信息认证。",
                "二、整改要求",
                "请于2025年4月1日前完成整改。",
            ],
            "en": [
                "Record of summons",
                "Provider summoned",
                "1. Problems raised",
                "2. Demands",
                "Rectification to be completed by April 1, 2025.",
            ],
        },
    ),
    (
        "rectification_order",
        rectification_order_pdf,
        dict(ORDER),
        {
            "zh-CN": ["责令整改通知书", "第1轮整改事项", "明确安全管理负责人。", "逾期不整改"],
            "en": ["Order to rectify", "Rectification round 1", "Failure to rectify within the time limit"],
        },
    ),
]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize(("kind", "render", "doc", "expected"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_regulator_documents_render_with_their_digest_on_every_page(
    kind: str, render: Any, doc: dict[str, Any], expected: dict[str, list[str]], lang: str, tmp_path: Path
) -> None:
    pdf = _write(tmp_path / f"{kind}-{lang}.pdf", render(doc, lang))
    text = _text(pdf)
    flat = _squeeze(text)
    for phrase in [*expected[lang], doc["provider"], doc["authority"], doc["reference"]]:
        assert _squeeze(phrase) in flat, phrase
    _assert_every_page_has(pdf, document_digest(doc))
    assert any("CJK" in name and emb == "yes" for name, emb in _fonts(pdf))


def test_the_review_opinion_runs_over_pages(tmp_path: Path) -> None:
    pdf = _write(tmp_path / "opinion.pdf", review_opinion_pdf(OPINION))
    assert _assert_every_page_has(pdf, document_digest(OPINION)) > 1


def test_a_document_digest_is_that_of_its_canonical_json() -> None:
    assert document_digest(ORDER) == document_digest(dict(reversed(list(ORDER.items()))))
    changed = {**ORDER, "deadline": "2025-04-02"}
    assert document_digest(changed) != document_digest(ORDER)


def test_a_document_missing_fields_is_refused() -> None:
    incomplete = {k: v for k, v in SUMMONS.items() if k != "problems"}
    with pytest.raises(InputError, match="missing problems"):
        summons_pdf(incomplete)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown language"):
        summons_pdf(SUMMONS, "fr")


# ---- no network ----

PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def test_nothing_is_fetched_while_rendering(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"network access during rendering: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = (
        '<html><head><link rel="stylesheet" href="http://example.invalid/x.css">'
        '<style>@import url("https://example.invalid/y.css");</style></head><body>'
        '<p>离线渲染</p><img src="http://example.invalid/x.png"><img src="file:///etc/hostname">'
        f'<img src="data:image/png;base64,{PNG_1PX}"></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = _write(tmp_path / "offline.pdf", render_pdf(html, digest="ab" * 32))
    assert attempts == []
    refused = " ".join(r.getMessage() for r in caplog.records)
    for url in ("http://example.invalid/x.png", "file:///etc/hostname", "http://example.invalid/x.css"):
        assert f"refused {url}" in refused, refused
    assert "refused data:" not in refused
    assert "离线渲染" in _text(pdf)


def test_the_fetcher_serves_data_urls_only() -> None:
    fetcher = offline_url_fetcher()
    for url in ("http://example.invalid/x.png", "https://example.invalid/", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()


# ---- the command ----


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run `redline pdf ...` through the real error funnel, with the sub-app registered as the lead will."""
    from redline.cli import main as cli_main
    from redline.cli.pdf import pdf_app

    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
    app.add_typer(pdf_app, name="pdf")
    monkeypatch.setattr(cli_main, "app", app)
    return cli_main.main(list(args))


def test_the_command_verifies_the_seal_then_writes_the_pdf(
    monkeypatch: pytest.MonkeyPatch, report: dict[str, Any], tmp_path: Path
) -> None:
    source = tmp_path / "report.json"
    source.write_text(dumps(report), encoding="utf-8")
    target = tmp_path / "report.pdf"
    assert _cli(monkeypatch, "pdf", "report", str(source), "-o", str(target), "--lang", "en") == 0
    assert "1. Basic information of the service" in _text(target)
    assert report["seal"]["digest"] in _text(target, 1)

    tampered = tmp_path / "tampered.json"
    tampered.write_text(dumps(report).replace("声浪 SoundWave", "声浪 SoundWav3", 1), encoding="utf-8")
    assert _cli(monkeypatch, "pdf", "report", str(tampered), "-o", str(tmp_path / "t.pdf")) == 1
    assert not (tmp_path / "t.pdf").exists()


def test_the_command_refuses_bad_input(monkeypatch: pytest.MonkeyPatch, report: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert _cli(monkeypatch, "pdf", "report", str(bad), "-o", str(out)) == 2
    assert _cli(monkeypatch, "pdf", "report", str(tmp_path / "missing.json"), "-o", str(out)) == 2
    good = tmp_path / "report.json"
    good.write_text(dumps(report), encoding="utf-8")
    assert _cli(monkeypatch, "pdf", "report", str(good), "-o", str(out), "--lang", "fr") == 2
    assert _cli(monkeypatch, "pdf", "report", str(good), "-o", str(tmp_path / "no" / "dir.pdf")) == 2
    assert not out.exists()
