"""Where reminders go: a user's e-mail address and an organisation's webhook endpoints."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from redline.adapters import outbound
from redline.errors import InputError, NotFoundError
from redline.services import audit
from redline.services.context import Context
from redline.store.models import Organisation, User, WebhookEndpoint

EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def set_email(ctx: Context, username: str, email: str | None, actor: str = "system") -> None:
    """Set (or, with None or "", clear) the address a user gets reminders at."""
    address = (email or "").strip() or None
    if address is not None and (len(address) > 254 or not EMAIL.match(address)):
        raise InputError(f"'{address}' is not an e-mail address", field="email")
    with ctx.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFoundError(f"no user '{username}'")
        user.email = address
        audit.append(uow.session, ctx.now(), actor, "user.email", f"user:{user.id}", {"email": address})
        uow.commit()


def add_webhook(
    ctx: Context, organisation_id: int, url: str, secret: str | None = None, actor: str = "system"
) -> tuple[int, str]:
    """Register an endpoint for signed reminder webhooks; returns its id and the secret (generated
    when none is given: 32 random bytes, URL-safe)."""
    url = outbound.check_url(url, ctx.settings.outbound_hosts)
    key = secret if secret is not None else secrets.token_urlsafe(32)
    if len(key) < 16 or len(key) > 128:
        raise InputError("the secret needs 16 to 128 characters", field="secret")
    with ctx.uow() as uow:
        org = uow.session.get(Organisation, organisation_id)
        if org is None:
            raise NotFoundError(f"no organisation {organisation_id}")
        hook = WebhookEndpoint(
            organisation_id=organisation_id, url=url.strip(), secret=key, active=True, created_at=ctx.now()
        )
        uow.session.add(hook)
        uow.session.flush()
        audit.append(
            uow.session,
            ctx.now(),
            actor,
            "webhook.add",
            f"organisation:{organisation_id}",
            {"webhook": hook.id, "url": outbound.redact(hook.url)},
        )
        uow.commit()
        return hook.id, key


@dataclass(frozen=True)
class WebhookView:
    id: int
    organisation_id: int
    url: str  # credentials and query values redacted
    active: bool


def list_webhooks(ctx: Context, organisation_id: int | None = None) -> list[WebhookView]:
    """Registered endpoints (of one organisation, or all), never their secrets."""
    with ctx.reader() as uow:
        query = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
        if organisation_id is not None:
            query = query.where(WebhookEndpoint.organisation_id == organisation_id)
        return [
            WebhookView(h.id, h.organisation_id, outbound.redact(h.url), h.active) for h in uow.session.scalars(query)
        ]


def remove_webhook(ctx: Context, webhook_id: int, actor: str = "system") -> None:
    """Stop sending to an endpoint; the row stays (deactivated) for the reminders already recorded."""
    with ctx.uow() as uow:
        hook = uow.session.get(WebhookEndpoint, webhook_id)
        if hook is None:
            raise NotFoundError(f"no webhook {webhook_id}")
        hook.active = False
        audit.append(
            uow.session,
            ctx.now(),
            actor,
            "webhook.remove",
            f"organisation:{hook.organisation_id}",
            {"webhook": hook.id, "url": outbound.redact(hook.url)},
        )
        uow.commit()
