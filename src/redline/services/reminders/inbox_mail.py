"""Telling of inbox items by e-mail and signed webhook: the `inbox_mail` job kind.

Queued by services/inbox/delivering.py in the transaction that made the items (never sent inside a
request). The messages are the reminders' own: a bilingual e-mail (Chinese first) over the configured SMTP
server, and a JSON webhook signed as docs/reminders.md describes, with event `inbox.item`. Each delivery
(occurrence, channel, recipient) is claimed before it is sent and recorded after, with an audit entry, so a
job run again sends nothing twice and a failure is kept with its error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from redline.config import Settings
from redline.services import audit
from redline.services.background.jobs import JobHandle
from redline.services.context import Context
from redline.services.inbox.outgoing import News, news_of
from redline.services.reminders import notify
from redline.store.models import InboxDelivery, WebhookEndpoint
from redline.words import inbox as words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Send:
    news: News
    channel: str  # email | webhook
    recipient: str
    secret: str = field(default="", repr=False)


def _subject(n: News) -> str:
    return n.filing_title or n.document_reference or words.kind_name(n.kind, "zh-CN")


def _line(n: News, lang: str) -> str:
    return words.sentence(n.kind, lang, reason=n.note, reference=n.document_reference, due=n.due)


def _body(n: News, lang: str, link: str) -> str:
    lines = [words.fill(words.MAIL_TO, lang, name=n.addressee), ""] if n.addressee else []
    lines.append(_line(n, lang))
    if n.filing_id is not None:
        lines.append(words.fill(words.MAIL_FILING, lang, id=str(n.filing_id), title=n.filing_title))
    lines += [words.fill(words.MAIL_BY, lang, name=n.actor_name), words.fill(words.MAIL_OPEN, lang, link=link)]
    return "\n".join(lines) + "\n"


def compose_email(n: News, settings: Settings, to: str) -> EmailMessage:
    link = settings.public_url.rstrip("/") + n.path
    about = notify.one_line(_subject(n))
    msg = EmailMessage()
    msg["Subject"] = notify.one_line(
        f"【redline】{words.kind_name(n.kind, 'zh-CN')}：{about} / {words.kind_name(n.kind, 'en')}: {about}"
    )
    msg["From"], msg["To"] = settings.smtp_from, to
    msg["Date"], msg["Message-ID"] = formatdate(localtime=False), make_msgid(domain="redline")
    zh, en = _body(n, "zh-CN", link), _body(n, "en", link)
    msg.set_content(f"{zh}\n—— English ——\n\n{en}\n-- \nredline {settings.public_url}\n")
    return msg


def webhook_body(n: News, settings: Settings) -> dict[str, Any]:
    return {
        "event": "inbox.item",
        "key": f"inbox:{n.cause}:{n.kind}",
        "kind": n.kind,
        "filing": {"id": n.filing_id, "title": n.filing_title} if n.filing_id is not None else None,
        "summons": n.summons_id,
        "document": n.document_reference or None,
        "note": n.note,
        "due": n.due.isoformat() if n.due else None,
        "by": n.actor_name,
        "text": {"zh": _line(n, "zh-CN"), "en": _line(n, "en")},
        "url": settings.public_url.rstrip("/") + n.path,
    }


def plan(ctx: Context, cause: str) -> list[Send]:
    news = news_of(ctx, cause)
    sends = [Send(n, "email", e) for n in news for e in n.emails]
    with ctx.reader() as uow:
        for n in news:
            if n.provider_id is None:
                continue
            hooks = uow.session.scalars(
                select(WebhookEndpoint)
                .where(WebhookEndpoint.organisation_id == n.provider_id, WebhookEndpoint.active.is_(True))
                .order_by(WebhookEndpoint.id)
            )
            sends += [Send(n, "webhook", h.url, h.secret) for h in hooks]
    return sends


def _key(s: Send) -> str:
    return f"{s.news.cause}:{s.news.kind}"


def _claim(ctx: Context, s: Send) -> bool:
    """The delivery is this run's to send; False when it was sent already, or is being sent."""
    try:
        with ctx.uow() as uow:
            taken = uow.session.execute(
                update(InboxDelivery)
                .where(
                    InboxDelivery.cause == _key(s),
                    InboxDelivery.channel == s.channel,
                    InboxDelivery.recipient == s.recipient,
                    InboxDelivery.status == "failed",
                )
                .values(status="sending", at=ctx.now())
                .execution_options(synchronize_session=False)
            )
            if not taken.rowcount:  # type: ignore[attr-defined]
                uow.session.add(
                    InboxDelivery(
                        cause=_key(s), channel=s.channel, recipient=s.recipient, status="sending", at=ctx.now()
                    )
                )
            uow.commit()
            return True
    except IntegrityError:  # sent, or being sent, by another run
        return False


def _record(ctx: Context, s: Send, error: str) -> None:
    status = "failed" if error else "sent"
    with ctx.uow() as uow:
        uow.session.execute(
            update(InboxDelivery)
            .where(
                InboxDelivery.cause == _key(s),
                InboxDelivery.channel == s.channel,
                InboxDelivery.recipient == s.recipient,
            )
            .values(status=status, error=error[:2000], at=ctx.now())
            .execution_options(synchronize_session=False)
        )
        audit.append(
            uow.session,
            ctx.now(),
            "inbox",
            "inbox.mail" if not error else "inbox.mail_fail",
            s.news.cause,
            {
                "kind": s.news.kind,
                "channel": s.channel,
                "recipient": s.recipient,
                **({"error": error} if error else {}),
            },
        )
        uow.commit()


def _send(ctx: Context, s: Send) -> None:
    if s.channel == "email":
        notify.send_email(ctx.settings, compose_email(s.news, ctx.settings, s.recipient))
    else:
        notify.post_webhook(s.recipient, s.secret, webhook_body(s.news, ctx.settings), ctx.settings.outbound_hosts)


def send_news(ctx: Context, cause: str) -> dict[str, Any]:
    """Send what one occurrence's items call for; returns how many were sent, failed or skipped."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for s in plan(ctx, cause):
        if not _claim(ctx, s):
            counts["skipped"] += 1
            continue
        error = ""
        try:
            _send(ctx, s)
        except Exception as exc:  # one failed delivery is recorded; the others go on
            error = f"{type(exc).__name__}: {exc}"
            log.warning("inbox message %s to %s failed: %s", cause, s.recipient, error)
        _record(ctx, s, error)
        counts["failed" if error else "sent"] += 1
    return counts


def run_job(ctx: Context, handle: JobHandle) -> dict[str, Any]:
    """The `inbox_mail` job kind: args {"cause": "event:12"}."""
    return send_news(ctx, str(handle.args.get("cause", "")))
