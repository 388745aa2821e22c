"""Open deadlines a provider owes, and the stage each is in on a given day.

Three kinds of deadline are tracked:
- the submission of an assessment report (Filing.due_date, the statutory date, while nothing was
  submitted: notice issued or draft);
- a supplement or a re-assessment (its own FollowUpDeadline row, while it runs: services/filing/filing_deadlines.py);
- rectification items (RectificationItem.due) not yet answered, grouped per filing and date.

Stages count calendar days (not working days: a reminder is a courtesy, and "7 days before" reads
the same to everyone): `before-N` for the configured N (Settings.reminder_days), `due` on the day
and `overdue` after it. A stage that was missed (no run on that day) is sent late, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.services.context import Context
from redline.services.filing.filing_deadlines import follow_up_runs, rectification_runs, statutory_runs
from redline.services.principal import Principal, filing_scope
from redline.store.models import Filing, FollowUpDeadline, RectificationItem, Reminder

KIND_TEXT = {
    "submission": ("提交安全评估报告", "submission of the security assessment report"),
    "supplement": ("补充材料", "supplement to the assessment"),
    "reassessment": ("重新评估", "re-assessment"),
    "rectification": ("整改", "rectification"),
}


@dataclass(frozen=True)
class Deadline:
    kind: str
    filing_id: int
    title: str
    provider_id: int
    provider_name: str
    region: str
    due: dt.date
    visible_to_regulator: bool
    basis: tuple[str, ...] = ()
    items: tuple[str, ...] = ()

    def key(self, stage: str) -> str:
        """What makes one reminder unique (with channel and recipient): a new due date is a new deadline."""
        return f"{self.kind}:{self.filing_id}:{self.due.isoformat()}:{stage}"


def stage_of(due: dt.date, today: dt.date, days_before: list[int]) -> str | None:
    left = (due - today).days
    if left < 0:
        return "overdue"
    if left == 0:
        return "due"
    ahead = sorted(d for d in days_before if d > 0 and left <= d)
    return f"before-{ahead[0]}" if ahead else None


def basis_of(filing: Filing) -> tuple[str, ...]:
    """The articles behind the deadline, as "《regulation》article" (marked where the text is unverified),
    from the filing's obligations."""
    found: list[str] = []
    for obligation in filing.obligations or []:
        if not isinstance(obligation, dict):
            continue
        quotes: list[Any] = obligation.get("due_quotes") or obligation.get("quotes") or []
        for q in quotes:
            text = f"《{q.get('regulation_title_zh', '')}》{q.get('label_zh', '')}"
            if q.get("status") == "unverified":
                text += "（条文未核实 / unverified text）"
            if text not in found:
                found.append(text)
    return tuple(found[:4])


def _of(filing: Filing, kind: str, due: dt.date, items: tuple[str, ...] = ()) -> Deadline:
    return Deadline(
        kind,
        filing.id,
        filing.title,
        filing.provider_id,
        filing.provider.name,
        filing.region,
        due,
        filing.visible_to_regulator,
        basis_of(filing),
        items,
    )


def open_deadlines(session: Session, until: dt.date, scope: Any = None, limit: int | None = None) -> list[Deadline]:
    """Deadlines still owed and falling on or before `until` (overdue ones included), the earliest first; only
    the first `limit` of them when it is given (each kind is read up to `limit`, earliest first)."""
    # while the statutory deadline runs it is the one owed: the owing filings' index finds them (docs/adr/0027)
    first = (
        select(Filing)
        .where(statutory_runs(), Filing.owed_due <= until, Filing.due_date <= until)
        .order_by(Filing.due_date, Filing.id)
    )
    found = [
        _of(f, "submission", f.due_date)
        for f in session.scalars((first if scope is None else first.where(scope)).limit(limit))
        if f.due_date is not None
    ]
    follow_ups = (
        select(FollowUpDeadline, Filing)
        .join(Filing, Filing.id == FollowUpDeadline.filing_id)
        .where(follow_up_runs(), FollowUpDeadline.due <= until)
        .order_by(FollowUpDeadline.due, FollowUpDeadline.id)
        .limit(limit)
    )
    found += [
        _of(f, row.kind, row.due)
        for row, f in session.execute(follow_ups if scope is None else follow_ups.where(scope)).all()
    ]
    items = (
        select(RectificationItem, Filing)
        .join(Filing, Filing.id == RectificationItem.filing_id)
        .where(rectification_runs(), RectificationItem.due <= until)
        .order_by(RectificationItem.due, RectificationItem.id)
    )
    grouped: dict[tuple[int, dt.date], tuple[Filing, list[str]]] = {}
    for item, filing in session.execute(items if scope is None else items.where(scope)).all():
        grouped.setdefault((filing.id, item.due), (filing, []))[1].append(item.text)
    found += [_of(f, "rectification", due, tuple(texts)) for (_, due), (f, texts) in grouped.items()]
    return sorted(found, key=lambda d: (d.due, d.filing_id, d.kind))[:limit]


@dataclass(frozen=True)
class Escalation:
    deadline: Deadline
    days_overdue: int
    escalated_at: dt.datetime | None  # when a reminder run put it in the regulators' queue


def escalated(ctx: Context, p: Principal, limit: int | None = None) -> list[Escalation]:
    """Overdue deadlines of the filings `p` may see, most overdue first (the first `limit` of them when given):
    the regulator's escalation list."""
    today = ctx.today()
    with ctx.reader() as uow:
        overdue = open_deadlines(uow.session, today - dt.timedelta(days=1), filing_scope(p), limit)
        keys = [d.key("overdue") for d in overdue]
        when = (
            dict(
                uow.session.execute(
                    select(Reminder.key, Reminder.at).where(Reminder.key.in_(keys), Reminder.channel == "escalation")
                ).all()
            )
            if keys
            else {}
        )
    return [Escalation(d, (today - d.due).days, when.get(d.key("overdue"))) for d in overdue]
