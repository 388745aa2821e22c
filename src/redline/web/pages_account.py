"""The account page: API tokens (create with a lifetime, list, revoke), password change, log out everywhere;
and the page where an account replaces a password an administrator set."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.errors import InputError
from redline.services.access import accounts, credentials
from redline.services.filing import issuing
from redline.web import forms
from redline.web.deps import NEW_PASSWORD_PAGE, SESSION_COOKIE, Csrf, CtxDep, IdPath, PageUser
from redline.web.places import namer
from redline.web.templating import render

router = APIRouter()


def _page(
    request: Request,
    ctx: CtxDep,
    p: PageUser,
    new_token: str | None = None,
    done: str = "",
    status: int = 200,
    pattern_error: str = "",
    pattern: str | None = None,
    password_error: str = "",
) -> HTMLResponse:
    current = issuing.current_pattern(ctx, p)
    return render(
        request,
        "account.html",
        status,
        new_token=new_token,
        done=done,
        now=ctx.now(),
        tokens=accounts.list_api_tokens(ctx, p),
        default_days=ctx.settings.api_token_days,
        max_days=ctx.settings.api_token_max_days,
        reference=current,
        pattern_error=pattern_error,
        pattern=pattern if pattern is not None else (current[0] if current else ""),
        password_error=password_error,
        place=namer(ctx, request),
    )


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, ctx: CtxDep, p: PageUser, done: str = "") -> HTMLResponse:
    """A new token is never read from the URL: it appears only on the response to the POST that made it."""
    return _page(request, ctx, p, done=done if done in ("password", "revoked", "pattern") else "")


@router.post("/account/tokens", dependencies=[Csrf])
async def new_token(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    form = await request.form()
    token = accounts.create_api_token(ctx, p, forms.text(form, "name", max_length=100), forms.integer(form, "days"))
    return _page(request, ctx, p, new_token=token)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Csrf])
def revoke_token(ctx: CtxDep, p: PageUser, token_id: IdPath) -> Response:
    accounts.revoke_api_token(ctx, p, token_id)
    return RedirectResponse("/account?done=revoked", status_code=303)


async def _change_password(request: Request, ctx: CtxDep, p: PageUser) -> None:
    form = await request.form()
    credentials.change_password(
        ctx,
        p,
        forms.secret(form, "current"),
        forms.secret(form, "new"),
        keep_session=request.cookies.get(SESSION_COOKIE),
        revoke_tokens=forms.text(form, "revoke_tokens") == "on",
        client_ip=request.client.host if request.client else None,
    )


@router.post("/account/password", dependencies=[Csrf])
async def change_password(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    try:
        await _change_password(request, ctx, p)
    except InputError as exc:
        return _page(request, ctx, p, status=422, password_error=exc.message)
    return RedirectResponse("/account?done=password", status_code=303)


@router.get(NEW_PASSWORD_PAGE, response_class=HTMLResponse)
def new_password_page(request: Request, p: PageUser) -> Response:
    """The one page an account whose password an administrator set can reach, until it sets its own."""
    if not p.must_change_password:
        return RedirectResponse("/account", status_code=303)
    return render(request, "new_password.html", error="")


@router.post(NEW_PASSWORD_PAGE, dependencies=[Csrf])
async def new_password(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    try:
        await _change_password(request, ctx, p)
    except InputError as exc:
        return render(request, "new_password.html", status=422, error=exc.message)
    return RedirectResponse("/", status_code=303)


@router.post("/account/reference-pattern", dependencies=[Csrf])
async def reference_pattern(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    """A regulator sets its office's 文号 pattern; a bad pattern re-shows the form with the reason."""
    form = await request.form()
    pattern = forms.text(form, "pattern", max_length=1000)
    try:
        issuing.set_reference_pattern(ctx, p, pattern)
    except InputError as exc:
        return _page(request, ctx, p, status=422, pattern_error=exc.message, pattern=pattern)
    return RedirectResponse("/account?done=pattern", status_code=303)


@router.post("/account/logout-everywhere", dependencies=[Csrf])
async def logout_everywhere(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    credentials.logout_everywhere(ctx, p, revoke_tokens=forms.text(form, "revoke_tokens") == "on")
    request.state.rotate_csrf = True
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
