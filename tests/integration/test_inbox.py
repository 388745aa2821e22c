"""The inbox through the services, on SQLite and PostgreSQL: who is told of a request, how long its banner
stays, reading and counting; and the e-mail and webhook that tell of it, sent by a background job to a real
SMTP server and webhook receiver on loopback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.errors import InputError, NotFoundError
from redline.services import audit
from redline.services.background import jobs
from redline.services.context import Context
from redline.services.filing import filings, issued_documents, queries, review
from redline.services.inbox import reading
from redline.services.principal import Principal
from redline.services.reminders import contacts
from redline.services.reminders.inbox_mail import send_news
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry, InboxDelivery, InboxItem, Job, User
from tests.integration.test_reminders import SECRET, Mailbox, Receiver, _free_port

TODAY = dt.date(2026, 3, 2)
DUE = dt.date(2026, 3, 16)
REASON = "请补充网络日志留存六个月的证明材料"
SERVICE = {"service": {"name": "声浪", "capabilities": ["voice_chat_room", "group_chat"]}}


@dataclasses.dataclass
class World:
    ctx: Context
    admin: Principal
    member: Principal
    other_provider: Principal
    cac: Principal
    mps: Principal
    province_cac: Principal
    other_cac: Principal
    service_id: int


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    """An account without a usable password: these tests never log in, and hashing costs seconds."""
    with ctx.uow() as uow:
        user = User(
            username=name,
            display_name=f"{name}（虚构）",
            password_hash="!",
            role=role.value,
            organisation_id=org,
            jurisdiction=juris,
        )
        uow.session.add(user)
        uow.commit()
        return Principal.of(user)


def _world(ctx: Context) -> World:
    hz = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    sz = filings.create_organisation(ctx, "provider", "深圳拾光（虚构）", "440305")
    admin = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, hz)
    other = _user(ctx, "sz-admin", Role.PROVIDER_ADMIN, sz)
    filings.add_service(ctx, other, SERVICE)
    return World(
        ctx,
        admin,
        _user(ctx, "hz-member", Role.PROVIDER_MEMBER, hz),
        other,
        _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100"),
        _user(ctx, "hz-mps", Role.MPS_OFFICER, juris="330100"),
        _user(ctx, "zj-cac", Role.CAC_OFFICER, juris="330000"),
        _user(ctx, "sz-cac", Role.CAC_OFFICER, juris="440300"),
        filings.add_service(ctx, admin, SERVICE),
    )


def _ctx(database_url: str, tmp_path: Path, **settings: object) -> Context:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", **settings))  # type: ignore[arg-type]
    return dataclasses.replace(ctx, today=lambda: TODAY, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> World:
    return _world(_ctx(database_url, tmp_path))


def _submitted(w: World) -> int:
    fid = filings.record_change(
        w.ctx,
        w.admin,
        w.service_id,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    items = queries.get_filing(w.ctx, w.admin, fid).items
    filings.save_answers(w.ctx, w.admin, fid, {i: {"status": "met"} for i in items})
    review.act(w.ctx, w.admin, fid, Action.SUBMIT)
    return fid


def _supplement_requested(w: World) -> int:
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    review.act(w.ctx, w.cac, fid, Action.REQUEST_SUPPLEMENT, REASON, {"due": DUE})
    return fid


def _kinds(w: World, p: Principal, kind: str | None = None) -> list[str]:
    return [i.kind for i in reading.list_items(w.ctx, p, kind=kind).items]


def test_a_supplement_request_lands_unread_with_the_providers_users_and_no_one_else(world: World) -> None:
    w = world
    fid = _supplement_requested(w)
    for p in (w.admin, w.member):
        page = reading.list_items(w.ctx, p)
        assert [i.kind for i in page.items] == ["supplement_request"] and page.unread == 1
        (item,) = page.items
        assert (item.note, item.due, item.link, item.authority) == (REASON, DUE, f"/filings/{fid}", "cac")
        assert item.filing_title and not item.read and item.owed and item.document_reference
        assert reading.unread_count(w.ctx, p) == 1
        (banner,) = reading.banners(w.ctx, p, fid)
        assert (banner.kind, banner.note, banner.due) == ("supplement_request", REASON, DUE)
    assert (
        reading.list_items(w.ctx, w.other_provider).items == [] and reading.unread_count(w.ctx, w.other_provider) == 0
    )
    assert reading.banners(w.ctx, w.other_provider) == []
    # the submission went to the nearest office of each authority over Hangzhou, not the province's or Shenzhen's
    assert _kinds(w, w.cac) == ["submission"] and _kinds(w, w.mps) == ["submission"]
    assert _kinds(w, w.province_cac) == [] and _kinds(w, w.other_cac) == []
    # the CAC took the report up: its submission asks nothing any more; the police's still does
    assert reading.banners(w.ctx, w.cac, fid) == [] and [b.kind for b in reading.banners(w.ctx, w.mps, fid)] == [
        "submission"
    ]
    with w.ctx.reader() as uow:
        told = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "inbox.deliver")).all()
        assert len(told) == 2 and audit.verify(uow.session).ok


def test_resubmitting_clears_the_banner_though_nobody_read_the_request(world: World) -> None:
    w = world
    fid = _supplement_requested(w)
    reading.mark_read(w.ctx, w.member, reading.list_items(w.ctx, w.member).items[0].id)
    assert reading.banners(w.ctx, w.member, fid)  # read is not done: the banner stays
    review.act(w.ctx, w.admin, fid, Action.SUBMIT)
    assert reading.banners(w.ctx, w.admin, fid) == [] and reading.banners(w.ctx, w.member) == []
    (item,) = reading.list_items(w.ctx, w.admin).items
    assert not item.read and not item.owed and reading.unread_count(w.ctx, w.admin) == 1
    # both authorities are told of the new version; the CAC has it to take up again, the police already review
    assert _kinds(w, w.cac) == ["resubmission", "submission"]
    assert [b.kind for b in reading.banners(w.ctx, w.cac, fid)] == ["resubmission"]


def test_marking_read_counts_down_and_another_users_item_is_not_found(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    review.comment(w.ctx, w.cac, fid, queries.get_filing(w.ctx, w.cac, fid).items[0], "日志字段说明不清")
    review.act(w.ctx, w.cac, fid, Action.REQUEST_SUPPLEMENT, REASON, {"due": DUE})
    page = reading.list_items(w.ctx, w.admin)
    assert [i.kind for i in page.items] == ["supplement_request", "review_comment"]  # newest first
    assert page.unread == 2 == reading.unread_count(w.ctx, w.admin)
    first = page.items[-1]
    with pytest.raises(NotFoundError):
        reading.mark_read(w.ctx, w.other_provider, first.id)
    with pytest.raises(NotFoundError):
        reading.mark_read(w.ctx, w.cac, first.id)
    reading.mark_read(w.ctx, w.admin, first.id)
    reading.mark_read(w.ctx, w.admin, first.id)  # twice: nothing more happens
    assert reading.unread_count(w.ctx, w.admin) == page.unread - 1
    assert reading.unread_count(w.ctx, w.member) == page.unread  # each user reads their own
    assert [i.id for i in reading.list_items(w.ctx, w.admin, unread_only=True).items] == [
        i.id for i in page.items if i.id != first.id
    ]
    assert reading.mark_all_read(w.ctx, w.admin) == page.unread - 1
    assert reading.unread_count(w.ctx, w.admin) == 0 and reading.mark_all_read(w.ctx, w.admin) == 0
    with pytest.raises(InputError):
        reading.list_items(w.ctx, w.admin, kind="drop table")
    with w.ctx.reader() as uow:
        actions = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("inbox.read%"))).all()
    assert sorted(actions) == ["inbox.read", "inbox.read_all"]


def test_a_review_comment_tells_and_asks_nothing(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    review.comment(w.ctx, w.cac, fid, queries.get_filing(w.ctx, w.cac, fid).items[0], "日志字段说明不清")
    (item,) = reading.list_items(w.ctx, w.admin, kind="review_comment").items
    assert item.note == "日志字段说明不清" and not item.owed and reading.banners(w.ctx, w.admin) == []


def test_a_rectification_order_stands_until_answered_and_the_answer_goes_to_the_office_that_ordered(
    world: World,
) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.province_cac, fid, Action.START_REVIEW)
    due = TODAY + dt.timedelta(days=20)
    demand = review.RectificationDemand("补齐源端口日志", due)
    review.act(w.ctx, w.province_cac, fid, Action.ORDER_RECTIFICATION, "日志不全", {"items": [demand]})
    (banner,) = reading.banners(w.ctx, w.admin, fid)
    assert (banner.kind, banner.note, banner.due) == ("rectification_order", "日志不全", due)
    item_id = queries.get_filing(w.ctx, w.admin, fid).rectification[0].id
    review.answer_rectification(w.ctx, w.admin, fid, item_id, "已补齐")
    assert reading.banners(w.ctx, w.admin, fid)  # answering an item is not yet submitting the rectification
    review.act(w.ctx, w.admin, fid, Action.SUBMIT_RECTIFICATION)
    assert reading.banners(w.ctx, w.admin, fid) == []
    assert "rectification_answer" in _kinds(w, w.province_cac)
    assert "rectification_answer" not in _kinds(w, w.cac) + _kinds(w, w.mps)
    review.act(w.ctx, w.province_cac, fid, Action.VERIFY)
    assert reading.banners(w.ctx, w.province_cac, fid) == []
    assert [b.kind for b in reading.banners(w.ctx, w.admin, fid)] == ["document"]  # the verification, to sign for


def test_a_document_asks_for_its_acknowledgement_and_the_issuing_office_learns_of_it(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.mps, fid, Action.START_REVIEW)
    review.act(w.ctx, w.mps, fid, Action.ACCEPT, "审查通过")
    (banner,) = reading.banners(w.ctx, w.member, fid)
    assert banner.kind == "document" and banner.document_reference.startswith("杭公评")
    (document,) = [d for d in issued_documents.list_documents(w.ctx, w.admin, filing_id=fid) if d.kind == "acceptance"]
    issued_documents.acknowledge(w.ctx, w.member, document.id)
    assert reading.banners(w.ctx, w.member, fid) == [] and reading.banners(w.ctx, w.admin, fid) == []
    assert _kinds(w, w.mps, kind="document_acknowledged") == ["document_acknowledged"]
    assert _kinds(w, w.cac, kind="document_acknowledged") == []


def test_a_summons_lands_with_the_provider_it_names_and_links_to_it(world: World) -> None:
    w = world
    assert w.admin.organisation_id is not None
    summons_id = review.record_summons(
        w.ctx,
        w.cac,
        review.SummonsRecord(
            w.admin.organisation_id, TODAY, "杭州市网信办", "法定代表人", "日志缺失", "十日内整改", DUE
        ),
    )
    (item,) = reading.list_items(w.ctx, w.admin).items
    assert (item.kind, item.link, item.due, item.note) == ("summons", f"/summonses/{summons_id}", DUE, "十日内整改")
    assert [b.kind for b in reading.banners(w.ctx, w.admin)] == ["summons"]
    assert reading.list_items(w.ctx, w.other_provider).items == []


# ---- e-mail and webhook, by the background job -------------------------------------------------------------


@dataclasses.dataclass
class Wired:
    world: World
    mail: Mailbox
    hooks: Receiver
    hook_url: str


@pytest.fixture
def wired(database_url: str, tmp_path: Path) -> Iterator[Wired]:
    mail, port = Mailbox(), _free_port()
    smtp = Controller(mail, hostname="127.0.0.1", port=port)
    smtp.start()
    hooks = Receiver()
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    ctx = _ctx(
        database_url,
        tmp_path,
        smtp_port=port,
        outbound_allowed_hosts="127.0.0.1",
        smtp_from="redline@example.test",
        public_url="https://redline.example.test",
        job_backend="inline",
    )
    w = _world(ctx)
    contacts.set_email(ctx, "hz-admin", "admin@hz.example.test")  # hz-member has no address: no e-mail
    contacts.set_email(ctx, "sz-admin", "admin@sz.example.test")
    url = f"http://127.0.0.1:{hooks.server_address[1]}/redline"
    assert w.admin.organisation_id is not None
    contacts.add_webhook(ctx, w.admin.organisation_id, url, SECRET)
    yield Wired(w, mail, hooks, url)
    smtp.stop()
    hooks.shutdown()


def _inbox_jobs(ctx: Context) -> list[int]:
    with ctx.reader() as uow:
        return list(uow.session.scalars(select(Job.id).where(Job.kind == "inbox_mail").order_by(Job.id)))


def test_a_request_is_mailed_and_posted_to_the_providers_contacts_by_a_background_job(wired: Wired) -> None:
    w = wired.world
    fid = _submitted(w)
    assert _inbox_jobs(w.ctx) == []  # the submission told officers with no address: nothing to send
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    review.act(w.ctx, w.cac, fid, Action.REQUEST_SUPPLEMENT, REASON, {"due": DUE})
    (job_id,) = _inbox_jobs(w.ctx)
    job = jobs.wait(w.ctx, job_id, 60)
    assert job.state == "done" and job.result == {"sent": 2, "failed": 0, "skipped": 0}

    (message,) = wired.mail.messages
    assert message["To"] == "admin@hz.example.test"
    assert "补充材料要求" in message["Subject"] and "Supplement request" in message["Subject"]
    body = message.get_content()
    assert f"监管部门要求补充材料：{REASON}，截止 2026-03-16" in body
    assert f"The regulator asks for supplementary materials: {REASON}, due 2026-03-16" in body
    assert f"https://redline.example.test/filings/{fid}" in body and body.index("English") > body.index(REASON)
    (call,) = wired.hooks.calls
    assert call["valid"] and call["payload"]["event"] == "inbox.item"
    assert call["payload"]["kind"] == "supplement_request" and call["payload"]["filing"]["id"] == fid
    assert call["payload"]["due"] == "2026-03-16" and call["payload"]["note"] == REASON

    assert send_news(w.ctx, f"event:{_event_of(w, fid)}") == {"sent": 0, "failed": 0, "skipped": 2}
    assert len(wired.mail.messages) == 1 and len(wired.hooks.calls) == 1  # a second run sends nothing twice
    with w.ctx.reader() as uow:
        rows = uow.session.scalars(select(InboxDelivery)).all()
        assert {(r.channel, r.recipient, r.status) for r in rows} == {
            ("email", "admin@hz.example.test", "sent"),
            ("webhook", wired.hook_url, "sent"),
        }
        assert len(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "inbox.mail")).all()) == 2


def test_a_failed_message_is_recorded_and_sent_when_the_job_runs_again(wired: Wired) -> None:
    w = wired.world
    wired.hooks.fail = True
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    review.act(w.ctx, w.cac, fid, Action.REQUEST_SUPPLEMENT, REASON, {"due": DUE})
    (job_id,) = _inbox_jobs(w.ctx)
    assert jobs.wait(w.ctx, job_id, 60).result == {"sent": 1, "failed": 1, "skipped": 0}
    with w.ctx.reader() as uow:
        failed = uow.session.scalars(select(InboxDelivery).where(InboxDelivery.status == "failed")).one()
        assert failed.channel == "webhook" and "HTTP 500" in failed.error
    wired.hooks.fail = False
    assert send_news(w.ctx, f"event:{_event_of(w, fid)}") == {"sent": 1, "failed": 0, "skipped": 1}
    assert len(wired.mail.messages) == 1 and len(wired.hooks.calls) == 2


def _event_of(w: World, fid: int) -> int:
    with w.ctx.reader() as uow:
        cause = uow.session.scalars(
            select(InboxItem.cause).where(InboxItem.filing_id == fid, InboxItem.kind == "supplement_request")
        ).first()
    assert cause is not None
    return int(cause.split(":")[1])
