"""Making inbox items, in the transaction of the step that causes them, and settling the ones it answers.

`filings.record` calls `on_filing_event` for every timeline event (the one place such events are made);
recording a summons calls `on_summons`, acknowledging a document `on_acknowledgement`. What each makes, and
for whom, is `domain.inbox.deliveries`; who exactly, `recipients`. Each step also settles the items whose
awaited action it took (`domain.inbox.owed`). When anyone told has an e-mail address or their organisation a
webhook, a background job (`inbox_mail`, services/reminders/inbox_mail.py) is queued in the same
transaction to send them: never in the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from redline.domain.inbox import (
    ACKNOWLEDGED_BY,
    ACKNOWLEDGEMENT,
    OWED_WHILE,
    SUMMONS,
    Delivery,
    InboxKind,
    Occurrence,
    Party,
    deliveries,
    owed,
)
from redline.domain.parallel_review import AUTHORITY_OF_ROLE, Authority, both
from redline.domain.workflow import Action, FilingState
from redline.services import audit
from redline.services.background import jobs
from redline.services.context import Context
from redline.services.inbox import recipients
from redline.services.principal import Principal
from redline.store.models import (
    Filing,
    FilingEvent,
    FilingReview,
    InboxItem,
    IssuedDocument,
    Receipt,
    RectificationItem,
    ReportVersion,
    Summons,
    User,
    WebhookEndpoint,
)

MAIL_JOB = "inbox_mail"
DUE_IN_DATA = frozenset({Action.REQUEST_SUPPLEMENT.value, Action.ORDER_REASSESSMENT.value})
DUE_OF_OPEN_ITEMS = frozenset({Action.ORDER_RECTIFICATION.value, Action.REJECT_RECTIFICATION.value})


@dataclass(frozen=True)
class About:
    """What the items of one occurrence concern, and what they say."""

    cause: str
    actor_name: str
    note: str = ""
    filing: Filing | None = None
    summons_id: int | None = None
    document_id: int | None = None
    due: dt.date | None = None


def tracks_of(session: Session, filing: Filing) -> dict[Authority, FilingState]:
    """Each authority's track as it stands in this transaction (a track not stored yet: the filing's state)."""
    stored = {
        r.authority: r.state for r in session.scalars(select(FilingReview).where(FilingReview.filing_id == filing.id))
    }
    fallback = both(FilingState(filing.state))
    return {a: FilingState(stored[a.value]) if a.value in stored else fallback[a] for a in Authority}


def on_filing_event(session: Session, ctx: Context, p: Principal, filing: Filing, event: FilingEvent) -> None:
    tracks = tracks_of(session, filing)
    settle_filing(session, ctx, filing, tracks)
    again = event.action == Action.SUBMIT.value and _versions(session, filing) > 1
    occurrence = Occurrence(event.action, AUTHORITY_OF_ROLE.get(p.role), tracks, again)
    planned = deliveries(occurrence)
    if not planned:
        return
    about = About(
        f"event:{event.id}",
        event.actor_name,
        event.note,
        filing,
        document_id=_document_of(session, filing, event),
        due=_due(session, filing, event, occurrence.by),
    )
    _deliver(session, ctx, p, about, planned, tracks)


def on_summons(session: Session, ctx: Context, p: Principal, summons: Summons, document: IssuedDocument) -> None:
    filing = session.get(Filing, summons.filing_id) if summons.filing_id is not None else None
    occurrence = Occurrence(SUMMONS, AUTHORITY_OF_ROLE.get(p.role))
    about = About(
        f"summons:{summons.id}",
        p.display_name,
        summons.demands,
        filing,
        summons_id=summons.id,
        document_id=document.id,
        due=summons.deadline,
    )
    _deliver(session, ctx, p, about, deliveries(occurrence), {}, provider_id=summons.provider_id)


def on_acknowledgement(
    session: Session, ctx: Context, p: Principal, document: IssuedDocument, receipt: Receipt
) -> None:
    """The provider acknowledged `document`: its items are settled, and the issuing office is told."""
    now = ctx.now()
    for item in session.scalars(
        select(InboxItem).where(
            InboxItem.document_id == document.id,
            InboxItem.settled_at.is_(None),
            InboxItem.kind.in_([k.value for k in ACKNOWLEDGED_BY]),
        )
    ):
        item.settled_at = now
    authority, users = recipients.issuing_office_users(session, document.issued_by, document.region)
    filing = session.get(Filing, document.filing_id) if document.filing_id is not None else None
    about = About(
        f"receipt:{receipt.id}",
        p.display_name,
        "",
        filing,
        summons_id=document.summons_id,
        document_id=document.id,
    )
    planned = deliveries(Occurrence(ACKNOWLEDGEMENT, authority))
    made = [_item(about, d, u, now, settled=not owed(d.kind, None)) for d in planned for u in users]
    _store(session, ctx, p, about, made, provider_id=None)


def settle_filing(session: Session, ctx: Context, filing: Filing, tracks: dict[Authority, FilingState]) -> None:
    """Settle the filing's items whose awaited step was taken: their track no longer stands where it waited."""
    waiting = [k.value for k in OWED_WHILE]
    for item in session.scalars(
        select(InboxItem).where(
            InboxItem.filing_id == filing.id, InboxItem.settled_at.is_(None), InboxItem.kind.in_(waiting)
        )
    ):
        if not owed(InboxKind(item.kind), _track(item.authority, tracks, filing)):
            item.settled_at = ctx.now()


def _track(authority: str | None, tracks: dict[Authority, FilingState], filing: Filing | None) -> FilingState | None:
    """The state of the track an item concerns: its authority's, or the filing's (no authority named)."""
    if filing is None:
        return None
    known = {a.value: a for a in Authority}
    if authority in known and known[authority] in tracks:
        return tracks[known[authority]]
    return FilingState(filing.state)


def _deliver(
    session: Session,
    ctx: Context,
    p: Principal,
    about: About,
    planned: Iterable[Delivery],
    tracks: dict[Authority, FilingState],
    provider_id: int | None = None,
) -> None:
    filing = about.filing
    provider = provider_id if provider_id is not None else (filing.provider_id if filing is not None else None)
    now = ctx.now()
    made: list[InboxItem] = []
    for d in planned:
        if d.to is Party.PROVIDER:
            users = recipients.provider_users(session, provider) if provider is not None else []
        else:
            users = recipients.regulator_users(session, filing, d.authority) if filing and d.authority else []
        settled = not owed(d.kind, _track(d.authority.value if d.authority else None, tracks, filing))
        made += [_item(about, d, u, now, settled=settled) for u in users if u.id != p.user_id]
    told_provider = any(d.to is Party.PROVIDER for d in planned)
    _store(session, ctx, p, about, made, provider_id=provider if told_provider else None)


def _item(about: About, d: Delivery, user: User, now: dt.datetime, *, settled: bool) -> InboxItem:
    return InboxItem(
        user_id=user.id,
        kind=d.kind.value,
        cause=about.cause,
        authority=d.authority.value if d.authority else None,
        filing_id=about.filing.id if about.filing is not None else None,
        summons_id=about.summons_id,
        document_id=about.document_id,
        actor_name=about.actor_name[:100],
        note=about.note,
        due=about.due,
        created_at=now,
        settled_at=now if settled else None,
    )


def _store(
    session: Session, ctx: Context, p: Principal, about: About, made: list[InboxItem], provider_id: int | None
) -> None:
    """Add the items with an audit entry naming who was told; queue their mail when anyone has a contact."""
    if not made:
        return
    session.add_all(made)
    session.flush()
    audit.append(
        session,
        ctx.now(),
        p.username,
        "inbox.deliver",
        about.cause,
        {"kinds": sorted({i.kind for i in made}), "users": sorted({i.user_id for i in made})},
    )
    if _has_contacts(session, [i.user_id for i in made], provider_id):
        jobs.submit_in(session, ctx, MAIL_JOB, {"cause": about.cause}, created_by=p.user_id)


def _has_contacts(session: Session, user_ids: list[int], provider_id: int | None) -> bool:
    """Whether an e-mail address or a webhook awaits the news (no address and no webhook: nothing is sent)."""
    mailed = session.scalar(
        select(func.count()).select_from(User).where(User.id.in_(user_ids), User.email.is_not(None))
    )
    if mailed:
        return True
    if provider_id is None:
        return False
    hooks = session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == provider_id, WebhookEndpoint.active.is_(True))
    )
    return bool(hooks)


def _versions(session: Session, filing: Filing) -> int:
    return int(session.scalar(select(func.count()).where(ReportVersion.filing_id == filing.id)) or 0)


def _document_of(session: Session, filing: Filing, event: FilingEvent) -> int | None:
    digest = event.data.get("document_sha256") if isinstance(event.data, dict) else None
    if not digest:
        return None
    return session.scalar(
        select(IssuedDocument.id).where(IssuedDocument.filing_id == filing.id, IssuedDocument.sha256 == digest)
    )


def _due(session: Session, filing: Filing, event: FilingEvent, authority: Authority | None) -> dt.date | None:
    """The date the item's action is due: the follow-up's, the open rectification items' first, the notice's."""
    if event.action in DUE_IN_DATA:
        raw = event.data.get("due") if isinstance(event.data, dict) else None
        return dt.date.fromisoformat(str(raw)[:10]) if raw else None
    if event.action in DUE_OF_OPEN_ITEMS:
        ordered_by: ColumnElement[bool] = RectificationItem.authority.is_(None)
        if authority is not None:
            ordered_by = ordered_by | (RectificationItem.authority == authority.value)
        return session.scalar(
            select(func.min(RectificationItem.due)).where(
                RectificationItem.filing_id == filing.id,
                RectificationItem.response == "",
                RectificationItem.verified.is_(False),
                ordered_by,
            )
        )
    if event.action == "notify":
        return filing.due_date
    return None
