"""Every word a person reads is a word, in both languages, outside the pages too (issue 19, item 6): the PDFs the
platform issues (every document of the demo data, the review opinion, rectification order and summons record a
filing links to, the assessment report), the e-mails it sends (every kind of inbox item, every deadline notice)
and what the terminal prints a person (check, gate, campaign show and findings, jobs list, rules). None may show
an identifier in snake_case or a bare region code where a word belongs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.domain.inbox import InboxKind
from redline.reports.pdf import cjk_font_available, report_pdf
from redline.rulebook.loader import default_rulebook
from redline.services.access.accounts import principal_named
from redline.services.background.jobs import submit
from redline.services.context import Context
from redline.services.filing import documents_pdf, issued_documents, queries
from redline.services.filing.deadlines import KIND_TEXT, Deadline
from redline.services.inbox.outgoing import News
from redline.services.principal import Principal
from redline.services.reminders import inbox_mail, notify
from redline.store.migrate import upgrade
from redline.store.models import Campaign, Filing, IssuedDocument, Job, Summons, User
from redline.words.terms import Terms
from tests.conftest import EXAMPLES
from tests.e2e.shown_codes import codes_in

LANGS = ["zh-CN", "en"]
JUDGEMENT_YAML = re.compile(r"judgements: \[\{question: [a-z_]+, [^\]]*\]")
REDLINE = Path(sys.executable).with_name("redline")


@dataclasses.dataclass
class Demo:
    tmp: Path
    ctx: Context


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    tmp = tmp_path_factory.mktemp("words-in-documents")
    url = f"sqlite:///{tmp / 'redline.db'}"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
    load_demo(ctx)
    return Demo(tmp, ctx)


def _provider_admin(ctx: Context, organisation_id: int) -> Principal:
    """The provider's administrator: every document and report of its own is the provider's to read."""
    with ctx.reader() as uow:
        name = uow.session.scalars(
            select(User.username).where(User.organisation_id == organisation_id, User.role == "provider_admin")
        ).first()
    assert name, organisation_id
    return principal_named(ctx, name)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _found(where: str, text: str) -> list[str]:
    return [f"{where}: {code}" for code in codes_in(text)]


needs_fonts = pytest.mark.skipif(not cjk_font_available(), reason="no CJK font for WeasyPrint here")


@needs_fonts
@pytest.mark.parametrize("lang", LANGS)
def test_no_issued_document_pdf_shows_a_code(demo: Demo, lang: str) -> None:
    with demo.ctx.reader() as uow:
        documents = list(
            uow.session.execute(select(IssuedDocument.id, IssuedDocument.provider_id, IssuedDocument.kind))
        )
    assert {kind for _, _, kind in documents} >= {"notice", "acceptance", "rectification_order", "summons_record"}
    found: list[str] = []
    for document_id, provider_id, kind in documents:
        _, data = issued_documents.document_pdf(demo.ctx, _provider_admin(demo.ctx, provider_id), document_id, lang)
        found += _found(f"{lang} document {document_id} ({kind})", _pdf_text(data))
    assert not found, "codes in issued documents:\n" + "\n".join(found)


@needs_fonts
@pytest.mark.parametrize("lang", LANGS)
def test_the_review_rectification_and_summons_pdfs_show_no_code(demo: Demo, lang: str) -> None:
    with demo.ctx.reader() as uow:
        s = uow.session
        ordered = s.scalars(
            select(IssuedDocument.filing_id).where(IssuedDocument.kind == "rectification_order")
        ).first()
        summons = s.scalars(select(Summons).order_by(Summons.id)).first()
        assert ordered and summons
        filing = s.get(Filing, ordered)
        assert filing is not None
        provider_id, summons_id, summons_provider = filing.provider_id, summons.id, summons.provider_id
    p = _provider_admin(demo.ctx, provider_id)
    texts = {
        "review opinion": _pdf_text(documents_pdf.review_opinion(demo.ctx, p, ordered, lang)),
        "rectification order": _pdf_text(documents_pdf.rectification_order(demo.ctx, p, ordered, lang)),
        "summons record": _pdf_text(
            documents_pdf.summons_record(demo.ctx, _provider_admin(demo.ctx, summons_provider), summons_id, lang)
        ),
    }
    found = [line for name, text in texts.items() for line in _found(f"{lang} {name}", text)]
    assert not found, "codes in review documents:\n" + "\n".join(found)


@needs_fonts
@pytest.mark.parametrize("lang", LANGS)
def test_no_assessment_report_pdf_shows_a_code(demo: Demo, lang: str) -> None:
    """The PDF the report page's job renders (services/filing/documents_pdf_jobs.run_job): the first report of
    each provider, whose services, checklists and answers differ (a report takes seconds to render)."""
    first: dict[int, int] = {}  # provider -> its first reported filing
    with demo.ctx.reader() as uow:
        query = select(Filing.id, Filing.provider_id).where(Filing.report.is_not(None)).order_by(Filing.id)
        for filing_id, provider_id in uow.session.execute(query):
            first.setdefault(provider_id, filing_id)
    filings = [(filing_id, provider_id) for provider_id, filing_id in first.items()]
    assert len(filings) >= 4
    terms = Terms(default_rulebook(), lang)
    found: list[str] = []
    for filing_id, provider_id in filings:
        report = queries.submitted_report(demo.ctx, _provider_admin(demo.ctx, provider_id), filing_id)
        text = _pdf_text(report_pdf(report, lang))
        # the provider's place is named, then its GB/T 2260 code given beside the name on purpose, as the
        # report form records it: "浙江省杭州市西湖区（330106）"; only that code, after that name, is passed over
        code = report["provider"]["location"]
        text = re.sub(re.escape(terms.place(code)) + r"\s*[（(]" + code + r"[）)]", "", text)
        found += _found(f"{lang} report of filing {filing_id}", text)
    assert not found, "codes in assessment reports:\n" + "\n".join(found)


def _news(kind: str) -> News:
    return News(
        cause="event:1",
        kind=kind,
        filing_id=3,
        filing_title="声浪 SoundWave 语音聊天室上线评估",
        provider_id=1,
        addressee="杭州声浪网络科技有限公司（虚构）",
        summons_id=1 if kind == "summons" else None,
        document_reference="杭网信评〔2026〕2号",
        actor_name="杭州市网信办",
        note="请补充日志留存说明",
        due=dt.date(2026, 3, 9),
        path="/filings/3",
        emails=["hz-admin@example.com"],
    )


def _deadline(kind: str) -> Deadline:
    return Deadline(
        kind,
        3,
        "声浪 SoundWave 语音聊天室上线评估",
        1,
        "杭州声浪网络科技有限公司（虚构）",
        "330106",
        dt.date(2026, 3, 9),
        True,
        ("《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》第三条",),
        ("日志留存不少于六个月",),
    )


def _mail_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return f"{message['Subject']}\n{body.get_content()}"


def test_no_email_shows_a_code() -> None:
    """Both languages are in every e-mail (Chinese first), so one reading covers both."""
    settings = Settings(public_url="https://redline.example.cn")
    texts = {
        f"inbox e-mail {kind.value}": _mail_text(inbox_mail.compose_email(_news(kind.value), settings, "a@example.cn"))
        for kind in InboxKind
    }
    today = dt.date(2026, 3, 9)
    for kind in KIND_TEXT:
        for stage, day in (("before-3", today - dt.timedelta(days=3)), ("due", today), ("overdue", today)):
            notice = notify.Notice(
                _deadline(kind), stage, day, "https://redline.example.cn/filings/3", stage == "overdue"
            )
            texts[f"notice e-mail {kind} {stage}"] = _mail_text(notify.compose_email(notice, settings, "a@example.cn"))
    found = [line for name, text in texts.items() for line in _found(name, text)]
    assert not found, "codes in e-mails:\n" + "\n".join(found)


def _redline(demo: Demo, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "REDLINE_DATABASE_URL": f"sqlite:///{demo.tmp / 'redline.db'}",
        "REDLINE_BLOB_DIR": str(demo.tmp / "blobs"),
        "REDLINE_KEY_DIR": str(demo.tmp / "keys"),
        "COLUMNS": "400",  # wide, so that no word is folded across lines and hidden from the scan
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def _job_ids(demo: Demo) -> list[int]:
    with demo.ctx.reader() as uow:
        return list(uow.session.scalars(select(Job.id).order_by(Job.id)))


@pytest.fixture(scope="module")
def campaign(demo: Demo) -> int:
    """The demo campaign with its probes run, so that it has runs and findings to show; and a report PDF
    asked for, so that `jobs list` has a job to name."""
    with demo.ctx.reader() as uow:
        campaign_id = uow.session.scalars(select(Campaign.id).order_by(Campaign.id)).first()
    assert campaign_id
    ran = _redline(demo, "campaign", "run", str(campaign_id), "--as", "hz-cac")
    assert ran.returncode == 0, ran.stderr
    hz = principal_named(demo.ctx, "hz-admin")
    with demo.ctx.reader() as uow:
        reported = select(Filing.id).where(Filing.provider_id == hz.organisation_id, Filing.report.is_not(None))
        filing_id = uow.session.scalars(reported).first()
    assert filing_id
    submit(
        demo.ctx, "pdf_report", {"filing_id": filing_id, "lang": "zh-CN", "user_id": hz.user_id}, created_by=hz.user_id
    )
    return campaign_id


@pytest.mark.parametrize("lang", LANGS)
def test_no_command_prints_a_code_to_a_person(demo: Demo, campaign: int, lang: str) -> None:
    voice, judged = EXAMPLES / "voice-social", EXAMPLES / "forum-growth-judgement"
    baseline = demo.tmp / "baseline.yaml"
    baseline.write_text(
        (voice / "service.yaml").read_text(encoding="utf-8").replace("[voice_chat_room, group_chat]", "[group_chat]"),
        encoding="utf-8",
    )
    commands: list[tuple[str | Path, ...]] = [
        ("check", voice / "service.yaml", "--change", voice / "change.yaml", "--as-of", "2026-12-01"),
        ("check", judged / "service.yaml", "--change", judged / "change.yaml", "--as-of", "2026-12-01"),
        ("gate", voice / "service.yaml", "--baseline", baseline, "--date", "2026-12-15"),
        ("campaign", "show", str(campaign), "--as", "hz-cac"),
        ("campaign", "findings", str(campaign), "--as", "hz-cac"),
        ("jobs", "list"),
        *(("jobs", "show", str(job)) for job in _job_ids(demo)),
        ("rules", "list"),
        ("rules", "show", "sa2018"),
    ]
    found: list[str] = []
    for command in commands:
        result = _redline(demo, *command, "--lang", lang)
        assert result.returncode in (0, 1) and result.stdout.strip(), (command, result.stderr)
        # `check` tells how to record a judgement in the change file, in the file's own YAML: the question's
        # id there is what the person types, so it is an identifier on purpose
        text = JUDGEMENT_YAML.sub("", result.stdout + result.stderr)
        found += _found(f"{lang} redline {' '.join(map(str, command[:2]))}", text)
    assert not found, "codes printed to people:\n" + "\n".join(found)
