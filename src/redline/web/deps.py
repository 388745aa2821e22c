"""Request dependencies: context, who is acting (session cookie or API token), CSRF."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from redline.config import Environment
from redline.errors import AuthenticationError, PermissionDeniedError
from redline.services import principal as rules
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.principal import Principal
from redline.web.templating import CSRF_COOKIE

SESSION_COOKIE = "redline_session"
logger = logging.getLogger("redline.error")


class LoginRequiredError(Exception):
    """A page needs a logged-in user; the handler redirects to the login page."""


class PasswordChangeRequiredError(Exception):
    """The user's password was set by an administrator; the handler redirects to the page that replaces it."""


NEW_PASSWORD_PAGE = "/account/new-password"


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(get_ctx)]


CSRF_LABEL = b"redline-csrf-v1"


def csrf_token_for(secret: str) -> str:
    """The form token of a session: an HMAC keyed by the session's own secret, so it is bound to the
    session, changes with it (login, logout) and cannot be made up by whoever can only set cookies."""
    return hmac.new(secret.encode(), CSRF_LABEL, hashlib.sha256).hexdigest()


class SessionMiddleware(BaseHTTPMiddleware):
    """Resolve the session cookie for pages; derive the CSRF token from the session, or before login
    from a random pre-session cookie (rotated at login and logout: `request.state.rotate_csrf`)."""

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
        pre_session = request.cookies.get(CSRF_COOKIE, "")
        fresh = len(pre_session) < 32
        if fresh:
            pre_session = secrets.token_urlsafe(32)
        request.state.csrf = csrf_token_for(token if token and request.state.principal else pre_session)
        response = await call_next(request)
        if fresh or getattr(request.state, "rotate_csrf", False):
            response.set_cookie(
                CSRF_COOKIE,
                pre_session if fresh else secrets.token_urlsafe(32),
                httponly=True,
                samesite="strict",
                secure=ctx.settings.secure_cookies,
                path="/",
            )
        return response


def page_principal(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise LoginRequiredError()
    if principal.must_change_password and request.url.path != NEW_PASSWORD_PAGE:
        raise PasswordChangeRequiredError()
    return principal


def admin_principal(request: Request) -> Principal:
    """A platform administrator, or 403 before anything of the request (its body) is read."""
    p = page_principal(request)
    rules.require_admin(p)
    return p


def audit_reader(request: Request) -> Principal:
    p = page_principal(request)
    rules.require_audit_reader(p)
    return p


async def csrf_protect(request: Request) -> None:
    """Every state-changing form carries the token of the session that posts it."""
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    expected: str = getattr(request.state, "csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise PermissionDeniedError("the form's security token is missing or expired; reload the page")


# Declaring the token as a security dependency puts the scheme in the OpenAPI document and marks every
# operation that needs it; the refusal stays ours (401 problem JSON), so auto_error is off.
API_TOKEN = HTTPBearer(
    scheme_name="apiToken",
    bearerFormat="rl_…",
    description="An API token of your account: make one on the account page (/account, “API token”), "
    "then send it as `Authorization: Bearer rl_…`. A token lasts the days chosen when it was made; revoke it "
    "there or with DELETE /api/v1/tokens/{token_id}. It acts with its account's role and organisation.",
    auto_error=False,
)


def api_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(API_TOKEN)]
) -> Principal:
    if credentials is None:
        raise AuthenticationError("send an API token: Authorization: Bearer rl_…")
    ctx: Context = request.app.state.ctx
    request.state.version = version = ctx.version()
    principal = accounts.token_principal(ctx, credentials.credentials, version)
    if principal is None:
        raise AuthenticationError("unknown or revoked API token")
    request.state.api_principal = principal  # for the request log
    return principal


MAX_ID = 2_147_483_647  # PostgreSQL INTEGER; larger ids cannot exist and must not reach the database
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

PageUser = Annotated[Principal, Depends(page_principal)]
AdminUser = Annotated[Principal, Depends(admin_principal)]
AuditReader = Annotated[Principal, Depends(audit_reader)]
# Listed before Csrf in a route's dependencies: the role is checked before the form is read.
AdminOnly = Depends(admin_principal)
ApiUser = Annotated[Principal, Depends(api_principal)]
Csrf = Depends(csrf_protect)

HSTS = "max-age=31536000; includeSubDomains"
SecurityHeaders = Callable[[Request, RequestResponseEndpoint], Awaitable[Response]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


ERROR_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    """Every answer carries the headers, errors included: an unexpected failure becomes a 500 problem
    (or page) here, inside this middleware, instead of the server's bare text."""
    try:
        response = await call_next(request)
    except Exception:
        from redline.web.problems import internal_error

        request_id = request.scope.get("state", {}).get("request_id")
        logger.exception(
            "unhandled error answering %s %s", request.method, request.url.path, extra={"request_id": request_id}
        )
        response = internal_error(request, request_id)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    settings = request.app.state.ctx.settings
    if settings.env is Environment.PRODUCTION:  # production is served over HTTPS only (Secure cookies)
        response.headers["Strict-Transport-Security"] = HSTS
    return response
