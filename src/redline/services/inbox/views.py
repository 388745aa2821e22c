"""What the pages show of the inbox: typed rows, never table rows."""

from __future__ import annotations

import datetime as dt

from redline.services.view_model import ViewModel


class InboxItemOut(ViewModel):
    id: int
    kind: str  # a domain.inbox.InboxKind value; words.inbox names it
    authority: str | None
    filing_id: int | None
    filing_title: str
    summons_id: int | None
    document_id: int | None
    document_reference: str
    actor_name: str
    note: str
    due: dt.date | None
    created_at: dt.datetime
    read: bool
    owed: bool  # it still asks for an action
    link: str  # the page of what it concerns: the filing, else the summons, else the document


class InboxPage(ViewModel):
    items: list[InboxItemOut]
    total: int  # items matching the filter
    unread: int  # unread items in all


class Banner(ViewModel):
    """An action still owed, as a banner says it: what, why, by when, and where to do it."""

    item_id: int
    kind: str
    filing_id: int | None
    filing_title: str
    note: str
    due: dt.date | None
    document_reference: str
    link: str
