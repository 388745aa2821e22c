"""The regulator documents a filing or summons page links to, as PDF: always the frozen document as issued
(services/filing/issuing.py), never rebuilt from the filing's state today."""

from __future__ import annotations

from sqlalchemy import select

from redline.errors import NotFoundError
from redline.services.context import Context
from redline.services.filing import issued_documents, queries
from redline.services.principal import Principal
from redline.store.models import IssuedDocument

REVIEW_KINDS = (
    "acceptance",
    "supplement_request",
    "reassessment_order",
    "rectification_order",
    "verification",
    "closure",
)


def _latest(
    ctx: Context, p: Principal, kinds: tuple[str, ...], *, filing_id: int | None = None, summons_id: int | None = None
) -> int:
    with ctx.reader() as uow:
        query = select(IssuedDocument.id).where(IssuedDocument.kind.in_(kinds)).order_by(IssuedDocument.id.desc())
        if filing_id is not None:
            query = query.where(IssuedDocument.filing_id == filing_id)
        if summons_id is not None:
            query = query.where(IssuedDocument.summons_id == summons_id)
        found = uow.session.scalars(query.limit(1)).first()
    if found is None:
        raise NotFoundError("no such document has been issued")
    return found


def review_opinion(ctx: Context, p: Principal, filing_id: int, lang: str) -> bytes:
    """The latest written review document of a filing (opinion, order, verification or closure)."""
    queries.get_filing(ctx, p, filing_id)
    return issued_documents.document_pdf(ctx, p, _latest(ctx, p, REVIEW_KINDS, filing_id=filing_id), lang)[1]


def rectification_order(ctx: Context, p: Principal, filing_id: int, lang: str) -> bytes:
    queries.get_filing(ctx, p, filing_id)
    try:
        document_id = _latest(ctx, p, ("rectification_order",), filing_id=filing_id)
    except NotFoundError:
        raise NotFoundError(f"filing {filing_id} has no rectification order") from None
    return issued_documents.document_pdf(ctx, p, document_id, lang)[1]


def summons_record(ctx: Context, p: Principal, summons_id: int, lang: str) -> bytes:
    queries.get_summons(ctx, p, summons_id)
    document_id = _latest(ctx, p, ("summons_notice", "summons_record"), summons_id=summons_id)
    return issued_documents.document_pdf(ctx, p, document_id, lang)[1]
