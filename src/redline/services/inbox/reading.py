"""A user's inbox: the list (newest first, filtered), the unread count, marking read, and the banners of the
actions still owed. Every item belongs to one user; another user's item is 'not found'. An item about a
filing shows only while its user may still see that filing (services/principal.py)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select, update

from redline.domain.inbox import ACKNOWLEDGED_BY, InboxKind, asks_for_action
from redline.errors import InputError, NotFoundError
from redline.services import audit
from redline.services.context import Context
from redline.services.inbox.views import Banner, InboxItemOut, InboxPage
from redline.services.principal import Principal, filing_scope
from redline.store.models import Filing, InboxItem, IssuedDocument

MAX_PAGE = 200


def _mine(p: Principal) -> ColumnElement[bool]:
    return (InboxItem.user_id == p.user_id) & or_(InboxItem.filing_id.is_(None), filing_scope(p))


def _rows(p: Principal) -> Select[InboxItem, str | None, str | None]:
    return (
        select(InboxItem, Filing.title, IssuedDocument.reference)
        .outerjoin(Filing, Filing.id == InboxItem.filing_id)
        .outerjoin(IssuedDocument, IssuedDocument.id == InboxItem.document_id)
        .where(_mine(p))
    )


def link_of(item: InboxItem) -> str:
    """The page of what an item concerns: its filing, else its summons, else its document."""
    if item.filing_id is not None:
        return f"/filings/{item.filing_id}"
    if item.summons_id is not None:
        return f"/summonses/{item.summons_id}"
    if item.document_id is not None:
        return f"/documents/{item.document_id}.pdf"
    return "/inbox"


def _out(item: InboxItem, title: str | None, reference: str | None) -> InboxItemOut:
    return InboxItemOut(
        id=item.id,
        kind=item.kind,
        authority=item.authority,
        filing_id=item.filing_id,
        filing_title=title or "",
        summons_id=item.summons_id,
        document_id=item.document_id,
        document_reference=reference or "",
        actor_name=item.actor_name,
        note=item.note,
        due=item.due,
        created_at=item.created_at,
        read=item.read_at is not None,
        owed=item.settled_at is None and asks_for_action(InboxKind(item.kind)),
        link=link_of(item),
    )


def _kind(kind: str | None) -> InboxKind | None:
    if not kind:
        return None
    try:
        return InboxKind(kind)
    except ValueError:
        raise InputError(f"no kind of inbox item '{kind}'", field="kind") from None


def _count(ctx: Context, p: Principal) -> int:
    with ctx.reader() as uow:
        query = select(func.count()).select_from(InboxItem).outerjoin(Filing, Filing.id == InboxItem.filing_id)
        return int(uow.session.scalar(query.where(_mine(p), InboxItem.read_at.is_(None))) or 0)


def unread_count(ctx: Context, p: Principal, version: int | None = None) -> int:
    """How many of `p`'s items are unread; cached per data version (every item made or read is audited)."""
    current = ctx.version() if version is None else version
    value: int = ctx.cache.get_or_compute(("inbox-unread", p.user_id), current, lambda: _count(ctx, p))
    return value


def list_items(
    ctx: Context, p: Principal, *, unread_only: bool = False, kind: str | None = None, limit: int = 100
) -> InboxPage:
    """`p`'s items, newest first: all, or the unread only, of one kind or of every kind."""
    chosen = _kind(kind)
    limit = max(1, min(limit, MAX_PAGE))
    query = _rows(p)
    if unread_only:
        query = query.where(InboxItem.read_at.is_(None))
    if chosen is not None:
        query = query.where(InboxItem.kind == chosen.value)
    with ctx.reader() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.execute(query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(limit))
        items = [_out(item, title, reference) for item, title, reference in rows]
    return InboxPage(items=items, total=int(total), unread=_count(ctx, p))


def banners(ctx: Context, p: Principal, filing_id: int | None = None) -> list[Banner]:
    """The actions `p`'s organisation still owes, newest first: on one filing, or on every one (and summonses)."""
    query = _rows(p).where(InboxItem.settled_at.is_(None))
    if filing_id is not None:
        query = query.where(InboxItem.filing_id == filing_id)
    with ctx.reader() as uow:
        rows = uow.session.execute(query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(MAX_PAGE))
        found = [_out(item, title, reference) for item, title, reference in rows]
    return [
        Banner(
            item_id=i.id,
            kind=i.kind,
            filing_id=i.filing_id,
            filing_title=i.filing_title,
            note=i.note,
            due=i.due,
            document_reference=i.document_reference,
            link=_banner_link(i),
        )
        for i in found
        if i.owed
    ]


def _banner_link(i: InboxItemOut) -> str:
    """Where the action is taken: a document is acknowledged in the documents of its filing or summons."""
    if InboxKind(i.kind) not in ACKNOWLEDGED_BY:
        return i.link
    return (i.link if i.filing_id is not None or i.summons_id is not None else "/provider") + "#documents"


def mark_read(ctx: Context, p: Principal, item_id: int) -> None:
    with ctx.uow() as uow:
        item = uow.session.scalar(
            select(InboxItem)
            .outerjoin(Filing, Filing.id == InboxItem.filing_id)
            .where(InboxItem.id == item_id, _mine(p))
        )
        if item is None:
            raise NotFoundError(f"no inbox item {item_id}")
        if item.read_at is not None:
            return
        item.read_at = ctx.now()
        audit.append(uow.session, ctx.now(), p.username, "inbox.read", f"inbox:{item.id}", {"kind": item.kind})
        uow.commit()


def mark_all_read(ctx: Context, p: Principal) -> int:
    """Mark every unread item of `p` read; returns how many were."""
    with ctx.uow() as uow:
        done = uow.session.execute(
            update(InboxItem)
            .where(InboxItem.user_id == p.user_id, InboxItem.read_at.is_(None))
            .values(read_at=ctx.now())
            .execution_options(synchronize_session=False)
        )
        count = int(done.rowcount)  # type: ignore[attr-defined]
        if count:
            audit.append(uow.session, ctx.now(), p.username, "inbox.read_all", f"user:{p.user_id}", {"items": count})
            uow.commit()
        return count
