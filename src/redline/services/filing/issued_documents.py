"""Reading issued documents, printing them from their frozen content, and the provider's acknowledgement.

Who may read a document: the provider it is addressed to, regulators whose jurisdiction covers the
provider, and an assessor invited to the filing it belongs to. Anyone else is told it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.domain.workflow import Role
from redline.errors import ConflictError, PermissionDeniedError
from redline.services.context import Context
from redline.services.filing import issuing
from redline.services.inbox import delivering
from redline.services.principal import Principal, can_see_filing, require_filing
from redline.services.records import receipts
from redline.store.models import Filing, IssuedDocument, Organisation, Receipt


@dataclass(frozen=True)
class DocumentView:
    id: int
    reference: str
    kind: str
    title: str
    issued_at: str
    sha256: str
    filing_id: int | None
    summons_id: int | None
    content: dict[str, Any]
    acknowledgement: dict[str, Any] | None


def _may_read(session: Session, p: Principal, row: IssuedDocument) -> bool:
    if p.is_provider:
        return row.provider_id == p.organisation_id
    if p.is_regulator and p.jurisdiction:
        return jurisdiction.covers(p.jurisdiction, row.region)
    if p.role is Role.ASSESSOR and row.filing_id is not None:
        filing = session.get(Filing, row.filing_id)
        return filing is not None and can_see_filing(p, filing)
    return False


def _readable(session: Session, p: Principal, document_id: int) -> IssuedDocument:
    row = session.get(IssuedDocument, document_id)
    if row is None or not _may_read(session, p, row):
        raise issuing.not_found(document_id)
    return row


def _view(session: Session, row: IssuedDocument) -> DocumentView:
    ack = session.scalar(select(Receipt).where(Receipt.document_id == row.id))
    content = issuing.content_of(row)
    return DocumentView(
        row.id,
        row.reference,
        row.kind,
        str(content.get("title", "")),
        row.issued_at.isoformat(timespec="seconds"),
        row.sha256,
        row.filing_id,
        row.summons_id,
        content,
        receipts.export(ack) if ack is not None else None,
    )


def get_document(ctx: Context, p: Principal, document_id: int) -> DocumentView:
    with ctx.reader() as uow:
        row = _readable(uow.session, p, document_id)
        issuing.check_frozen(row)
        return _view(uow.session, row)


def list_documents(
    ctx: Context, p: Principal, *, filing_id: int | None = None, provider_id: int | None = None
) -> list[DocumentView]:
    """Documents of one filing or one provider that `p` may read, oldest first."""
    with ctx.reader() as uow:
        query = select(IssuedDocument).order_by(IssuedDocument.id)
        if filing_id is not None:
            query = query.where(IssuedDocument.filing_id == filing_id)
        if provider_id is not None:
            query = query.where(IssuedDocument.provider_id == provider_id)
        rows = [r for r in uow.session.scalars(query) if _may_read(uow.session, p, r)]
        return [_view(uow.session, r) for r in rows]


def document_pdf(ctx: Context, p: Principal, document_id: int, lang: str) -> tuple[str, bytes]:
    """The document as PDF, rendered from its frozen content alone; with its 文号 for the file name."""
    from redline.reports.issued_pdf import issued_document_pdf

    view = get_document(ctx, p, document_id)
    return view.reference, issued_document_pdf(view.content, view.sha256, lang)


def acknowledge(ctx: Context, p: Principal, document_id: int) -> dict[str, Any]:
    """The provider acknowledges receipt: a signed acknowledgement naming the document's digest, who, when."""
    with ctx.uow() as uow:
        row = _readable(uow.session, p, document_id)  # outside one's reach: not found, whatever the role
        if not p.is_provider or p.organisation_id is None:
            raise PermissionDeniedError("only the provider a document is addressed to acknowledges it")
        issuing.check_frozen(row)
        if uow.session.scalar(select(Receipt.id).where(Receipt.document_id == row.id)) is not None:
            raise ConflictError(f"document {row.reference} is acknowledged already", field="document")
        org = uow.session.get(Organisation, p.organisation_id)
        assert org is not None
        receipt = receipts.sign_receipt(
            uow.session,
            ctx.settings.key_dir,
            ctx.now(),
            "acknowledgement",
            {"document": row.reference, "document_sha256": row.sha256},
            org,
            p.display_name,
            filing_id=row.filing_id,
            document_id=row.id,
            user_id=p.user_id,
        )
        delivering.on_acknowledgement(uow.session, ctx, p, row, receipt)
        exported = receipts.export(receipt)
        uow.commit()
        return exported


def submission_receipts(ctx: Context, p: Principal, filing_id: int) -> list[dict[str, Any]]:
    """The countersigned receipts of a filing's submissions, for those who may see the filing (checked on the
    filing's row alone: the filing page asks for these beside the full view it has already read)."""
    with ctx.reader() as uow:
        require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        rows = uow.session.scalars(
            select(Receipt).where(Receipt.filing_id == filing_id, Receipt.kind == "submission").order_by(Receipt.id)
        )
        return [receipts.export(r) for r in rows]
