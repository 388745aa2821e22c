"""JSON API of issued documents: a filing's or a provider's documents, one document and its PDF, the
provider's acknowledgement of receipt, a filing's submission receipts."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from redline.services.filing import issued_documents, queries
from redline.web.api_spec import DOCUMENTS, problems
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.web.schemas import DocumentOut
from redline.web.templating import request_lang
from redline.words import N_

router = APIRouter(prefix="/api/v1", tags=[DOCUMENTS])


def _document_out(d: issued_documents.DocumentView) -> DocumentOut:
    return DocumentOut(**dataclasses.asdict(d))


@router.get(
    "/filings/{filing_id}/documents",
    summary=N_("List a filing's documents"),
    description=N_("The documents issued in a filing, frozen as issued."),
)
def filing_documents(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> list[DocumentOut]:
    queries.get_filing(ctx, p, filing_id)
    return [_document_out(d) for d in issued_documents.list_documents(ctx, p, filing_id=filing_id)]


@router.get(
    "/providers/{provider_id}/documents",
    summary=N_("List a provider's documents"),
    description=N_("Every document addressed to a provider (notices, summonses, orders) that you may read."),
)
def provider_documents(ctx: CtxDep, p: ApiUser, provider_id: IdPath) -> list[DocumentOut]:
    return [_document_out(d) for d in issued_documents.list_documents(ctx, p, provider_id=provider_id)]


@router.get("/documents/{document_id}", summary=N_("Read an issued document"), responses=problems(400))
def get_document(ctx: CtxDep, p: ApiUser, document_id: IdPath) -> DocumentOut:
    return _document_out(issued_documents.get_document(ctx, p, document_id))


@router.get(
    "/documents/{document_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": N_("The document as PDF")}, **problems(400)},
    summary=N_("Download an issued document as PDF"),
)
def document_pdf(request: Request, ctx: CtxDep, p: ApiUser, document_id: IdPath) -> Response:
    _, data = issued_documents.document_pdf(ctx, p, document_id, request_lang(request))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="document-{document_id}.pdf"'},
    )


@router.post(
    "/documents/{document_id}/acknowledgement",
    status_code=201,
    summary=N_("Acknowledge receipt of a document"),
    description=N_("The provider's signed acknowledgement of receipt (回执), naming the document's digest."),
    responses=problems(400, 403, 409),
)
def acknowledge_document(ctx: CtxDep, p: ApiUser, document_id: IdPath) -> dict[str, Any]:
    return issued_documents.acknowledge(ctx, p, document_id)


@router.get(
    "/filings/{filing_id}/receipts",
    summary=N_("List a filing's submission receipts"),
    description=N_("The receipts of the filing's submissions, countersigned by the receiving authorities."),
)
def filing_receipts(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> list[dict[str, Any]]:
    return issued_documents.submission_receipts(ctx, p, filing_id)
