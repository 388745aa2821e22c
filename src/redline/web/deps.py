"""Request dependencies: context, who is acting (session cookie or API token), CSRF."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from redline.errors import AuthenticationError, PermissionDeniedError
from redline.services import accounts
from redline.services.context import Context
from redline.services.principal import Principal
from redline.web.templating import CSRF_COOKIE

SESSION_COOKIE = "redline_session"
logger = logging.getLogger("redline.web")


class LoginRequiredError(Exception):
    """A page needs a logged-in user; the handler redirects to the login page."""


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(get_ctx)]


class SessionMiddleware(BaseHTTPMiddleware):
    """Resolve the session cookie for pages and keep a CSRF cookie (double-submit pattern)."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return await call_next(request)
        ctx: Context = request.app.state.ctx
        token = request.cookies.get(SESSION_COOKIE)
        try:
            request.state.version = version = ctx.version()
            request.state.principal = accounts.session_principal(ctx, token, version) if token else None
        except (OperationalError, InterfaceError) as exc:
            from redline.web.problems import database_error

            return await database_error(request, exc)
        csrf = request.cookies.get(CSRF_COOKIE)
        fresh = not csrf or len(csrf) < 32
        request.state.csrf = secrets.token_urlsafe(32) if fresh else csrf
        response = await call_next(request)
        new_csrf = getattr(request.state, "new_csrf", None)
        if fresh or new_csrf:
            response.set_cookie(CSRF_COOKIE, new_csrf or request.state.csrf, httponly=True,
                                samesite="strict", secure=ctx.settings.secure_cookies, path="/")
        return response


def page_principal(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise LoginRequiredError()
    return principal


async def csrf_protect(request: Request) -> None:
    """Every state-changing form carries the token that the CSRF cookie holds."""
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(sent, cookie):
        raise PermissionDeniedError("the form's security token is missing or expired; reload the page")


def api_principal(request: Request) -> Principal:
    ctx: Context = request.app.state.ctx
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("send an API token: Authorization: Bearer rl_…")
    request.state.version = version = ctx.version()
    principal = accounts.token_principal(ctx, token.strip(), version)
    if principal is None:
        raise AuthenticationError("unknown or revoked API token")
    return principal


MAX_ID = 2_147_483_647  # PostgreSQL INTEGER; larger ids cannot exist and must not reach the database
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

PageUser = Annotated[Principal, Depends(page_principal)]
ApiUser = Annotated[Principal, Depends(api_principal)]
Csrf = Depends(csrf_protect)

SecurityHeaders = Callable[[Request, RequestResponseEndpoint], Awaitable[Response]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'; frame-ancestors 'none'")


async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    """Every answer carries the headers, errors included: an unexpected failure becomes a 500 problem
    (or page) here, inside this middleware, instead of the server's bare text."""
    try:
        response = await call_next(request)
    except Exception:
        from redline.web.problems import internal_error

        logger.exception("unhandled error answering %s %s", request.method, request.url.path)
        response = internal_error(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response
