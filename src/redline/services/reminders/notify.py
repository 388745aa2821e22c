"""Sending a deadline reminder: a bilingual e-mail over SMTP, or a signed JSON webhook.

Webhook signature (docs/reminders.md shows a receiver's check):
    X-Redline-Timestamp: <unix seconds>
    X-Redline-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>." + raw body, keyed by the secret>
Signing the timestamp with the body lets a receiver refuse replays of an old delivery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx

from redline.adapters import outbound
from redline.config import Settings
from redline.domain.filenames import hidden_characters
from redline.services.filing.deadlines import KIND_TEXT, Deadline

WEBHOOK_TIMEOUT = 5.0


@dataclass(frozen=True)
class Notice:
    """One deadline at one stage, as every channel tells it."""

    deadline: Deadline
    stage: str
    today: dt.date
    link: str
    escalated: bool  # sent to a regulator because the deadline passed

    @property
    def days_left(self) -> int:
        return (self.deadline.due - self.today).days


def _stage_text(n: Notice) -> tuple[str, str]:
    left = n.days_left
    if n.stage == "overdue":
        return f"已逾期{-left}天", f"overdue by {-left} day{'s' if -left != 1 else ''}"
    if n.stage == "due":
        return "今日到期", "due today"
    return f"距到期还有{left}天", f"due in {left} day{'s' if left != 1 else ''}"


def one_line(text: str) -> str:
    return " ".join("".join(" " if hidden_characters(c) else c for c in text).split())


def compose_email(n: Notice, settings: Settings, to: str) -> EmailMessage:
    d = n.deadline
    kind_zh, kind_en = KIND_TEXT[d.kind]
    stage_zh, stage_en = _stage_text(n)
    msg = EmailMessage()
    title = one_line(d.title)  # names are checked at entry; rows stored before that must not stop the mail
    msg["Subject"] = f"【redline】{kind_zh}{stage_zh}：{title} / {kind_en.capitalize()} {stage_en}: {title}"
    msg["From"], msg["To"] = settings.smtp_from, to
    msg["Date"], msg["Message-ID"] = formatdate(localtime=False), make_msgid(domain="redline")
    basis = "；".join(d.basis) if d.basis else "（未载明）"
    items = "".join(f"\n  - {text}" for text in d.items)
    zh = (
        f"{d.provider_name}：\n\n案件 #{d.filing_id}「{d.title}」的{kind_zh}期限为 {d.due.isoformat()}，"
        f"{stage_zh}。{items}\n依据：{basis}\n"
        + ("该事项已逾期，已提交辖区网信部门、公安机关关注。\n" if n.escalated or n.stage == "overdue" else "")
        + f"查看：{n.link}\n"
    )
    en = (
        f'To {d.provider_name}:\n\nThe {kind_en} for filing #{d.filing_id} "{d.title}" is due on '
        f"{d.due.isoformat()}; it is {stage_en}.{items}\nBasis: {basis if d.basis else '(not stated)'}\n"
        + (
            "The deadline has passed; it is shown to the regulators of the region.\n"
            if n.escalated or n.stage == "overdue"
            else ""
        )
        + f"Open: {n.link}\n"
    )
    msg.set_content(f"{zh}\n—— English ——\n\n{en}\n-- \nredline {settings.public_url}\n")
    return msg


def send_email(settings: Settings, msg: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(msg)


def webhook_body(n: Notice) -> dict[str, Any]:
    d = n.deadline
    return {
        "event": "deadline.reminder",
        "key": d.key(n.stage),
        "kind": d.kind,
        "stage": n.stage,
        "due": d.due.isoformat(),
        "days_left": n.days_left,
        "escalated": n.escalated,
        "filing": {"id": d.filing_id, "title": d.title, "region": d.region, "provider": d.provider_name},
        "basis": list(d.basis),
        "items": list(d.items),
        "url": n.link,
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post_webhook(url: str, secret: str, payload: dict[str, Any], allowed_hosts: list[str]) -> None:
    """POST the payload signed; anything but a 2xx answer is a failed delivery. The host is checked again as
    it resolves now (adapters/outbound.py), so a name moved inside the platform's network is not sent to."""
    outbound.check_url(url, allowed_hosts)
    outbound.check_resolved(url, allowed_hosts)
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "redline-webhook/1",
        "X-Redline-Event": str(payload.get("event", "")),
        "X-Redline-Delivery": str(payload.get("key", "")),
        "X-Redline-Timestamp": timestamp,
        "X-Redline-Signature": signature(secret, timestamp, body),
    }
    response = httpx.post(url, content=body, headers=headers, timeout=WEBHOOK_TIMEOUT, follow_redirects=False)
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"the endpoint answered HTTP {response.status_code}")
