"""Checklist answers as stored (issue 17, point 1), on SQLite and PostgreSQL: each finding keeps its own
severity, none is assumed, saving what is stored changes nothing, and submission is decided on what is
stored when the report is submitted."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, FilingState, Role
from redline.errors import InputError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries, review
from redline.services.principal import Principal
from redline.store.migrate import upgrade

PASSWORD = "correct-horse-42"


@dataclasses.dataclass
class Case:
    ctx: Context
    provider: Principal
    assessor: Principal
    filing_id: int
    items: list[str]

    def stored(self) -> tuple[dict[str, Any], list[str]]:
        view = queries.get_filing(self.ctx, self.provider, self.filing_id)
        return dict(view.filing.answers), [e.action for e in view.filing.events]


def _user(ctx: Context, name: str, role: Role, org: int) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def case(database_url: str, tmp_path: Path) -> Iterator[Case]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(
        ctx, today=lambda: dt.date(2026, 3, 2), now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    body = filings.create_organisation(ctx, "assessor", "评估中心（虚构）", "330106")
    provider, assessor = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, org), _user(ctx, "lab", Role.ASSESSOR, body)
    service = filings.add_service(ctx, provider, {"service": {"name": "声浪", "capabilities": ["voice_chat_room"]}})
    fid = filings.record_change(
        ctx,
        provider,
        service,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    yield Case(ctx, provider, assessor, fid, queries.get_filing(ctx, provider, fid).items)


def test_every_finding_keeps_its_own_severity_and_a_second_save_of_the_same_answers_changes_nothing(case: Case) -> None:
    c = case
    findings = [
        {"severity": "high", "text": "未留存源端口"},
        {"severity": "low", "text": "说明不清"},
        {"severity": "high", "text": "未留存源端口"},
    ]
    answers = {i: {"status": "met"} for i in c.items} | {c.items[0]: {"status": "partly_met", "findings": findings}}
    filings.save_answers(c.ctx, c.provider, c.filing_id, answers)
    stored, events = c.stored()
    assert stored[c.items[0]]["findings"] == findings
    filings.save_answers(c.ctx, c.provider, c.filing_id, stored)
    assert c.stored() == (stored, events)


def test_an_item_left_blank_is_not_stored_as_an_answer(case: Case) -> None:
    c = case
    filings.save_answers(
        c.ctx, c.provider, c.filing_id, {i: {"status": None, "reason": "", "findings": []} for i in c.items}
    )
    assert c.stored() == ({}, ["open"])


@pytest.mark.parametrize(
    "finding",
    [
        {"text": "x"},
        {"severity": "", "text": "x"},
        {"severity": None, "text": "x"},
        {"severity": "severe", "text": "x"},
        {"severity": "high", "text": "  "},
        "high: x",
        {"severity": "high", "text": ["x"]},
    ],
)
def test_a_finding_without_a_severity_or_a_text_is_refused_never_defaulted(case: Case, finding: object) -> None:
    c = case
    with pytest.raises(InputError) as refused:
        filings.save_answers(
            c.ctx, c.provider, c.filing_id, {c.items[0]: {"status": "partly_met", "findings": [finding]}}
        )
    assert (refused.value.field or "").startswith(f"answers.{c.items[0]}.findings.0")
    assert c.stored() == ({}, ["open"])


def test_findings_beyond_the_bound_are_refused(case: Case) -> None:
    c = case
    many = [{"severity": "low", "text": f"问题 {n}"} for n in range(filings.MAX_FINDINGS + 1)]
    with pytest.raises(InputError, match="at most"):
        filings.save_answers(c.ctx, c.provider, c.filing_id, {c.items[0]: {"status": "partly_met", "findings": many}})


def test_submission_is_refused_on_a_stored_serious_finding_and_allowed_once_it_is_removed(case: Case) -> None:
    c = case
    answers: dict[str, dict[str, Any]] = {i: {"status": "met"} for i in c.items}
    for severity in ("high", "critical"):
        answers[c.items[0]] = {"status": "partly_met", "findings": [{"severity": severity, "text": "隐患"}]}
        filings.save_answers(c.ctx, c.provider, c.filing_id, answers)
        with pytest.raises(InputError, match="hidden dangers"):
            review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    answers[c.items[0]] = {"status": "not_met"}
    filings.save_answers(c.ctx, c.provider, c.filing_id, answers)
    with pytest.raises(InputError, match="hidden dangers"):
        review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    assert queries.get_filing(c.ctx, c.provider, c.filing_id).filing.state == FilingState.DRAFT
    answers[c.items[0]] = {"status": "partly_met", "findings": [{"severity": "medium", "text": "待整改"}]}
    filings.save_answers(c.ctx, c.provider, c.filing_id, answers)
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    assert queries.get_filing(c.ctx, c.provider, c.filing_id).filing.state == FilingState.SUBMITTED


def test_saving_unchanged_answers_keeps_the_assessors_signature(case: Case) -> None:
    c = case
    filings.invite_assessor(c.ctx, c.provider, c.filing_id, "lab")
    filings.save_answers(c.ctx, c.assessor, c.filing_id, {i: {"status": "met"} for i in c.items})
    filings.sign_conclusion(c.ctx, c.assessor, c.filing_id, "经评估，符合要求。")
    stored, _ = c.stored()
    filings.save_answers(c.ctx, c.provider, c.filing_id, stored)
    assert queries.get_filing(c.ctx, c.provider, c.filing_id).filing.assessor_signed_at is not None
    filings.save_answers(c.ctx, c.provider, c.filing_id, {c.items[0]: {"status": "met", "reason": "补充说明"}})
    assert queries.get_filing(c.ctx, c.provider, c.filing_id).filing.assessor_signed_at is None
