"""The administrator's pages for accounts: find, create, change, disable, set a password, revoke a token,
end every session. A password set here is shown once, on the answer to the form that set it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from redline.domain.workflow import Role
from redline.errors import InputError
from redline.services.access import admin_users, organisations
from redline.services.access.admin_users import Placement, UserFilter
from redline.services.access.views import NewPassword
from redline.services.context import Context
from redline.services.principal import Principal
from redline.web import forms
from redline.web.deps import MAX_ID, AdminOnly, AdminUser, Csrf, CtxDep, IdPath
from redline.web.places import namer
from redline.web.templating import render

router = APIRouter()
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
OrgQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        raise InputError("choose a role", field="role") from None


def _placement(form: FormData) -> Placement:
    return Placement(
        display_name=forms.text(form, "display_name", 100),
        role=_role(forms.text(form, "role", 40)),
        organisation_id=forms.integer(form, "organisation_id"),
        jurisdiction=forms.text(form, "jurisdiction", 6) or None,
    )


def _choices(ctx: Context, p: Principal) -> dict[str, object]:
    """What the account forms offer: roles, organisations and jurisdictions, by name."""
    return {
        "roles": list(Role),
        "orgs": organisations.list_all(ctx, p),
        "jurisdictions": organisations.jurisdictions(ctx.book),
    }


def _list(
    request: Request,
    ctx: CtxDep,
    p: AdminUser,
    f: UserFilter,
    *,
    created: NewPassword | None = None,
    error: InputError | None = None,
    posted: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    found = admin_users.find(ctx, p, f)
    return render(
        request,
        "admin_users.html",
        status=422 if error else 200,
        users=found.rows,
        total=found.total,
        page=f.page,
        pages=max(1, -(-found.total // admin_users.PAGE_SIZE)),
        filters={"q": f.text, "role": f.role.value if f.role else "", "organisation": f.organisation_id or ""},
        place=namer(ctx, request),
        created=created,
        error=error,
        posted=posted or {},
        **_choices(ctx, p),
    )


@router.get("/admin/users", response_class=HTMLResponse)
def user_list(
    request: Request,
    ctx: CtxDep,
    p: AdminUser,
    q: Annotated[str, Query(max_length=100)] = "",
    role: str = "",
    organisation: OrgQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    chosen = _role(role) if role else None
    return _list(request, ctx, p, UserFilter(q.strip(), chosen, organisation, page))


@router.post("/admin/users", dependencies=[AdminOnly, Csrf])
async def user_create(request: Request, ctx: CtxDep, p: AdminUser) -> Response:
    form = await request.form()
    try:
        created = admin_users.create(
            ctx, p, forms.text(form, "username", 64), _placement(form), forms.secret(form, "password")
        )
    except InputError as exc:
        return _list(request, ctx, p, UserFilter(), error=exc, posted=forms.entered(form, 200))
    return _list(request, ctx, p, UserFilter(created.username), created=created)


def _user(
    request: Request,
    ctx: CtxDep,
    p: AdminUser,
    user_id: int,
    *,
    done: str = "",
    new_password: NewPassword | None = None,
    error: InputError | None = None,
) -> HTMLResponse:
    return render(
        request,
        "admin_user.html",
        status=422 if error else 200,
        d=admin_users.detail(ctx, p, user_id),
        now=ctx.now(),
        place=namer(ctx, request),
        done=done if done in ("saved", "enabled", "disabled", "revoked", "ended") else "",
        new_password=new_password,
        error=error,
        **_choices(ctx, p),
    )


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, ctx: CtxDep, p: AdminUser, user_id: IdPath, done: str = "") -> HTMLResponse:
    return _user(request, ctx, p, user_id, done=done)


def _back(user_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/users/{user_id}?done={done}", status_code=303)


@router.post("/admin/users/{user_id}", dependencies=[AdminOnly, Csrf])
async def user_update(request: Request, ctx: CtxDep, p: AdminUser, user_id: IdPath) -> Response:
    form = await request.form()
    try:
        admin_users.update(ctx, p, user_id, _placement(form))
    except InputError as exc:
        return _user(request, ctx, p, user_id, error=exc)
    return _back(user_id, "saved")


@router.post("/admin/users/{user_id}/active", dependencies=[AdminOnly, Csrf])
async def user_active(request: Request, ctx: CtxDep, p: AdminUser, user_id: IdPath) -> Response:
    active = forms.text(await request.form(), "active") == "true"
    admin_users.set_active(ctx, p, user_id, active)
    return _back(user_id, "enabled" if active else "disabled")


@router.post("/admin/users/{user_id}/password", dependencies=[AdminOnly, Csrf])
async def user_password(request: Request, ctx: CtxDep, p: AdminUser, user_id: IdPath) -> Response:
    form = await request.form()
    try:
        new = admin_users.reset_password(ctx, p, user_id, forms.secret(form, "password"))
    except InputError as exc:
        return _user(request, ctx, p, user_id, error=exc)
    return _user(request, ctx, p, user_id, new_password=new)


@router.post("/admin/users/{user_id}/tokens/{token_id}/revoke", dependencies=[AdminOnly, Csrf])
def user_token_revoke(ctx: CtxDep, p: AdminUser, user_id: IdPath, token_id: IdPath) -> Response:
    admin_users.revoke_token(ctx, p, user_id, token_id)
    return _back(user_id, "revoked")


@router.post("/admin/users/{user_id}/logout-everywhere", dependencies=[AdminOnly, Csrf])
def user_logout_everywhere(ctx: CtxDep, p: AdminUser, user_id: IdPath) -> Response:
    admin_users.logout_everywhere(ctx, p, user_id)
    return _back(user_id, "ended")
