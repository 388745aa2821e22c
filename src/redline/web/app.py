"""The FastAPI application: API, pages, static files, security headers, error mapping."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from redline import __version__
from redline.errors import RedlineError
from redline.services.background import jobs
from redline.services.context import Context
from redline.web import (
    api,
    api_campaigns,
    api_documents,
    api_gate,
    api_jobs,
    api_review,
    api_versions,
    pages,
    pages_account,
    pages_admin,
    pages_admin_users,
    pages_api_docs,
    pages_audit,
    pages_campaigns,
    pages_inbox,
    pages_jobs,
    pages_queue,
    pages_regulator,
    pages_rules,
    pages_versions,
)
from redline.web.api_spec import openapi_document
from redline.web.deps import (
    ERROR_HEADERS,
    NEW_PASSWORD_PAGE,
    LoginRequiredError,
    PasswordChangeRequiredError,
    SessionMiddleware,
    security_headers,
)
from redline.web.problems import database_error, http_error, redline_error, validation_error
from redline.web.request_log import RequestLogMiddleware

STATIC = Path(__file__).parent / "static"


async def _login_redirect(request: Request, exc: Exception) -> Response:
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/?=&")
    return RedirectResponse(f"/login?next={target}", status_code=303)


async def _new_password_redirect(request: Request, exc: Exception) -> Response:
    return RedirectResponse(NEW_PASSWORD_PAGE, status_code=303)


def create_app(ctx: Context) -> FastAPI:
    app = FastAPI(
        title="redline",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        description="Security assessments of internet information services: filings, reviews, summonses and "
        "rectification. Every operation but the health check needs an API token (make one on the account page, "
        "send it as `Authorization: Bearer …`). Errors are RFC 9457 problem JSON (`application/problem+json`). "
        "The reference, readable in a browser, is at /docs.",
    )
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    app.state.ctx = ctx
    app.add_middleware(SessionMiddleware)
    app.middleware("http")(security_headers)
    app.add_middleware(RequestLogMiddleware, headers=ERROR_HEADERS)  # added last: outermost, sees every answer
    app.add_exception_handler(RedlineError, redline_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(LoginRequiredError, _login_redirect)
    app.add_exception_handler(PasswordChangeRequiredError, _new_password_redirect)
    app.add_exception_handler(OperationalError, database_error)
    app.add_exception_handler(InterfaceError, database_error)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(api_review.router)
    app.include_router(api_documents.router)
    app.include_router(api_versions.router)
    app.include_router(api_gate.router)
    app.include_router(pages.router, include_in_schema=False)
    app.include_router(pages_regulator.router, include_in_schema=False)
    app.include_router(pages_rules.router, include_in_schema=False)
    app.include_router(pages_queue.router, include_in_schema=False)
    app.include_router(pages_versions.router, include_in_schema=False)
    app.include_router(pages_account.router, include_in_schema=False)
    app.include_router(pages_admin.router, include_in_schema=False)
    app.include_router(pages_admin_users.router, include_in_schema=False)
    app.include_router(pages_audit.router, include_in_schema=False)
    app.include_router(pages_api_docs.router, include_in_schema=False)
    app.include_router(pages_inbox.router, include_in_schema=False)
    app.include_router(api_jobs.router)
    app.include_router(pages_jobs.router, include_in_schema=False)
    app.include_router(api_campaigns.router)
    app.include_router(pages_campaigns.router, include_in_schema=False)
    jobs.start(ctx)  # the inline job runner begins, and recovers jobs an earlier process left
    return app
