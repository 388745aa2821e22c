"""Deadline reminders against a real SMTP server (aiosmtpd) and a real webhook receiver, both on
loopback, with a fixed `today`: stages, idempotence, failure and retry, escalation to regulators."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.errors import InputError
from redline.services import audit
from redline.services.background import jobs
from redline.services.context import Context
from redline.services.filing import dashboards, filings, queries, review
from redline.services.principal import Principal
from redline.services.reminders import contacts
from redline.services.reminders.notify import signature
from redline.services.reminders.reminders import run_reminders
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry, Filing, Job, Reminder, User

TODAY = dt.date(2026, 3, 2)
SECRET = "s3cret-for-the-tests-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class Receiver(ThreadingHTTPServer):
    """Webhook receiver: checks the signature as docs/reminders.md tells a receiver to."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.calls: list[dict[str, Any]] = []
        self.fail = False
        self.delay = 0.0  # seconds before answering: a slow receiver widens the window for overlapping runs


class _Hook(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Redline-Timestamp"]
        valid = self.headers["X-Redline-Signature"] == signature(SECRET, timestamp, body)
        self.server.calls.append({"valid": valid, "payload": json.loads(body), "path": self.path})
        time.sleep(self.server.delay)
        self.send_response(500 if self.server.fail else 204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@dataclasses.dataclass
class World:
    ctx: Context
    mail: Mailbox
    hooks: Receiver
    provider: Principal
    cac: Principal
    other_cac: Principal
    filings: dict[str, int]


def _user(
    ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None, mail: str | None = None
) -> Principal:
    """An account without a usable password: these tests never log in, and hashing costs seconds."""
    with ctx.uow() as uow:
        user = User(
            username=name,
            display_name=name,
            password_hash="!",
            role=role.value,
            organisation_id=org,
            jurisdiction=juris,
        )
        uow.session.add(user)
        uow.commit()
        principal = Principal.of(user)
    if mail:
        contacts.set_email(ctx, name, mail)
    return principal


def _set_due(ctx: Context, filing_id: int, due: dt.date) -> None:
    with ctx.uow() as uow:
        uow.session.execute(update(Filing).where(Filing.id == filing_id).values(due_date=due))
        uow.commit()


def _filings(ctx: Context, provider: Principal, cac: Principal, service_id: int) -> dict[str, int]:
    change = {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]}
    ids = {
        "week": filings.record_change(ctx, provider, service_id, change),
        "later": filings.record_change(ctx, provider, service_id, change),
        "today": filings.notify(ctx, cac, service_id, "通知-1", "请评估"),
        "late": filings.notify(ctx, cac, service_id, "通知-2", "请评估"),
        "fix": filings.record_change(ctx, provider, service_id, change),
    }
    for name, due in (
        ("week", TODAY + dt.timedelta(days=7)),
        ("later", TODAY + dt.timedelta(days=30)),
        ("today", TODAY),
        ("late", TODAY - dt.timedelta(days=3)),
    ):
        _set_due(ctx, ids[name], due)
    fix = ids["fix"]
    items = queries.get_filing(ctx, provider, fix).items
    filings.save_answers(ctx, provider, fix, {i: {"status": "met"} for i in items})
    review.act(ctx, provider, fix, Action.SUBMIT)
    review.act(ctx, cac, fix, Action.START_REVIEW)
    review.act(
        ctx,
        cac,
        fix,
        Action.ORDER_RECTIFICATION,
        "日志字段不全",
        {
            "items": [
                review.RectificationDemand("补齐源端口日志", TODAY + dt.timedelta(days=1)),
                review.RectificationDemand("补齐留存期限", TODAY + dt.timedelta(days=1)),
            ]
        },
    )
    return ids


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(database_url)
    mail, smtp_port = Mailbox(), _free_port()
    smtp = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    hooks = Receiver()
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    settings = Settings(
        database_url=database_url,
        blob_dir=tmp_path / "blobs",
        smtp_port=smtp_port,
        outbound_allowed_hosts="127.0.0.1",  # the test receiver: loopback, allowed by the operator
        smtp_from="redline@example.test",
        public_url="https://redline.example.test",
        job_backend="inline",
    )
    ctx = dataclasses.replace(
        build_context(settings), today=lambda: TODAY, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    hz = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    sz = filings.create_organisation(ctx, "provider", "深圳拾光（虚构）", "440305")
    provider = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, hz, mail="admin@hz.example.test")
    _user(ctx, "hz-member", Role.PROVIDER_MEMBER, hz, mail="member@hz.example.test")
    _user(ctx, "hz-quiet", Role.PROVIDER_MEMBER, hz)  # no address: nothing for them
    sz_admin = _user(ctx, "sz-admin", Role.PROVIDER_ADMIN, sz, mail="admin@sz.example.test")
    cac = _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100", mail="cac@hz.example.test")
    _user(ctx, "zj-cac", Role.CAC_OFFICER, juris="330000", mail="cac@zj.example.test")
    other = _user(ctx, "sz-cac", Role.CAC_OFFICER, juris="440300", mail="cac@sz.example.test")
    contacts.add_webhook(ctx, hz, f"http://127.0.0.1:{hooks.server_address[1]}/redline", SECRET)
    service_id = filings.add_service(ctx, provider, {"service": {"name": "声浪", "capabilities": ["voice_chat_room"]}})
    filings.add_service(ctx, sz_admin, {"service": {"name": "拾光", "capabilities": ["voice_chat_room"]}})
    world = World(ctx, mail, hooks, provider, cac, other, _filings(ctx, provider, cac, service_id))
    _after_the_inbox_mail(world)
    yield world
    smtp.stop()
    hooks.shutdown()


def _after_the_inbox_mail(w: World) -> None:
    """The notices and orders made above were mailed to the inbox's recipients too (tests/integration/test_inbox.py);
    these tests count deadline reminders, so they begin once those messages are out."""
    with w.ctx.reader() as uow:
        queued = uow.session.scalars(select(Job.id).where(Job.kind == "inbox_mail")).all()
    assert queued  # the contacts above were told, so the counts below do not count those messages
    for job_id in queued:
        assert jobs.wait(w.ctx, job_id, 60).state == "done"
    w.mail.messages.clear()
    w.hooks.calls.clear()


def _sent(summary: Any) -> set[tuple[int, str, str, str]]:
    return {(o.filing_id, o.stage, o.channel, o.recipient) for o in summary.outcomes if o.status == "sent"}


def test_reminders_go_out_before_on_and_after_the_due_date_to_the_right_people(world: World) -> None:
    w, f = world, world.filings
    summary = run_reminders(w.ctx, TODAY)
    hook = f"http://127.0.0.1:{w.hooks.server_address[1]}/redline"
    provider = {"admin@hz.example.test", "member@hz.example.test"}
    expected = {
        (f[name], stage, "email", a)
        for name, stage in (("week", "before-7"), ("today", "due"), ("late", "overdue"), ("fix", "before-1"))
        for a in provider
    }
    expected |= {
        (f[name], stage, "webhook", hook)
        for name, stage in (("week", "before-7"), ("today", "due"), ("late", "overdue"), ("fix", "before-1"))
    }
    expected |= {
        (f["late"], "overdue", "escalation", "regulator-queue"),
        (f["late"], "overdue", "email", "cac@hz.example.test"),
        (f["late"], "overdue", "email", "cac@zj.example.test"),
    }
    assert _sent(summary) == expected and summary.count("failed") == 0
    assert len(w.mail.messages) == 4 * 2 + 2 and not w.mail.to("cac@sz.example.test")
    assert not w.mail.to("admin@sz.example.test")

    (late,) = [m for m in w.mail.to("admin@hz.example.test") if f"#{f['late']}" in m.get_content()]
    body = late.get_content()
    assert "已逾期3天" in late["Subject"] and "overdue by 3 days" in late["Subject"]
    assert body.index("2026-02-27") < body.index("English")  # Chinese first, English below
    assert f"https://redline.example.test/filings/{f['late']}" in body and "《" in body
    (fix,) = [m for m in w.mail.to("member@hz.example.test") if "整改" in m["Subject"]]
    assert "补齐源端口日志" in fix.get_content() and "due in 1 day:" in fix["Subject"]

    assert len(w.hooks.calls) == 4 and all(c["valid"] for c in w.hooks.calls)
    payload = next(c["payload"] for c in w.hooks.calls if c["payload"]["stage"] == "overdue")
    assert payload["filing"]["id"] == f["late"] and payload["due"] == "2026-02-27" and payload["days_left"] == -3
    assert payload["escalated"] is False and payload["kind"] == "submission"

    with w.ctx.reader() as uow:
        entries = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("reminder.%"))).all()
        assert audit.verify(uow.session).ok
    assert sorted(entries) == sorted(["reminder.send"] * 14 + ["reminder.escalate"])


def test_a_second_run_the_same_day_sends_nothing_twice(world: World) -> None:
    first = run_reminders(world.ctx, TODAY)
    second = run_reminders(world.ctx, TODAY)
    assert second.count("sent") == 0 and second.count("skipped") == first.count("sent") == 15
    assert len(world.mail.messages) == 10 and len(world.hooks.calls) == 4
    tomorrow = run_reminders(world.ctx, TODAY + dt.timedelta(days=1))  # new stages: new reminders
    assert {(o.filing_id, o.stage) for o in tomorrow.outcomes if o.status == "sent"} == {
        (world.filings["fix"], "due"),
        (world.filings["today"], "overdue"),
    }


def test_two_runs_at_once_deliver_each_reminder_exactly_once_and_neither_crashes(world: World) -> None:
    world.hooks.delay = 0.3
    summaries: list[Any] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(2)

    def run() -> None:
        gate.wait()
        try:
            summaries.append(run_reminders(world.ctx, TODAY))
        except BaseException as exc:  # the test reports it below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(s.count("sent") for s in summaries) == 15
    assert len(world.hooks.calls) == 4 and len(world.mail.messages) == 10
    with world.ctx.reader() as uow:
        rows = uow.session.scalars(select(Reminder)).all()
        sends = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["reminder.send", "reminder.escalate"]))
        ).all()
    assert len(rows) == 15 and {r.status for r in rows} == {"sent"} and len(sends) == 15


def test_a_title_with_a_line_break_stored_before_names_were_checked_still_gets_its_mail(world: World) -> None:
    with world.ctx.uow() as uow:  # as a row written before line breaks were refused at entry
        uow.session.execute(
            update(Filing).where(Filing.id == world.filings["late"]).values(title="声浪\r\nBcc: attacker@example.test")
        )
        uow.commit()
    summary = run_reminders(world.ctx, TODAY)
    assert summary.count("failed") == 0 and summary.count("sent") == 15
    late = [m for m in world.mail.messages if "Bcc: attacker" in m["Subject"]]
    assert late and all("\n" not in m["Subject"] and m["Bcc"] is None for m in late)


def test_a_failed_delivery_is_recorded_and_retried_by_the_next_run(world: World) -> None:
    w = world
    w.hooks.fail = True
    down = dataclasses.replace(w.ctx, settings=w.ctx.settings.model_copy(update={"smtp_port": _free_port()}))
    failed = run_reminders(down, TODAY)
    assert failed.count("sent") == 1 and failed.count("failed") == 14  # only the escalation needs no network
    assert any("HTTP 500" in o.error for o in failed.outcomes if o.channel == "webhook")
    assert all("Connection" in o.error or "refused" in o.error for o in failed.outcomes if o.channel == "email")
    with w.ctx.reader() as uow:
        assert {r.status for r in uow.session.scalars(select(Reminder).where(Reminder.channel != "escalation"))} == {
            "failed"
        }
    w.hooks.fail = False
    retried = run_reminders(w.ctx, TODAY)
    assert retried.count("sent") == 14 and retried.count("skipped") == 1
    with w.ctx.reader() as uow:
        rows = uow.session.scalars(select(Reminder)).all()
    assert len(rows) == 15 and {r.status for r in rows} == {"sent"} and all(r.error == "" for r in rows)


def test_a_dry_run_sends_and_records_nothing_and_bad_contacts_are_refused(world: World) -> None:
    planned = run_reminders(world.ctx, TODAY, dry_run=True)
    assert planned.count("planned") == 15 and not world.mail.messages and not world.hooks.calls
    with world.ctx.reader() as uow:
        assert uow.session.scalars(select(Reminder)).all() == []
    with pytest.raises(InputError, match="not an e-mail address"):
        contacts.set_email(world.ctx, "hz-admin", "not-an-address")
    with pytest.raises(InputError, match="not an http"):
        contacts.add_webhook(world.ctx, world.provider.organisation_id or 0, "ftp://example.test/")
    with pytest.raises(InputError, match="16 to 128"):
        contacts.add_webhook(world.ctx, world.provider.organisation_id or 0, "https://example.test/", "short")


def test_overdue_deadlines_are_escalated_to_the_regulators_of_the_region_only(world: World) -> None:
    w = world
    before = dashboards.dashboard(w.ctx, w.cac).escalated
    assert [(e.deadline.filing_id, e.days_overdue, e.escalated_at) for e in before] == [(w.filings["late"], 3, None)]
    run_reminders(w.ctx, TODAY)
    (escalation,) = dashboards.dashboard(w.ctx, w.cac).escalated
    assert escalation.escalated_at is not None and escalation.deadline.kind == "submission"
    assert dashboards.dashboard(w.ctx, w.other_cac).escalated == []
    # a draft is the provider's own business: even overdue, it stays out of the regulator's list
    _set_due(w.ctx, w.filings["week"], TODAY - dt.timedelta(days=1))
    assert [e.deadline.filing_id for e in dashboards.dashboard(w.ctx, w.cac).escalated] == [w.filings["late"]]


def test_reminders_run_as_a_background_job(world: World) -> None:
    job = jobs.wait(world.ctx, jobs.submit(world.ctx, "reminders", {"today": TODAY.isoformat()}), 30)
    assert job.state == "done", job.error
    assert job.result["sent"] == 15 and job.progress_done == job.progress_total == 15
