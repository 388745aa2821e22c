"""JSON API under /api/v1: the same use cases as the pages; errors as problem JSON."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.domain.workflow import Action, Role
from redline.errors import PermissionDeniedError
from redline.services import audit
from redline.services.access import accounts
from redline.services.filing import (
    dashboards,
    filings,
    issued_documents,
    issuing,
    judging,
    party_views,
    queries,
    review,
)
from redline.services.filing.review import RectificationDemand, SummonsRecord
from redline.services.filing.views import filing_rows
from redline.services.packages import packages
from redline.web import uploads
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.web.schemas import (
    MAX_TEXT,
    ActionIn,
    AnswersIn,
    AssessorIn,
    ChainOut,
    ChangeIn,
    CommentIn,
    Created,
    DocumentOut,
    FilingDetail,
    FilingList,
    FilingOut,
    JudgementBody,
    MeOut,
    NoticeIn,
    PatternIn,
    RectificationAnswerIn,
    ServiceIn,
    ServiceOut,
    SignIn,
    StateOut,
    SummonsIn,
    SummonsOut,
    TokenOut,
)
from redline.web.templating import request_lang

router = APIRouter(prefix="/api/v1")


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me")
def me(p: ApiUser) -> MeOut:
    return MeOut(
        username=p.username,
        display_name=p.display_name,
        role=p.role.value,
        organisation_id=p.organisation_id,
        jurisdiction=p.jurisdiction,
    )


@router.get("/tokens")
def list_tokens(ctx: CtxDep, p: ApiUser) -> list[TokenOut]:
    """The caller's own API tokens (never the token text or its hash)."""
    now = ctx.now()
    return [
        TokenOut(
            id=t.id,
            name=t.name,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            active=t.active(now),
        )
        for t in accounts.list_api_tokens(ctx, p)
    ]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(ctx: CtxDep, p: ApiUser, token_id: IdPath) -> Response:
    """Revoke one of the caller's tokens at once; another account's token answers 404."""
    accounts.revoke_api_token(ctx, p, token_id)
    return Response(status_code=204)


@router.get("/filings", response_model=FilingList)
def list_filings(
    request: Request,
    ctx: CtxDep,
    p: ApiUser,
    state: str | None = None,
    region: str | None = None,
    technology: str | None = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> Response:
    f = queries.FilingFilter(state, region, technology, overdue, limit, offset)
    today = ctx.today()

    def body() -> bytes:
        rows, total = filing_rows(ctx, p, f)
        listing = FilingList(total=total, items=rows)
        return listing.model_dump_json().encode()

    key = ("api.filings", p.role, p.organisation_id, p.jurisdiction, p.user_id, f, today)
    return Response(ctx.cache.get_or_compute(key, request.state.version, body), media_type="application/json")


@router.post("/filings", status_code=201)
def record_change(ctx: CtxDep, p: ApiUser, body: ChangeIn) -> Created:
    return Created(id=filings.record_change(ctx, p, body.service_id, body.change))


@router.get("/filings/{filing_id}")
def get_filing(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> FilingDetail:
    return FilingDetail.of_view(queries.get_filing(ctx, p, filing_id))


@router.get("/filings/{filing_id}/report")
def get_report(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> JSONResponse:
    return JSONResponse(queries.submitted_report(ctx, p, filing_id))


@router.get(
    "/filings/{filing_id}/package", response_class=Response, responses={200: {"content": {"application/zip": {}}}}
)
def download_package(ctx: CtxDep, p: ApiUser, filing_id: IdPath, lang: str = "zh-CN") -> Response:
    exported = packages.export_package(ctx, p, filing_id, lang=lang)
    return Response(
        exported.data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


PACKAGE_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "require_signature": {"type": "boolean"},
                    },
                }
            }
        },
    }
}


@router.post("/packages", status_code=201, openapi_extra=PACKAGE_FORM)
async def upload_package(request: Request, ctx: CtxDep, p: ApiUser) -> Created:
    """Import a submission package (regulators only: others are refused before the upload is read)."""
    packages.may_import(p)
    limit = ctx.settings.max_archive_bytes
    form = await uploads.limited_form(request, limit)
    try:
        data = await run_in_threadpool(packages.read_package, uploads.one_file(form).file, limit)
        signed = str(form.get("require_signature", "")).lower() in {"true", "1", "on", "yes"}
        filing_id = await run_in_threadpool(packages.import_package, ctx, p, data, require_signature=signed)
    finally:
        await form.close()
    return Created(id=filing_id)


@router.put("/filings/{filing_id}/answers")
def save_answers(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: AnswersIn) -> StateOut:
    filings.save_answers(ctx, p, filing_id, body.as_dicts())
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.post("/filings/{filing_id}/judgements")
def record_judgement(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: JudgementBody) -> FilingOut:
    """Record the provider's judgement on an open question; the filing's duties then follow it."""
    judging.record_judgement(ctx, p, filing_id, body.question, body.answer, body.reasons)
    return queries.get_filing(ctx, p, filing_id).filing.as_list_row()


@router.post("/filings/{filing_id}/evidence", status_code=201)
def upload_evidence(
    ctx: CtxDep,
    p: ApiUser,
    filing_id: IdPath,
    file: Annotated[UploadFile, File()],
    item_id: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=MAX_TEXT)] = "",
) -> dict[str, str]:
    sha = filings.add_evidence(ctx, p, filing_id, item_id or None, file.filename or "upload", file.file, description)
    return {"sha256": sha}


@router.post("/filings/{filing_id}/assessor")
def invite_assessor(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: AssessorIn) -> StateOut:
    filings.invite_assessor(ctx, p, filing_id, body.username)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.post("/filings/{filing_id}/sign")
def sign(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: SignIn) -> StateOut:
    filings.sign_conclusion(ctx, p, filing_id, body.statement)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


def action_extras(body: ActionIn) -> dict[str, Any]:
    extra: dict[str, Any] = {"due": body.due}
    if body.inspection is not None:
        extra.update(body.inspection.model_dump())
    if body.items:
        extra["items"] = [RectificationDemand(i.text, i.due) for i in body.items]
    return extra


@router.post("/filings/{filing_id}/actions/{action}")
def act(ctx: CtxDep, p: ApiUser, filing_id: IdPath, action: Action, body: ActionIn) -> StateOut:
    state = review.act(ctx, p, filing_id, action, body.note, action_extras(body))
    return StateOut(id=filing_id, state=state.value)


@router.post("/filings/{filing_id}/comments", status_code=201)
def comment(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: CommentIn) -> StateOut:
    review.comment(ctx, p, filing_id, body.item_id, body.text)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.post("/filings/{filing_id}/rectification/{item_id}")
def answer_rectification(
    ctx: CtxDep, p: ApiUser, filing_id: IdPath, item_id: IdPath, body: RectificationAnswerIn
) -> StateOut:
    review.answer_rectification(ctx, p, filing_id, item_id, body.response, body.evidence_sha256)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.get("/services")
def list_services(ctx: CtxDep, p: ApiUser) -> list[ServiceOut]:
    """The caller's own services, with the profile each was registered with."""
    return party_views.service_rows(ctx, p)


@router.post("/services", status_code=201)
def add_service(ctx: CtxDep, p: ApiUser, body: ServiceIn) -> Created:
    return Created(id=filings.add_service(ctx, p, body.model_dump()))


@router.post("/notices", status_code=201)
def notify(ctx: CtxDep, p: ApiUser, body: NoticeIn) -> Created:
    return Created(id=filings.notify(ctx, p, body.service_id, body.reference, body.note, body.due))


@router.get("/summonses")
def list_summonses(ctx: CtxDep, p: ApiUser) -> list[SummonsOut]:
    return party_views.summons_rows(ctx, p)


@router.post("/summonses", status_code=201)
def record_summons(ctx: CtxDep, p: ApiUser, body: SummonsIn) -> Created:
    return Created(id=review.record_summons(ctx, p, SummonsRecord(**body.model_dump())))


@router.get("/summonses/{summons_id}")
def get_summons(ctx: CtxDep, p: ApiUser, summons_id: IdPath) -> SummonsOut:
    return party_views.summons_view(ctx, p, summons_id)


def _document_out(d: issued_documents.DocumentView) -> DocumentOut:
    return DocumentOut(**dataclasses.asdict(d))


@router.get("/filings/{filing_id}/documents")
def filing_documents(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> list[DocumentOut]:
    """The documents issued in a filing, frozen as issued."""
    queries.get_filing(ctx, p, filing_id)
    return [_document_out(d) for d in issued_documents.list_documents(ctx, p, filing_id=filing_id)]


@router.get("/providers/{provider_id}/documents")
def provider_documents(ctx: CtxDep, p: ApiUser, provider_id: IdPath) -> list[DocumentOut]:
    """Every document addressed to a provider (notices, summonses, orders) that the caller may read."""
    return [_document_out(d) for d in issued_documents.list_documents(ctx, p, provider_id=provider_id)]


@router.get("/documents/{document_id}")
def get_document(ctx: CtxDep, p: ApiUser, document_id: IdPath) -> DocumentOut:
    return _document_out(issued_documents.get_document(ctx, p, document_id))


@router.get("/documents/{document_id}/pdf")
def document_pdf(request: Request, ctx: CtxDep, p: ApiUser, document_id: IdPath) -> Response:
    _, data = issued_documents.document_pdf(ctx, p, document_id, request_lang(request))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="document-{document_id}.pdf"'},
    )


@router.post("/documents/{document_id}/acknowledgement", status_code=201)
def acknowledge_document(ctx: CtxDep, p: ApiUser, document_id: IdPath) -> dict[str, Any]:
    """The provider's signed acknowledgement of receipt (回执) of the document's digest."""
    return issued_documents.acknowledge(ctx, p, document_id)


@router.get("/filings/{filing_id}/receipts")
def filing_receipts(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> list[dict[str, Any]]:
    """The receipts of the filing's submissions, countersigned by the receiving authorities."""
    return issued_documents.submission_receipts(ctx, p, filing_id)


@router.put("/issuer/reference-pattern")
def set_reference_pattern(ctx: CtxDep, p: ApiUser, body: PatternIn) -> dict[str, str]:
    """A regulator sets its office's 文号 pattern; answers with the number the pattern gives."""
    return {"example": issuing.set_reference_pattern(ctx, p, body.pattern)}


@router.get("/dashboard")
def dashboard(ctx: CtxDep, p: ApiUser) -> dict[str, Any]:
    d = dashboards.dashboard(ctx, p)
    return {
        "total": d.total,
        "overdue": d.overdue,
        "by_state": d.by_state,
        "by_region": d.by_region,
        "by_technology": d.by_technology,
        "overdue_by_month": d.overdue_by_month,
    }


@router.get("/evidence/{sha256}")
def download_evidence(ctx: CtxDep, p: ApiUser, sha256: str) -> FileResponse:
    row = queries.evidence_for(ctx, p, sha256)
    return FileResponse(ctx.blobs.path_for(row.sha256), media_type=row.media_type, filename=row.filename)


@router.get("/audit/verify")
def verify_audit(ctx: CtxDep, p: ApiUser) -> ChainOut:
    if p.role is not Role.PLATFORM_ADMIN:
        raise PermissionDeniedError("only a platform_admin may verify the audit chain")
    report = audit.verify_chain(ctx)
    return ChainOut(ok=report.ok, entries=report.entries, first_broken=report.first_broken, reason=report.reason)
