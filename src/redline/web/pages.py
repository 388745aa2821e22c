"""Pages for everyone: login, language, provider dashboard, filing page and its forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from redline.domain.workflow import (
    NEEDS_CONFIRMATION,
    NEEDS_OPINION_ON_PAGE,
    NEEDS_REASON,
    REGULATOR_ROLES,
    Action,
    Role,
)
from redline.errors import InputError, NotFoundError, PermissionDeniedError, RedlineError, ThrottledError
from redline.i18n import LANGUAGES
from redline.probes.document import SCHEMA as PROBE_RUN_SCHEMA
from redline.reports.canonical import loads
from redline.reports.html import render_probe_html, render_report_html
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import documents_pdf, filings, issued_documents, judging, party_views, queries, review
from redline.services.filing.views import filing_rows
from redline.services.filing.workspace import Show, workspace
from redline.services.inbox import reading
from redline.services.packages import packages
from redline.services.principal import Principal
from redline.services.rulebook_impact import impact as rulebook_impact
from redline.web import forms, login_gate
from redline.web.confirmations import autosave_refused, autosaved, confirmation
from redline.web.deps import SESSION_COOKIE, Csrf, CtxDep, IdPath, PageUser
from redline.web.judgement_form import JudgementForm
from redline.web.templating import LANG_COOKIE, render, render_cached, request_lang

router = APIRouter()


def _safe_next(target: str) -> str:
    parsed = urlparse(target)
    return target if target.startswith("/") and not target.startswith("//") and not parsed.netloc else "/"


def _back(filing_id: IdPath, done: str = "") -> RedirectResponse:
    return RedirectResponse(f"/filings/{filing_id}" + (f"?done={done}" if done else ""), status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", dependencies=[Csrf])
async def login(
    request: Request,
    ctx: CtxDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    client_ip = request.client.host if request.client else None
    try:
        # off the event loop and out of the shared thread pool: a burst of logins waits here, not in
        # the way of other requests; past login_gate.QUEUE waiting, refused at once without hashing
        token, _ = await login_gate.run(accounts.login, ctx, username.strip(), password, client_ip)
    except RedlineError as exc:
        page = render(
            request,
            "login.html",
            status=429 if isinstance(exc, ThrottledError) else 401,
            next=_safe_next(next),
            error=exc.message,
        )
        if isinstance(exc, ThrottledError) and exc.retry_after is not None:
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    request.state.rotate_csrf = True
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
        max_age=ctx.settings.session_hours * 3600,
        path="/",
    )
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, ctx: CtxDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.logout(ctx, token)
    request.state.rotate_csrf = True
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    if code not in LANGUAGES:
        raise NotFoundError(f"no language '{code}'")
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, code, httponly=True, samesite="lax", max_age=365 * 86400, path="/")
    return response


@router.get("/")
def home(p: PageUser) -> Response:
    if p.is_provider:
        return RedirectResponse("/provider", status_code=303)
    if p.role in REGULATOR_ROLES:
        return RedirectResponse("/regulator", status_code=303)
    if p.role is Role.ASSESSOR:
        return RedirectResponse("/assessor", status_code=303)
    if p.is_admin:
        return RedirectResponse("/admin", status_code=303)
    return RedirectResponse("/account", status_code=303)


@router.get("/provider", response_class=HTMLResponse)
def provider_home(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    return _provider(request, ctx, p)


def _provider(
    request: Request,
    ctx: CtxDep,
    p: PageUser,
    change_error: InputError | None = None,
    posted: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    """The provider's page; after a refused change, again with the message and the change as entered."""
    if not p.is_provider:
        raise PermissionDeniedError("this page is for providers")
    rows, total = filing_rows(ctx, p, queries.FilingFilter(limit=200))
    return render(
        request,
        "provider.html",
        status=422 if change_error else 200,
        services=party_views.service_rows(ctx, p),
        filings=rows,
        total=total,
        documents=issued_documents.list_documents(ctx, p, provider_id=p.organisation_id or 0),
        predating={s.service_id: s for s in rulebook_impact.predating(ctx, p).services},
        banners=reading.banners(ctx, p),
        overdue_count=sum(f.overdue for f in rows),
        capabilities=ctx.book.capabilities,
        technologies=ctx.book.technologies,
        change_error=change_error,
        posted=posted,
    )


@router.get("/assessor", response_class=HTMLResponse)
def assessor_home(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    if p.role is not Role.ASSESSOR:
        raise PermissionDeniedError("this page is for invited assessors")
    rows, total = filing_rows(ctx, p, queries.FilingFilter(limit=200))
    return render(request, "assessor.html", filings=rows, total=total)


@router.post("/services", dependencies=[Csrf])
async def add_service(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    profile = {"service": forms.service(form)}
    filings.add_service(ctx, p, profile)
    return RedirectResponse("/provider?done=service", status_code=303)


@router.post("/filings", dependencies=[Csrf])
async def record_change(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    try:
        service_id = forms.chosen_id(form, "service_id", "service")
        filing_id = filings.record_change(ctx, p, service_id, forms.change(form))
    except InputError as exc:
        return _provider(request, ctx, p, exc, forms.entered(form))
    return _back(filing_id, "open")


@router.get("/filings/{filing_id}", response_class=HTMLResponse)
def filing_page(
    request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath, done: str = "", show: str = ""
) -> HTMLResponse:
    return _filing(request, ctx, p, filing_id, done=done, show=Show.of(show))


def _filing(
    request: Request,
    ctx: CtxDep,
    p: PageUser,
    filing_id: int,
    *,
    done: str = "",
    error: InputError | None = None,
    posted: dict[str, dict[str, Any]] | None = None,
    judging: JudgementForm | None = None,
    show: Show = Show.ALL,
    acting: tuple[str, dict[str, list[str]]] | None = None,
) -> HTMLResponse:
    """The filing page; after a refused form, again with the message and what was entered (the answers
    posted, the judgement form, or a step's form: `acting` names the step and holds what was typed). The plain
    page, as most requests ask for it, is kept in the page cache until the data changes."""
    plain = not done and error is None and posted is None and judging is None and acting is None
    if plain:
        key = ("filing", filing_id, p, ctx.today(), show)
        return render_cached(request, key, "filing.html", lambda: _filing_context(ctx, p, filing_id, show=show))
    refused = error is not None or (judging is not None and judging.error is not None)
    context = _filing_context(
        ctx, p, filing_id, done=done, error=error, posted=posted, judging=judging, show=show, acting=acting
    )
    return render(request, "filing.html", status=422 if refused else 200, **context)


def _filing_context(
    ctx: Context,
    p: Principal,
    filing_id: int,
    *,
    done: str = "",
    error: InputError | None = None,
    posted: dict[str, dict[str, Any]] | None = None,
    judging: JudgementForm | None = None,
    show: Show = Show.ALL,
    acting: tuple[str, dict[str, list[str]]] | None = None,
) -> dict[str, Any]:
    view = queries.get_filing(ctx, p, filing_id)
    shown = dict(view.filing.answers) | (posted or {})
    return dict(
        v=view,
        f=view.filing,
        ws=workspace(ctx.book, view, shown, show),
        may=view.may,
        needs_reason=NEEDS_REASON,
        needs_opinion=NEEDS_OPINION_ON_PAGE,
        needs_confirmation=NEEDS_CONFIRMATION,
        done=done,
        today=ctx.today(),
        answers=shown,
        error=error,
        error_item=_error_item(error, view.items),
        acting=acting[0] if acting else "",
        entered=acting[1] if acting else {},
        documents=issued_documents.list_documents(ctx, p, filing_id=filing_id),
        banners=reading.banners(ctx, p, filing_id),
        receipts=issued_documents.submission_receipts(ctx, p, filing_id),
        questions=view.filing.judgement_questions,
        judging=judging,
    )


def _error_item(error: InputError | None, items: list[str]) -> str | None:
    """The checklist item a refused answer's field names (`answers.ITEM...`), if any."""
    field = (error.field or "") if error else ""
    return next((i for i in items if field == f"answers.{i}" or field.startswith(f"answers.{i}.")), None)


@router.post("/filings/{filing_id}/judgements", dependencies=[Csrf])
async def record_judgement(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    """The provider's judgement on an open question; a wrong entry re-shows the form with the message."""
    form = await request.form()
    entered = JudgementForm.of(form)
    try:
        judging.record_judgement(ctx, p, filing_id, entered.question, entered.yes(), entered.reasons)
    except InputError as exc:
        return _filing(request, ctx, p, filing_id, judging=entered.failed(exc))
    return _back(filing_id, "judgement")


@router.post("/filings/{filing_id}/answers", dependencies=[Csrf])
async def save_answers(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    """Save the checklist; the page's script autosaves here too (header `X-Redline-Autosave: 1`: JSON back)."""
    form = await request.form()
    view = queries.get_filing(ctx, p, filing_id)
    show = Show.of(forms.text(form, "show"))
    autosave = request.headers.get("x-redline-autosave") == "1"
    posted = None
    try:
        posted = forms.answers(form, view.items)
        filings.save_answers(ctx, p, filing_id, posted)
    except InputError as exc:
        if autosave:
            return autosave_refused(exc, request_lang(request), request.url.path)
        return _filing(request, ctx, p, filing_id, error=exc, posted=posted, show=show)
    if autosave:
        saved = queries.get_filing(ctx, p, filing_id)
        return autosaved(workspace(ctx.book, saved, dict(saved.filing.answers)), request_lang(request))
    return RedirectResponse(f"/filings/{filing_id}?done=answers&show={show.value}#checklist", status_code=303)


async def _filing_form(
    request: Request, ctx: CtxDep, p: PageUser, filing_id: int, key: str, step: Callable[[FormData], object]
) -> Response:
    """Take a filing page form's step; refused, the filing page again with the message and what was typed (the
    form `key` names shows it again), never a page that loses the form."""
    form = await request.form()
    try:
        step(form)
    except InputError as exc:
        return _filing(request, ctx, p, filing_id, error=exc, acting=(key, forms.entered(form)))
    return _back(filing_id, key)


@router.post("/filings/{filing_id}/evidence", dependencies=[Csrf])
async def upload_evidence(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    def step(form: FormData) -> None:
        upload = form.get("file")
        if isinstance(upload, str) or upload is None or not upload.filename:
            raise InputError("choose a file", field="file")
        item = forms.text(form, "item_id") or None
        name, description = upload.filename, forms.text(form, "description")
        filings.add_evidence(ctx, p, filing_id, item, name, upload.file, description)

    return await _filing_form(request, ctx, p, filing_id, "evidence", step)


@router.post("/filings/{filing_id}/assessor", dependencies=[Csrf])
async def invite_assessor(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    return await _filing_form(
        request,
        ctx,
        p,
        filing_id,
        "assessor",
        lambda f: filings.invite_assessor(ctx, p, filing_id, forms.text(f, "username")),
    )


@router.post("/filings/{filing_id}/sign", dependencies=[Csrf])
async def sign(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    return await _filing_form(
        request,
        ctx,
        p,
        filing_id,
        "sign",
        lambda f: filings.sign_conclusion(ctx, p, filing_id, forms.text(f, "statement")),
    )


@router.post("/filings/{filing_id}/actions/{action}", dependencies=[Csrf])
async def act(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath, action: Action) -> Response:
    form = await request.form()
    try:
        extra = {
            "inspectors": forms.text(form, "inspectors"),
            "findings": forms.text(form, "findings"),
            "date": forms.date(form, "date"),
            "items": forms.demands(form),
            "due": forms.date(form, "due"),
        }
        note = forms.text(form, "note")
        if action in NEEDS_OPINION_ON_PAGE and not note:
            raise InputError("write the review opinion: it is what the written review records", field="note")
        if forms.text(form, "confirmed") == "edit":  # back from the confirmation page, with what was typed
            return _filing(request, ctx, p, filing_id, acting=(action.value, forms.entered(form)))
        if action in NEEDS_CONFIRMATION and forms.text(form, "confirmed") != "yes":
            return confirmation(request, ctx, p, filing_id, action, note, extra, forms.entered(form))
        review.act(ctx, p, filing_id, action, note, extra)
    except InputError as exc:  # e.g. a submission the stored answers do not allow: the page again, with why
        return _filing(request, ctx, p, filing_id, error=exc, acting=(action.value, forms.entered(form)))
    return _back(filing_id, action.value)


@router.post("/filings/{filing_id}/comments", dependencies=[Csrf])
async def comment(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    def step(form: FormData) -> None:
        review.comment(ctx, p, filing_id, forms.text(form, "item_id"), forms.text(form, "text"))

    return await _filing_form(request, ctx, p, filing_id, "comment", step)


@router.post("/filings/{filing_id}/rectification/{item_id}", dependencies=[Csrf])
async def answer_rectification(
    request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath, item_id: IdPath
) -> Response:
    def step(form: FormData) -> None:
        upload = form.get("file")
        sha = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            note = f"rectification item {item_id}"
            sha = filings.add_evidence(ctx, p, filing_id, None, upload.filename, upload.file, note)
        review.answer_rectification(ctx, p, filing_id, item_id, forms.text(form, "response"), sha)

    return await _filing_form(request, ctx, p, filing_id, "rectification_answer", step)


@router.get("/filings/{filing_id}/report.json")
def report_json(ctx: CtxDep, p: PageUser, filing_id: IdPath) -> JSONResponse:
    return JSONResponse(
        queries.submitted_report(ctx, p, filing_id),
        headers={"Content-Disposition": f'attachment; filename="filing-{filing_id}-report.json"'},
    )


@router.get("/filings/{filing_id}/report", response_class=HTMLResponse)
def report_html(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> HTMLResponse:
    response = HTMLResponse(render_report_html(queries.submitted_report(ctx, p, filing_id), request_lang(request)))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response


@router.get("/evidence/{sha256}")
def download_evidence(ctx: CtxDep, p: PageUser, sha256: str) -> FileResponse:
    row = queries.evidence_for(ctx, p, sha256)
    return FileResponse(ctx.blobs.path_for(row.sha256), media_type=row.media_type, filename=row.filename)


@router.get("/filings/{filing_id}/package.zip")
def download_package(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    exported = packages.export_package(ctx, p, filing_id, lang=request_lang(request))
    return Response(
        exported.data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/filings/{filing_id}/review.pdf")
def review_pdf(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    return _pdf(documents_pdf.review_opinion(ctx, p, filing_id, request_lang(request)), f"review-{filing_id}.pdf")


@router.get("/filings/{filing_id}/rectification.pdf")
def rectification_pdf(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    return _pdf(
        documents_pdf.rectification_order(ctx, p, filing_id, request_lang(request)), f"rectification-{filing_id}.pdf"
    )


@router.get("/documents/{document_id}.pdf")
def issued_document_pdf(request: Request, ctx: CtxDep, p: PageUser, document_id: IdPath) -> Response:
    """An issued document, printed from its frozen content."""
    _, data = issued_documents.document_pdf(ctx, p, document_id, request_lang(request))
    return _pdf(data, f"document-{document_id}.pdf")


@router.post("/documents/{document_id}/acknowledge", dependencies=[Csrf])
def acknowledge_document(ctx: CtxDep, p: PageUser, document_id: IdPath) -> Response:
    issued_documents.acknowledge(ctx, p, document_id)
    document = issued_documents.get_document(ctx, p, document_id)
    if document.filing_id is not None:
        return _back(document.filing_id, "acknowledge")
    return RedirectResponse("/provider#documents", status_code=303)


@router.get("/summonses/{summons_id}.pdf")
def summons_pdf(request: Request, ctx: CtxDep, p: PageUser, summons_id: IdPath) -> Response:
    return _pdf(documents_pdf.summons_record(ctx, p, summons_id, request_lang(request)), f"summons-{summons_id}.pdf")


@router.get("/filings/{filing_id}/report.pdf")
def report_pdf(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    report = queries.submitted_report(ctx, p, filing_id)
    from redline.reports.pdf import report_pdf as render

    return _pdf(render(report, request_lang(request)), f"report-{filing_id}.pdf")


def _may_import(p: PageUser) -> None:
    packages.may_import(p)  # before the CSRF check reads the form: nobody else makes the server take an upload


@router.post("/packages", dependencies=[Depends(_may_import), Csrf])
async def upload_package(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise InputError("choose a package file", field="file")
    data = await run_in_threadpool(packages.read_package, upload.file, ctx.settings.max_archive_bytes)
    filing_id = await run_in_threadpool(
        packages.import_package, ctx, p, data, require_signature=forms.text(form, "require_signature") == "on"
    )
    return _back(filing_id, "import")


@router.get("/evidence/{sha256}/view", response_class=HTMLResponse)
def view_evidence(request: Request, ctx: CtxDep, p: PageUser, sha256: str) -> HTMLResponse:
    """Probe results attached as evidence, shown as a page (with charts such as log coverage)."""
    row = queries.evidence_for(ctx, p, sha256)
    try:
        document = loads(ctx.blobs.path_for(row.sha256).read_text(encoding="utf-8"), row.filename)
    except (InputError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict) or document.get("schema") != PROBE_RUN_SCHEMA:
        raise InputError("this evidence is not a redline probe run; download it instead", field="sha256")
    response = HTMLResponse(render_probe_html(document, request_lang(request)))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    )
    return response
