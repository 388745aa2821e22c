"""The administrator's pages: the landing page, and organisations (list, create, change)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from redline.errors import InputError
from redline.services.access import organisations
from redline.services.access.organisations import KINDS, OrganisationForm
from redline.web import forms
from redline.web.deps import AdminOnly, AdminUser, Csrf, CtxDep, IdPath
from redline.web.places import namer
from redline.web.templating import render

router = APIRouter()


@router.get("/admin", response_class=HTMLResponse)
def landing(request: Request, p: AdminUser) -> HTMLResponse:
    return render(request, "admin.html")


def _organisations(
    request: Request,
    ctx: CtxDep,
    p: AdminUser,
    kind: str = "",
    error: InputError | None = None,
    posted: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "admin_organisations.html",
        status=422 if error else 200,
        rows=organisations.list_all(ctx, p, kind if kind in KINDS else ""),
        kinds=KINDS,
        kind=kind,
        place=namer(ctx, request),
        error=error,
        posted=posted or {},
    )


@router.get("/admin/organisations", response_class=HTMLResponse)
def organisation_list(request: Request, ctx: CtxDep, p: AdminUser, kind: str = "") -> HTMLResponse:
    return _organisations(request, ctx, p, kind)


def _form(form: FormData) -> OrganisationForm:
    return OrganisationForm(
        name=forms.text(form, "name", 200),
        location=forms.text(form, "location", 200),
        credit_code=forms.text(form, "credit_code", 18),
        kind=forms.text(form, "kind", 20),
    )


@router.post("/admin/organisations", dependencies=[AdminOnly, Csrf])
async def organisation_create(request: Request, ctx: CtxDep, p: AdminUser) -> Response:
    form = await request.form()
    try:
        org_id = organisations.add(ctx, p, _form(form))
    except InputError as exc:
        return _organisations(request, ctx, p, error=exc, posted=forms.entered(form, 200))
    return RedirectResponse(f"/admin/organisations/{org_id}?done=created", status_code=303)


def _organisation(
    request: Request, ctx: CtxDep, p: AdminUser, org_id: int, done: str = "", error: InputError | None = None
) -> HTMLResponse:
    return render(
        request,
        "admin_organisation.html",
        status=422 if error else 200,
        org=organisations.get(ctx, p, org_id),
        place=namer(ctx, request),
        done=done if done in ("created", "saved") else "",
        error=error,
    )


@router.get("/admin/organisations/{org_id}", response_class=HTMLResponse)
def organisation_page(request: Request, ctx: CtxDep, p: AdminUser, org_id: IdPath, done: str = "") -> HTMLResponse:
    return _organisation(request, ctx, p, org_id, done)


@router.post("/admin/organisations/{org_id}", dependencies=[AdminOnly, Csrf])
async def organisation_update(request: Request, ctx: CtxDep, p: AdminUser, org_id: IdPath) -> Response:
    form = await request.form()
    try:
        organisations.update(ctx, p, org_id, _form(form))
    except InputError as exc:
        return _organisation(request, ctx, p, org_id, error=exc)
    return RedirectResponse(f"/admin/organisations/{org_id}?done=saved", status_code=303)
