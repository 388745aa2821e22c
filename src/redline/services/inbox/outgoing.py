"""What the e-mails and webhooks about one occurrence's inbox items say, and to whom they go.

The sending itself is the reminders' (services/reminders/inbox_mail.py): the same bilingual e-mail and
signed webhook, to the same contacts. E-mail goes to each active user told who has an address (a user
without one gets none: that is how one opts out); a webhook to each active endpoint of the provider
organisation when the provider was told.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from redline.domain.inbox import InboxKind, Party, party_of
from redline.services.context import Context
from redline.services.inbox.reading import link_of
from redline.services.view_model import ViewModel
from redline.store.models import Filing, InboxItem, IssuedDocument, Organisation, User


class News(ViewModel):
    cause: str
    kind: str
    filing_id: int | None
    filing_title: str
    provider_id: int | None  # the provider organisation told (its webhooks), None when regulators were
    addressee: str  # the organisation's name, or the office's
    summons_id: int | None
    document_reference: str
    actor_name: str
    note: str
    due: dt.date | None
    path: str  # the page to open, from the platform's root
    emails: list[str]


def news_of(ctx: Context, cause: str) -> list[News]:
    """The messages one occurrence calls for: one per kind of item it made (usually one)."""
    with ctx.reader() as uow:
        s = uow.session
        items = list(s.scalars(select(InboxItem).where(InboxItem.cause == cause).order_by(InboxItem.id)))
        kinds = list(dict.fromkeys(i.kind for i in items))
        out = []
        for kind in kinds:
            mine = [i for i in items if i.kind == kind]
            first = mine[0]
            filing = s.get(Filing, first.filing_id) if first.filing_id is not None else None
            document = s.get(IssuedDocument, first.document_id) if first.document_id is not None else None
            users = [s.get(User, i.user_id) for i in mine]
            emails = list(dict.fromkeys(u.email for u in users if u is not None and u.is_active and u.email))
            to_provider = party_of(InboxKind(kind)) is Party.PROVIDER
            provider_id = filing.provider_id if filing is not None else (document.provider_id if document else None)
            provider = s.get(Organisation, provider_id) if provider_id is not None else None
            out.append(
                News(
                    cause=cause,
                    kind=kind,
                    filing_id=first.filing_id,
                    filing_title=filing.title if filing is not None else "",
                    provider_id=provider_id if to_provider else None,
                    addressee=provider.name if provider is not None and to_provider else "",
                    summons_id=first.summons_id,
                    document_reference=document.reference if document is not None else "",
                    actor_name=first.actor_name,
                    note=first.note,
                    due=first.due,
                    path=link_of(first),
                    emails=emails,
                )
            )
        return out
