"""Deadline reminders: e-mail and signed webhooks to the provider, and escalation when overdue.

`run_reminders(ctx, today)` is idempotent, also when runs overlap: the Reminder row of (key, channel,
recipient) is claimed (status `sending`, by an insert that the unique key lets only one run make, or a
conditional update of a failed row) in its own transaction *before* anything is sent, so of two runs at once
exactly one sends each delivery. Then the row records `sent` or `failed` with its error; a failed delivery is
tried again by the next run (the same row is updated). A claim left by a run that died is taken over after
CLAIM_STALE_SECONDS, so at worst a delivery whose sender died mid-send is sent again, never lost. Overdue deadlines
of filings the regulator can see also go to the regulators holding the region (e-mail) and are put
in their escalation list (a Reminder row on the `escalation` channel; the dashboard shows it).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.domain.workflow import REGULATOR_ROLES
from redline.services import audit
from redline.services.background.jobs import JobCancelledError, JobHandle
from redline.services.context import Context
from redline.services.filing.deadlines import Deadline, open_deadlines, stage_of
from redline.services.reminders import notify
from redline.store.models import Reminder, User, WebhookEndpoint

log = logging.getLogger(__name__)
ESCALATION_QUEUE = "regulator-queue"
CLAIM_STALE_SECONDS = 600  # a claim older than this belongs to a run that died: another run may take it


@dataclass(frozen=True)
class Delivery:
    deadline: Deadline
    stage: str
    channel: str  # email | webhook | escalation
    recipient: str  # an address, a URL, or the regulators' queue
    secret: str = field(default="", repr=False)
    to_regulator: bool = False

    @property
    def key(self) -> str:
        return self.deadline.key(self.stage)


@dataclass(frozen=True)
class Outcome:
    key: str
    kind: str
    filing_id: int
    due: str
    stage: str
    channel: str
    recipient: str
    status: str  # sent | failed | skipped (sent before) | planned (dry run)
    error: str = ""


@dataclass
class ReminderSummary:
    today: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today,
            "sent": self.count("sent"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "planned": self.count("planned"),
            "outcomes": [asdict(o) for o in self.outcomes],
        }


def _regulators(session: Session) -> list[tuple[str, str]]:
    """(jurisdiction, e-mail) of every active officer who has an address."""
    rows = session.execute(
        select(User.jurisdiction, User.email).where(
            User.role.in_([r.value for r in REGULATOR_ROLES]),
            User.is_active.is_(True),
            User.email.is_not(None),
            User.jurisdiction.is_not(None),
        )
    ).all()
    return [(j, e) for j, e in rows if j and e]


def plan(session: Session, today: dt.date, days_before: list[int]) -> list[Delivery]:
    """Every delivery the deadlines of `today` call for, sent before or not."""
    horizon = today + dt.timedelta(days=max([d for d in days_before if d > 0], default=0))
    deadlines = open_deadlines(session, horizon)
    providers = {d.provider_id for d in deadlines}
    emails: dict[int, list[str]] = {}
    for org_id, email in session.execute(
        select(User.organisation_id, User.email)
        .where(User.organisation_id.in_(providers), User.is_active.is_(True), User.email.is_not(None))
        .order_by(User.id)
    ).all():
        if org_id is not None and email:
            emails.setdefault(org_id, []).append(email)
    hooks: dict[int, dict[str, str]] = {}
    for hook in session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id.in_(providers), WebhookEndpoint.active.is_(True))
        .order_by(WebhookEndpoint.id)
    ):
        hooks.setdefault(hook.organisation_id, {}).setdefault(hook.url, hook.secret)
    regulators = _regulators(session)
    out: list[Delivery] = []
    for d in deadlines:
        stage = stage_of(d.due, today, days_before)
        if stage is None:
            continue
        out += [Delivery(d, stage, "email", e) for e in dict.fromkeys(emails.get(d.provider_id, []))]
        out += [Delivery(d, stage, "webhook", url, secret) for url, secret in hooks.get(d.provider_id, {}).items()]
        if stage == "overdue" and d.visible_to_regulator:
            out.append(Delivery(d, stage, "escalation", ESCALATION_QUEUE, to_regulator=True))
            covering = [e for j, e in regulators if jurisdiction.covers(j, d.region)]
            out += [Delivery(d, stage, "email", e, to_regulator=True) for e in dict.fromkeys(covering)]
    return out


def _send(ctx: Context, delivery: Delivery, today: dt.date) -> None:
    d = delivery.deadline
    notice = notify.Notice(
        d, delivery.stage, today, f"{ctx.settings.public_url.rstrip('/')}/filings/{d.filing_id}", delivery.to_regulator
    )
    if delivery.channel == "email":
        notify.send_email(ctx.settings, notify.compose_email(notice, ctx.settings, delivery.recipient))
    elif delivery.channel == "webhook":
        notify.post_webhook(
            delivery.recipient, delivery.secret, notify.webhook_body(notice), ctx.settings.outbound_hosts
        )
    # escalation: the Reminder row itself is what puts the deadline in the regulators' list


def _claim(ctx: Context, delivery: Delivery) -> bool:
    """Make the delivery this run's to send; False when it was sent, or another live run is sending it."""
    d = delivery.deadline
    try:
        with ctx.uow() as uow:
            row = uow.session.scalar(
                select(Reminder).where(
                    Reminder.key == delivery.key,
                    Reminder.channel == delivery.channel,
                    Reminder.recipient == delivery.recipient,
                )
            )
            if row is None:
                uow.session.add(
                    Reminder(
                        key=delivery.key,
                        kind=d.kind,
                        filing_id=d.filing_id,
                        due=d.due,
                        stage=delivery.stage,
                        channel=delivery.channel,
                        recipient=delivery.recipient,
                        status="sending",
                        at=ctx.now(),
                    )
                )
                uow.commit()
                return True
            stale = ctx.now() - dt.timedelta(seconds=CLAIM_STALE_SECONDS)
            taken = uow.session.execute(
                update(Reminder)
                .where(
                    Reminder.id == row.id,
                    or_(Reminder.status == "failed", (Reminder.status == "sending") & (Reminder.at < stale)),
                )
                .values(status="sending", at=ctx.now())
                .execution_options(synchronize_session=False)
            )
            uow.commit()
            return bool(taken.rowcount)  # type: ignore[attr-defined]
    except IntegrityError:  # a concurrent run inserted the same row first: the delivery is its to send
        return False


def _record(ctx: Context, delivery: Delivery, status: str, error: str) -> None:
    """The claimed delivery's outcome, with an audit entry, in one transaction."""
    d = delivery.deadline
    with ctx.uow() as uow:
        uow.session.execute(
            update(Reminder)
            .where(
                Reminder.key == delivery.key,
                Reminder.channel == delivery.channel,
                Reminder.recipient == delivery.recipient,
            )
            .values(status=status, error=error[:2000], at=ctx.now())
            .execution_options(synchronize_session=False)
        )
        action = {"sent": "reminder.send", "failed": "reminder.fail"}[status]
        if delivery.channel == "escalation":
            action = "reminder.escalate"
        audit.append(
            uow.session,
            ctx.now(),
            "reminders",
            action,
            f"filing:{d.filing_id}",
            {
                "key": delivery.key,
                "channel": delivery.channel,
                "recipient": delivery.recipient,
                "due": d.due,
                "stage": delivery.stage,
                **({"error": error} if error else {}),
            },
        )
        uow.commit()


def run_reminders(
    ctx: Context,
    today: dt.date | None = None,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReminderSummary:
    today = today or ctx.today()
    with ctx.reader() as uow:
        deliveries = plan(uow.session, today, ctx.settings.reminder_days)
        keys = list({x.key for x in deliveries})
        done = (
            {
                (r.key, r.channel, r.recipient)
                for r in uow.session.scalars(select(Reminder).where(Reminder.key.in_(keys), Reminder.status == "sent"))
            }
            if keys
            else set()
        )
    summary = ReminderSummary(today.isoformat())
    for n, delivery in enumerate(deliveries, 1):
        status, error = "skipped", ""
        if (delivery.key, delivery.channel, delivery.recipient) in done:
            pass
        elif dry_run:
            status = "planned"
        elif _claim(ctx, delivery):
            try:
                _send(ctx, delivery, today)
                status = "sent"
            except Exception as exc:  # any failure of one delivery is recorded; the others go on
                status, error = "failed", f"{type(exc).__name__}: {exc}"
                log.warning("reminder %s to %s failed: %s", delivery.key, delivery.recipient, error)
            _record(ctx, delivery, status, error)
        d = delivery.deadline
        summary.outcomes.append(
            Outcome(
                delivery.key,
                d.kind,
                d.filing_id,
                d.due.isoformat(),
                delivery.stage,
                delivery.channel,
                delivery.recipient,
                status,
                error,
            )
        )
        if progress:
            progress(n, len(deliveries))
    return summary


def run_job(ctx: Context, handle: JobHandle) -> dict[str, Any]:
    """The `reminders` job kind: args {"today": "YYYY-MM-DD"} (optional), {"dry_run": bool}."""
    raw = handle.args.get("today")
    today = dt.date.fromisoformat(str(raw)) if raw else None

    def tick(done: int, total: int) -> None:
        handle.progress(done, total)
        if handle.cancelled():  # what was sent stays recorded; the next run sends the rest
            raise JobCancelledError(f"cancelled after {done} of {total} deliveries")

    return run_reminders(ctx, today, dry_run=bool(handle.args.get("dry_run")), progress=tick).as_dict()
