"""Issue 17 (3, 6): a resubmission is a new sealed version beside the first, with a diff; the statutory due
date, the supplement's and the rectification items' are kept apart, and none runs on a closed case.
On SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.deadline_clock import ClockState
from redline.domain.report_diff import AnswerField
from redline.domain.workflow import Action, Role
from redline.errors import InputError, NotFoundError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import deadlines, documents_pdf, filings, queries, report_versions, review
from redline.services.filing.filing_deadlines import DeadlineKind
from redline.services.principal import Principal
from redline.store.migrate import upgrade

PASSWORD = "correct-horse-42"


@dataclasses.dataclass
class Case:
    ctx: Context
    provider: Principal
    cac: Principal
    other_cac: Principal
    filing_id: int
    items: list[str]
    day: list[dt.date]

    def on(self, day: dt.date) -> None:
        self.day[0] = day


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def case(database_url: str, tmp_path: Path) -> Iterator[Case]:
    upgrade(database_url)
    day = [dt.date(2026, 3, 2)]  # a Monday
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(
        ctx, today=lambda: day[0], now=lambda: dt.datetime.combine(day[0], dt.time(9), tzinfo=dt.UTC)
    )
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    provider = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, org)
    cac = _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100")
    other = _user(ctx, "sz-cac", Role.CAC_OFFICER, juris="440300")
    service = filings.add_service(ctx, provider, {"service": {"name": "声浪", "capabilities": ["voice_chat_room"]}})
    fid = filings.record_change(
        ctx,
        provider,
        service,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    items = queries.get_filing(ctx, provider, fid).items
    filings.save_answers(ctx, provider, fid, {i: {"status": "met", "reason": "制度已建立"} for i in items})
    yield Case(ctx, provider, cac, other, fid, items, day)


def _running(c: Case) -> list[tuple[DeadlineKind, dt.date]]:
    return [
        (d.kind, d.due)
        for d in queries.get_filing(c.ctx, c.provider, c.filing_id).deadlines
        if d.clock.state is not ClockState.STOPPED
    ]


def _supplement_then_resubmit(c: Case) -> None:
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    review.act(c.ctx, c.cac, c.filing_id, Action.START_REVIEW)
    review.act(c.ctx, c.cac, c.filing_id, Action.REQUEST_SUPPLEMENT, "请补充审核排班表", {"due": dt.date(2026, 3, 13)})
    c.on(dt.date(2026, 3, 4))
    filings.save_answers(
        c.ctx,
        c.provider,
        c.filing_id,
        {
            c.items[0]: {
                "status": "partly_met",
                "reason": "夜间审核人手不足",
                "findings": [{"severity": "medium", "text": "夜班无人值守"}],
            }
        },
    )
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)


def test_a_resubmission_adds_a_version_and_the_first_stays_as_sealed(case: Case) -> None:
    c = case
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    _, first = report_versions.get_version(c.ctx, c.cac, c.filing_id, 1)
    sealed_first = first["seal"]["digest"]
    review.act(c.ctx, c.cac, c.filing_id, Action.START_REVIEW)
    review.act(c.ctx, c.cac, c.filing_id, Action.REQUEST_SUPPLEMENT, "请补充", {"due": dt.date(2026, 3, 13)})
    c.on(dt.date(2026, 3, 4))
    filings.save_answers(
        c.ctx,
        c.provider,
        c.filing_id,
        {
            c.items[0]: {
                "status": "partly_met",
                "reason": "夜间审核人手不足",
                "findings": [{"severity": "medium", "text": "夜班无人值守"}],
            }
        },
    )
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    versions = report_versions.list_versions(c.ctx, c.cac, c.filing_id)
    assert [(v.number, v.latest, v.submitted_by_name) for v in versions] == [
        (1, False, "hz-admin"),
        (2, True, "hz-admin"),
    ]
    assert versions[0].digest == sealed_first
    _, again = report_versions.get_version(c.ctx, c.provider, c.filing_id, 1)
    assert again == first  # byte for byte the document sent first
    latest = queries.get_filing(c.ctx, c.cac, c.filing_id).filing
    assert latest.report_digest == versions[1].digest != sealed_first  # review works on the latest


def test_the_diff_names_exactly_the_changed_answer_and_the_new_finding(case: Case) -> None:
    c = case
    _supplement_then_resubmit(c)
    result = report_versions.diff_versions(c.ctx, c.cac, c.filing_id, 1, 2)
    diff = result.diff
    assert {(a.item.item_id, a.field, a.before, a.after) for a in diff.answers} == {
        (c.items[0], AnswerField.STATUS, "met", "partly_met"),
        (c.items[0], AnswerField.REASON, "制度已建立", "夜间审核人手不足"),
    }
    assert [(f.item.item_id, f.text, f.before, f.after) for f in diff.findings] == [
        (c.items[0], "夜班无人值守", None, "medium")
    ]
    assert not (diff.items_added or diff.items_removed or diff.evidence)
    assert diff.answers[0].item.zh and diff.answers[0].item.en  # named by the question, in both languages
    backwards = report_versions.diff_versions(c.ctx, c.provider, c.filing_id, 2, 1).diff
    assert [(f.before, f.after) for f in backwards.findings] == [("medium", None)]


def test_versions_are_seen_only_where_the_filing_is_and_numbers_are_bounded(case: Case) -> None:
    c = case
    _supplement_then_resubmit(c)
    with pytest.raises(NotFoundError):
        report_versions.list_versions(c.ctx, c.other_cac, c.filing_id)
    with pytest.raises(NotFoundError):
        report_versions.diff_versions(c.ctx, c.other_cac, c.filing_id, 1, 2)
    with pytest.raises(NotFoundError):
        report_versions.get_version(c.ctx, c.cac, c.filing_id, 3)
    for bad in (0, -1, 10**12):
        with pytest.raises(InputError) as caught:
            report_versions.get_version(c.ctx, c.cac, c.filing_id, bad)
        assert caught.value.field == "version"


def test_the_supplement_has_its_own_due_date_and_the_statutory_one_is_unchanged(case: Case) -> None:
    c = case
    statutory = queries.get_filing(c.ctx, c.provider, c.filing_id).filing.due_date
    assert statutory == dt.date(2026, 4, 1)
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    review.act(c.ctx, c.cac, c.filing_id, Action.START_REVIEW)
    review.act(c.ctx, c.cac, c.filing_id, Action.REQUEST_SUPPLEMENT, "请补充", {"due": dt.date(2026, 3, 13)})
    view = queries.get_filing(c.ctx, c.provider, c.filing_id)
    assert view.filing.due_date == statutory
    lines = {d.kind: d for d in view.deadlines}
    assert lines[DeadlineKind.STATUTORY].due == statutory
    assert lines[DeadlineKind.STATUTORY].clock.state is ClockState.STOPPED  # the report was submitted
    supplement = lines[DeadlineKind.SUPPLEMENT]
    # Monday 2 March to Friday 13 March 2026: 9 working days left
    assert (supplement.due, supplement.clock.state, supplement.clock.working_days) == (
        dt.date(2026, 3, 13),
        ClockState.RUNNING,
        9,
    )
    c.on(dt.date(2026, 3, 17))
    assert queries.get_filing(c.ctx, c.provider, c.filing_id).overdue
    assert [f.id for f in queries.list_filings(c.ctx, c.cac, queries.FilingFilter(overdue_only=True))[0]] == [
        c.filing_id
    ]
    with c.ctx.reader() as uow:
        due = deadlines.open_deadlines(uow.session, dt.date(2026, 3, 31))
    assert [(d.kind, d.due) for d in due] == [("supplement", dt.date(2026, 3, 13))]  # not the statutory one


def test_after_resubmission_and_closing_no_deadline_runs(case: Case) -> None:
    c = case
    _supplement_then_resubmit(c)
    assert _running(c) == []  # submitted: the supplement was met, the statutory date too
    with c.ctx.reader() as uow:
        assert deadlines.open_deadlines(uow.session, dt.date(2027, 1, 1)) == []
    review.act(c.ctx, c.cac, c.filing_id, Action.START_REVIEW)
    review.act(
        c.ctx,
        c.cac,
        c.filing_id,
        Action.ORDER_RECTIFICATION,
        "整改",
        {"items": [review.RectificationDemand("夜班排班", dt.date(2026, 3, 20))]},
    )
    assert _running(c) == [(DeadlineKind.RECTIFICATION, dt.date(2026, 3, 20))]
    (item,) = queries.get_filing(c.ctx, c.provider, c.filing_id).rectification
    review.answer_rectification(c.ctx, c.provider, c.filing_id, item.id, "已排班")
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT_RECTIFICATION)
    review.act(c.ctx, c.cac, c.filing_id, Action.VERIFY)
    review.act(c.ctx, c.cac, c.filing_id, Action.CLOSE)
    c.on(dt.date(2026, 6, 1))  # every date has passed: still nothing runs, nothing is overdue
    view = queries.get_filing(c.ctx, c.provider, c.filing_id)
    assert {d.kind for d in view.deadlines} == {
        DeadlineKind.STATUTORY,
        DeadlineKind.SUPPLEMENT,
        DeadlineKind.RECTIFICATION,
    }
    assert all(d.clock.state is ClockState.STOPPED for d in view.deadlines) and not view.overdue
    assert queries.list_filings(c.ctx, c.cac, queries.FilingFilter(overdue_only=True))[1] == 0


def test_the_written_review_opinion_names_the_supplements_own_deadline(case: Case, tmp_path: Path) -> None:
    c = case
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    review.act(c.ctx, c.cac, c.filing_id, Action.START_REVIEW)
    review.act(c.ctx, c.cac, c.filing_id, Action.REQUEST_SUPPLEMENT, "请补充", {"due": dt.date(2026, 3, 13)})
    pdf = tmp_path / "opinion.pdf"
    pdf.write_bytes(documents_pdf.review_opinion(c.ctx, c.cac, c.filing_id, "zh-CN"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())  # pdftotext breaks lines where the PDF wraps them
    assert "2026年3月13日" in compact and "2026年4月1日" not in compact
