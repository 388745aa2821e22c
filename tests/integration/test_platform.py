"""The filing cycle through the services, on a real database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, FilingState, Role, WorkflowError
from redline.errors import AuthenticationError, InputError, NotFoundError, PermissionDeniedError
from redline.services import audit
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries, review
from redline.services.filing.filing_deadlines import DeadlineKind
from redline.services.principal import Principal
from redline.store.db import make_engine
from redline.store.migrate import NotMigratedError, upgrade
from redline.store.models import ApiToken, AuditEntry, User

PASSWORD = "correct-horse-42"
SERVICE = {"service": {"name": "声浪", "capabilities": ["voice_chat_room", "group_chat"]}}


@dataclasses.dataclass
class World:
    ctx: Context
    provider: Principal
    member: Principal
    other_provider: Principal
    cac: Principal
    mps: Principal
    other_cac: Principal
    province: Principal
    assessor: Principal
    service_id: int


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    url = database_url
    upgrade(url)
    today = dt.date(2026, 3, 2)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs", max_upload_bytes=4096))
    ctx = dataclasses.replace(ctx, today=lambda: today, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    hz = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    sz = filings.create_organisation(ctx, "provider", "深圳拾光（虚构）", "440305")
    body = filings.create_organisation(ctx, "assessor", "评估中心（虚构）", "330106")
    w = World(
        ctx,
        _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, hz),
        _user(ctx, "hz-member", Role.PROVIDER_MEMBER, hz),
        _user(ctx, "sz-admin", Role.PROVIDER_ADMIN, sz),
        _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100"),
        _user(ctx, "hz-mps", Role.MPS_OFFICER, juris="330100"),
        _user(ctx, "sz-cac", Role.CAC_OFFICER, juris="440300"),
        _user(ctx, "zj-cac", Role.CAC_OFFICER, juris="330000"),
        _user(ctx, "assessor", Role.ASSESSOR, body),
        0,
    )
    w.service_id = filings.add_service(ctx, w.provider, SERVICE)
    yield w


def _filing(w: World) -> int:
    return filings.record_change(
        w.ctx,
        w.provider,
        w.service_id,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )


def _answer_all(w: World, filing_id: int, who: Principal | None = None) -> None:
    items = queries.get_filing(w.ctx, who or w.provider, filing_id).items
    filings.save_answers(w.ctx, who or w.provider, filing_id, {i: {"status": "met"} for i in items})


def test_the_whole_cycle_runs_and_every_step_is_audited(world: World) -> None:
    w = world
    fid = _filing(w)
    view = queries.get_filing(w.ctx, w.provider, fid)
    assert view.filing.state == FilingState.DRAFT
    assert [o["trigger_id"] for o in view.filing.obligations] == ["sa2018-3-1"]
    assert view.filing.due_date == dt.date(2026, 4, 1)
    with pytest.raises(NotFoundError):  # drafts are the provider's own business
        queries.get_filing(w.ctx, w.cac, fid)
    sha = filings.add_evidence(w.ctx, w.member, fid, view.items[0], "policy.txt", io.BytesIO("制度".encode()))
    _answer_all(w, fid, w.member)
    with pytest.raises(WorkflowError, match="provider_member may not 'submit'"):
        review.act(w.ctx, w.member, fid, Action.SUBMIT)
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    submitted = queries.get_filing(w.ctx, w.cac, fid).filing
    report = queries.submitted_report(w.ctx, w.cac, fid)
    assert submitted.report_digest == report["seal"]["digest"]
    assert {e["sha256"] for m in report["measures"] for i in m["items"] for e in i["evidence"]} == {sha}
    assert queries.get_filing(w.ctx, w.mps, fid).filing.state == FilingState.SUBMITTED  # both organs see it
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    review.comment(w.ctx, w.cac, fid, view.items[1], "请补充审核排班表")
    review.act(
        w.ctx,
        w.cac,
        fid,
        Action.ORDER_RECTIFICATION,
        "日志字段不全",
        {"items": [review.RectificationDemand("补齐源端口日志", dt.date(2026, 4, 30))]},
    )
    (item,) = queries.get_filing(w.ctx, w.provider, fid).rectification
    with pytest.raises(InputError, match="have no answer"):
        review.act(w.ctx, w.provider, fid, Action.SUBMIT_RECTIFICATION)
    review.answer_rectification(w.ctx, w.provider, fid, item.id, "已补齐")
    review.act(w.ctx, w.provider, fid, Action.SUBMIT_RECTIFICATION)
    with pytest.raises(PermissionDeniedError, match="other authority"):  # the CAC ordered it: the CAC verifies
        review.act(w.ctx, w.mps, fid, Action.VERIFY)
    review.act(w.ctx, w.cac, fid, Action.VERIFY)
    assert review.act(w.ctx, w.cac, fid, Action.CLOSE) is FilingState.SUBMITTED  # the police have not reviewed
    review.act(w.ctx, w.mps, fid, Action.START_REVIEW)
    review.act(w.ctx, w.mps, fid, Action.ACCEPT)
    assert review.act(w.ctx, w.mps, fid, Action.CLOSE) is FilingState.CLOSED
    final = queries.get_filing(w.ctx, w.provider, fid)
    assert [e.action for e in final.filing.events] == [
        "open",
        "evidence",
        "answers",
        "submit",
        "start_review",
        "comment",
        "order_rectification",
        "rectification_answer",
        "submit_rectification",
        "verify",
        "close",
        "start_review",
        "accept",
        "close",
    ]
    assert final.rectification[0].verified
    with w.ctx.uow() as uow:
        report = audit.verify(uow.session)
        actions = uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert report.ok
    steps = [a for a in actions if a.startswith("filing.")]  # documents issued have entries of their own
    assert steps[-3:] == ["filing.start_review", "filing.accept", "filing.close"]
    # the CAC's rectification order, verification and closure; the police's acceptance and closure
    assert actions.count("document.issue") == 5


def test_another_city_cannot_see_or_act_but_the_province_can(world: World) -> None:
    w = world
    fid = _filing(w)
    _answer_all(w, fid)
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    for outsider in (w.other_cac, w.other_provider, w.assessor):
        with pytest.raises(NotFoundError):
            queries.get_filing(w.ctx, outsider, fid)
        with pytest.raises(NotFoundError):
            review.act(w.ctx, outsider, fid, Action.START_REVIEW)
        assert queries.list_filings(w.ctx, outsider, queries.FilingFilter())[1] == 0
    assert queries.get_filing(w.ctx, w.province, fid).filing.id == fid


def test_a_reassessment_goes_back_to_draft_and_a_supplement_gets_a_working_day_deadline(world: World) -> None:
    w = world
    fid = _filing(w)
    _answer_all(w, fid)
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    review.act(w.ctx, w.cac, fid, Action.REQUEST_SUPPLEMENT, "补充材料")
    # 15 working days from Monday 2 March 2026, a deadline of its own; the statutory one stays
    view = queries.get_filing(w.ctx, w.provider, fid)
    assert [(d.kind, d.due) for d in view.deadlines if d.kind is DeadlineKind.SUPPLEMENT] == [
        (DeadlineKind.SUPPLEMENT, dt.date(2026, 3, 23))
    ]
    assert view.filing.due_date == dt.date(2026, 4, 1)
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    review.act(w.ctx, w.mps, fid, Action.START_REVIEW)
    review.act(w.ctx, w.mps, fid, Action.ORDER_REASSESSMENT, "评估方法明显不当")
    assert review.act(w.ctx, w.member, fid, Action.REOPEN) is FilingState.DRAFT


def test_a_notice_opens_a_filing_the_provider_then_starts(world: World) -> None:
    w = world
    fid = filings.notify(w.ctx, w.cac, w.service_id, "杭网信〔2026〕1号", "发现语音房存在动员风险")
    view = queries.get_filing(w.ctx, w.provider, fid)
    assert view.filing.state == FilingState.NOTICE_ISSUED
    assert [o["trigger_id"] for o in view.filing.obligations] == ["sa2018-3-5"]
    with pytest.raises(NotFoundError, match=f"^no service {w.service_id}$"):  # as if absent (issue 15, B12)
        filings.notify(w.ctx, w.other_cac, w.service_id, "", "越权")
    assert review.act(w.ctx, w.provider, fid, Action.START) is FilingState.DRAFT


def test_an_invited_assessor_must_sign_and_a_later_edit_voids_the_signature(world: World) -> None:
    w = world
    fid = _filing(w)
    filings.invite_assessor(w.ctx, w.provider, fid, "assessor")
    _answer_all(w, fid, w.assessor)
    with pytest.raises(InputError, match="has not signed"):
        review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    filings.sign_conclusion(w.ctx, w.assessor, fid, "经评估，符合要求。")
    # the provider edits after the signature (saving the same answers again changes nothing: issue 17)
    items = queries.get_filing(w.ctx, w.provider, fid).items
    filings.save_answers(w.ctx, w.provider, fid, {items[0]: {"status": "met", "reason": "补充"}})
    with pytest.raises(InputError, match="has not signed"):
        review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    filings.sign_conclusion(w.ctx, w.assessor, fid, "复核后，符合要求。")
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    report = queries.submitted_report(w.ctx, w.provider, fid)
    assert report is not None and report["assessment"]["assessor"]["kind"] == "third_party"


def test_a_summons_is_recorded_only_within_the_jurisdiction(world: World) -> None:
    w = world
    provider_id = w.provider.organisation_id
    assert provider_id is not None
    record = review.SummonsRecord(
        provider_id,
        dt.date(2026, 3, 5),
        "杭州市网信办、杭州市公安局",
        "法定代表人",
        "未开展安全评估即上线一对一语音",
        "十五个工作日内补做评估",
        dt.date(2026, 3, 25),
    )
    sid = review.record_summons(w.ctx, w.cac, record)
    assert queries.get_summons(w.ctx, w.provider, sid).problems.startswith("未开展")
    with pytest.raises(NotFoundError, match=f"^no provider {provider_id}$"):  # as if absent (issue 15, B12)
        review.record_summons(w.ctx, w.other_cac, record)
    with pytest.raises(NotFoundError):
        queries.get_summons(w.ctx, w.other_provider, sid)


def test_a_hidden_danger_blocks_submission(world: World) -> None:
    w = world
    fid = _filing(w)
    items = queries.get_filing(w.ctx, w.provider, fid).items
    answers = {i: {"status": "met"} for i in items} | {items[0]: {"status": "not_met"}}
    filings.save_answers(w.ctx, w.provider, fid, answers)
    with pytest.raises(InputError, match="rectify them before submitting"):
        review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    assert queries.get_filing(w.ctx, w.provider, fid).filing.state == FilingState.DRAFT


def test_evidence_over_the_limit_or_of_an_unknown_type_is_refused_and_nothing_stays(world: World) -> None:
    w = world
    fid = _filing(w)
    with pytest.raises(InputError, match="larger than 4096"):
        filings.add_evidence(w.ctx, w.provider, fid, None, "big.txt", io.BytesIO(b"a" * 5000))
    with pytest.raises(InputError, match="not accepted"):
        filings.add_evidence(w.ctx, w.provider, fid, None, "x.exe", io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00" * 8))
    assert queries.get_filing(w.ctx, w.provider, fid).evidence == []
    assert [p.name for p in w.ctx.blobs.root.rglob("*") if p.is_file()] == []


def test_logins_are_throttled_and_tokens_can_be_revoked(world: World) -> None:
    w = world
    for _ in range(w.ctx.settings.login_max_failures):
        with pytest.raises(AuthenticationError):
            accounts.login(w.ctx, "hz-admin", "wrong-password-1")
    with pytest.raises(AuthenticationError):  # locked, and answering like a wrong password (issue 15, B13)
        accounts.login(w.ctx, "hz-admin", PASSWORD)
    token = accounts.create_api_token(w.ctx, w.cac, "ci")
    assert accounts.token_principal(w.ctx, token) == w.cac
    with w.ctx.uow() as uow:
        token_id = uow.session.scalars(select(ApiToken.id)).one()
    accounts.revoke_api_token(w.ctx, w.cac, token_id)
    assert accounts.token_principal(w.ctx, token) is None


def test_weak_passwords_and_misplaced_accounts_are_refused(world: World) -> None:
    w = world
    with pytest.raises(InputError, match="at least 10"):
        accounts.create_user(w.ctx, accounts.NewUser("x-user", "short1", Role.ASSESSOR))
    with pytest.raises(InputError, match="needs a jurisdiction"):
        accounts.create_user(w.ctx, accounts.NewUser("x-cac", PASSWORD, Role.CAC_OFFICER, jurisdiction="330106"))
    with pytest.raises(InputError, match="provider organisation"):
        accounts.create_user(w.ctx, accounts.NewUser("x-prov", PASSWORD, Role.PROVIDER_ADMIN))


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder", "truncate"])
def test_audit_verify_finds_any_tampering(world: World, tamper: str) -> None:
    w = world
    _filing(w)
    with w.ctx.uow() as uow:
        s = uow.session
        assert audit.verify(s).ok
        n = s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        assert n is not None and n > 4
        if tamper == "edit":
            s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone-else"))
        elif tamper == "delete":
            s.delete(s.get(AuditEntry, 3))
        elif tamper == "reorder":
            a, b = s.get(AuditEntry, 3), s.get(AuditEntry, 4)
            assert a and b
            a.data, b.data = b.data, a.data
            a.action, b.action = b.action, a.action
            a.hash, b.hash = b.hash, a.hash
        else:
            s.delete(s.get(AuditEntry, n))
        s.commit()
        result = audit.verify(s)
    assert not result.ok
    assert result.first_broken == {"edit": 3, "delete": 3, "reorder": 3, "truncate": n}[tamper]


def test_the_app_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"
    with pytest.raises(NotMigratedError, match="redline db upgrade"):
        build_context(Settings(database_url=url, blob_dir=tmp_path), engine=make_engine(url))
    assert User.__tablename__ == "users"


def test_a_notice_names_the_officers_organ_and_level(world: World) -> None:
    # Art. 3(5): 地市级以上网信部门或者公安机关书面通知; the explanation names who actually sent it.
    w = world
    national = _user(w.ctx, "cac-hq", Role.CAC_OFFICER, juris="100000")
    fid = filings.notify(w.ctx, national, w.service_id, "国网信〔2026〕1号", "请开展安全评估")
    filing = queries.get_filing(w.ctx, w.provider, fid).filing
    assert filing.change["notice"]["issuer"] == {"kind": "cac", "name": "cac-hq", "national": True}
    assert filing.obligations[0]["explanation"]["zh"].startswith("cac-hq（网信部门，国家级）")
    city = queries.get_filing(w.ctx, w.provider, filings.notify(w.ctx, w.mps, w.service_id, "杭公1号", "")).filing
    assert [o["trigger_id"] for o in city.obligations] == ["sa2018-3-5"]
    assert city.obligations[0]["explanation"]["zh"].startswith("hz-mps（公安机关，浙江省杭州市，地市级）")


def test_a_compound_change_with_the_new_fields_is_recorded(world: World) -> None:
    w = world
    fid = filings.record_change(
        w.ctx,
        w.provider,
        w.service_id,
        {
            "date": "2026-04-01",
            "capabilities": ["voice_cloning"],
            "technologies": ["deep_learning"],
            "capabilities_removed": ["group_chat"],
        },
    )
    ids = {o["trigger_id"] for o in queries.get_filing(w.ctx, w.provider, fid).filing.obligations}
    assert {"sa2018-3-2", "dsm2022-19", "dsm2022-16"} <= ids
    with pytest.raises(InputError, match="at least one fact"):
        filings.record_change(w.ctx, w.provider, w.service_id, {"date": "2026-04-01"})
