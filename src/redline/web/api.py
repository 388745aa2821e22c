"""JSON API under /api/v1: the same use cases as the pages; errors as problem JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.services import audit_log
from redline.services.access import accounts
from redline.services.filing import dashboards, filings, judging, party_views, queries
from redline.services.filing.views import filing_rows
from redline.services.packages import packages
from redline.web import uploads
from redline.web.api_spec import ACCOUNT, FILINGS, PLATFORM, REVIEW, SERVICES, problems
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.web.schemas import (
    MAX_TEXT,
    AnswersIn,
    AssessorIn,
    ChainOut,
    ChangeIn,
    Created,
    FilingDetail,
    FilingList,
    FilingOut,
    JudgementBody,
    MeOut,
    ServiceIn,
    ServiceOut,
    SignIn,
    StateOut,
    TokenOut,
)
from redline.words import N_

router = APIRouter(prefix="/api/v1")


@router.get("/health", tags=[PLATFORM], summary=N_("Check that the server answers"))
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me", tags=[ACCOUNT], summary=N_("Who the token acts for"))
def me(p: ApiUser) -> MeOut:
    return MeOut(
        username=p.username,
        display_name=p.display_name,
        role=p.role.value,
        organisation_id=p.organisation_id,
        jurisdiction=p.jurisdiction,
    )


@router.get(
    "/tokens",
    tags=[ACCOUNT],
    summary=N_("List your API tokens"),
    description=N_("The tokens of the token's own account: names and dates, never a token's text or its hash."),
)
def list_tokens(ctx: CtxDep, p: ApiUser) -> list[TokenOut]:
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


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    tags=[ACCOUNT],
    summary=N_("Revoke one of your API tokens"),
    description=N_("The token stops working at once; another account's token answers 404."),
)
def revoke_token(ctx: CtxDep, p: ApiUser, token_id: IdPath) -> Response:
    accounts.revoke_api_token(ctx, p, token_id)
    return Response(status_code=204)


@router.get(
    "/filings",
    response_model=FilingList,
    tags=[FILINGS],
    summary=N_("List the filings you may see"),
    description=N_(
        "Filtered by state, region or technology, or the overdue ones only; a page of `limit` from `offset`."
    ),
)
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


@router.post(
    "/filings",
    status_code=201,
    tags=[FILINGS],
    summary=N_("Record a change of a service"),
    description=N_(
        "A provider records a planned change of one of its services; a filing opens in draft with its duties."
    ),
    responses=problems(403, 404),
)
def record_change(ctx: CtxDep, p: ApiUser, body: ChangeIn) -> Created:
    return Created(id=filings.record_change(ctx, p, body.service_id, body.change))


@router.get("/filings/{filing_id}", tags=[FILINGS], summary=N_("Read a filing"))
def get_filing(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> FilingDetail:
    return FilingDetail.of_view(queries.get_filing(ctx, p, filing_id))


@router.get(
    "/filings/{filing_id}/report",
    tags=[FILINGS],
    summary=N_("Read a filing's sealed report"),
    description=N_("The report as last submitted, sealed; 404 before the first submission."),
)
def get_report(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> JSONResponse:
    return JSONResponse(queries.submitted_report(ctx, p, filing_id))


@router.get(
    "/filings/{filing_id}/package",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": N_("The package, a ZIP archive")}},
    tags=[FILINGS],
    summary=N_("Download a filing's submission package"),
    description=N_(
        "The sealed report with its evidence, to carry to another installation; `lang` is the PDF's language."
    ),
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


@router.post(
    "/packages",
    status_code=201,
    openapi_extra=PACKAGE_FORM,
    tags=[REVIEW],
    summary=N_("Import a submission package"),
    description=N_("Regulators only: any other account is refused before the upload is read."),
    responses=problems(400, 403, 413, 507),
)
async def upload_package(request: Request, ctx: CtxDep, p: ApiUser) -> Created:
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


@router.put(
    "/filings/{filing_id}/answers",
    tags=[FILINGS],
    summary=N_("Save answers to checklist items"),
    description=N_("Each answer given replaces the stored answer of its item; items not named stay as they are."),
    responses=problems(403, 409),
)
def save_answers(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: AnswersIn) -> StateOut:
    filings.save_answers(ctx, p, filing_id, body.as_dicts())
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.post(
    "/filings/{filing_id}/judgements",
    tags=[FILINGS],
    summary=N_("Record a judgement on an open question"),
    description=N_("The provider's judgement, with its reasons; the filing's duties then follow it."),
    responses=problems(403, 409),
)
def record_judgement(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: JudgementBody) -> FilingOut:
    judging.record_judgement(ctx, p, filing_id, body.question, body.answer, body.reasons)
    return queries.get_filing(ctx, p, filing_id).filing.as_list_row()


@router.post(
    "/filings/{filing_id}/evidence",
    status_code=201,
    tags=[FILINGS],
    summary=N_("Upload evidence"),
    description=N_("A file for the assessment, for one checklist item or the whole filing; answers its SHA-256."),
    responses=problems(403, 409, 507),
)
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


@router.post(
    "/filings/{filing_id}/assessor",
    tags=[FILINGS],
    summary=N_("Invite an assessor"),
    description=N_("The provider's administrator invites an assessor account to assess the filing."),
    responses=problems(403),
)
def invite_assessor(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: AssessorIn) -> StateOut:
    filings.invite_assessor(ctx, p, filing_id, body.username)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.post(
    "/filings/{filing_id}/sign",
    tags=[FILINGS],
    summary=N_("Sign the assessment's conclusion"),
    description=N_("The invited assessor signs the conclusion with a statement."),
    responses=problems(403),
)
def sign(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: SignIn) -> StateOut:
    filings.sign_conclusion(ctx, p, filing_id, body.statement)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.get("/services", tags=[SERVICES], summary=N_("List your services"))
def list_services(ctx: CtxDep, p: ApiUser) -> list[ServiceOut]:
    """The caller's own services, with the profile each was registered with."""
    return party_views.service_rows(ctx, p)


@router.post(
    "/services",
    status_code=201,
    tags=[SERVICES],
    summary=N_("Register a service"),
    description=N_("A provider registers a service; the profile has the shape of a service YAML file."),
    responses=problems(403),
)
def add_service(ctx: CtxDep, p: ApiUser, body: ServiceIn) -> Created:
    return Created(id=filings.add_service(ctx, p, body.model_dump()))


@router.get(
    "/dashboard",
    tags=[FILINGS],
    summary=N_("Count the filings you may see"),
    description=N_("By state, region, technology and month overdue."),
)
def dashboard(ctx: CtxDep, p: ApiUser) -> dict[str, Any]:
    d = dashboards.dashboard(ctx, p, escalations=0)  # the API's dashboard has no escalation list
    return {
        "total": d.total,
        "overdue": d.overdue,
        "by_state": d.by_state,
        "by_region": d.by_region,
        "by_technology": d.by_technology,
        "overdue_by_month": d.overdue_by_month,
    }


@router.get(
    "/evidence/{sha256}",
    response_class=FileResponse,
    responses={200: {"content": {"*/*": {}}, "description": N_("The file as uploaded, with its media type")}},
    tags=[FILINGS],
    summary=N_("Download evidence by its SHA-256"),
)
def download_evidence(ctx: CtxDep, p: ApiUser, sha256: str) -> FileResponse:
    row = queries.evidence_for(ctx, p, sha256)
    return FileResponse(ctx.blobs.path_for(row.sha256), media_type=row.media_type, filename=row.filename)


@router.get(
    "/audit/verify",
    tags=[PLATFORM],
    summary=N_("Verify the audit chain"),
    description=N_("The platform administrator checks that no entry of the audit log was changed or removed."),
    responses=problems(403),
)
def verify_audit(ctx: CtxDep, p: ApiUser) -> ChainOut:
    report = audit_log.chain_status(ctx, p)
    return ChainOut(ok=report.ok, entries=report.entries, first_broken=report.first_broken, reason=report.reason)
