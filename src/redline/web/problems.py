"""One place that maps RedlineError to HTTP: RFC 9457 problem JSON for the API, a page otherwise."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema
from starlette.exceptions import HTTPException as StarletteHTTPException

from redline.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    MissingSystemPackageError,
    NotFoundError,
    NotMigratedError,
    PackageTooLargeError,
    PermissionDeniedError,
    RedlineError,
    StorageFullError,
    ThrottledError,
)
from redline.words import N_

STATUS: list[tuple[type[RedlineError], int, str]] = [
    (AuthenticationError, 401, "authentication-required"),
    (PermissionDeniedError, 403, "forbidden"),
    (NotFoundError, 404, "not-found"),
    (ConflictError, 409, "conflict"),
    (ThrottledError, 429, "too-many-attempts"),
    (NotMigratedError, 503, "not-migrated"),
    (MissingSystemPackageError, 503, "missing-system-package"),
    (StorageFullError, 507, "storage-full"),
    (PackageTooLargeError, 413, "content-too-large"),
    (InputError, 422, "invalid-input"),
]


class FieldProblem(BaseModel):
    field: str = Field(description=N_("where the value was: `body.service_id`, `query.limit`, `path.filing_id`"))
    message: str


def _schema_for_readers(schema: dict[str, Any]) -> None:
    """Words from the catalogue (the /docs page translates them); a member left out is absent from the
    answer, never null, so no `default: null`."""
    schema["description"] = N_(
        "An error answer of the API: RFC 9457 problem details, sent as application/problem+json. "
        "Other members may appear; a client ignores those it does not know."
    )
    for member in schema.get("properties", {}).values():
        if "default" in member and member["default"] is None:
            del member["default"]


class Problem(BaseModel):
    """An error answer of the API: RFC 9457 problem details, sent as `application/problem+json`."""

    # RFC 9457 lets a problem carry more members
    model_config = ConfigDict(extra="allow", json_schema_extra=_schema_for_readers)

    type: str = Field(
        json_schema_extra={"format": "uri"},
        description=N_("names the kind of problem: https://redline.invalid/problems/<kind> (not a page to fetch)"),
    )
    title: str = Field(description=N_("the kind of problem in a few words, the same for every problem of its type"))
    status: int = Field(ge=400, le=599, description=N_("the HTTP status code of the answer"))
    detail: str = Field(description=N_("what went wrong with this request, and what to do about it"))
    instance: str = Field(description=N_("the path of the request that failed"))
    field: str | SkipJsonSchema[None] = Field(default=None, description=N_("the input the problem is about"))
    errors: list[FieldProblem] | SkipJsonSchema[None] = Field(
        default=None, description=N_("each invalid parameter or body field (422 answers)")
    )
    request_id: str | SkipJsonSchema[None] = Field(
        default=None, description=N_("the request's id in the server log (500 answers)")
    )


def classify(exc: RedlineError) -> tuple[int, str]:
    for kind, status, slug in STATUS:
        if isinstance(exc, kind):
            return status, slug
    return 400, "bad-request"


def problem(status: int, slug: str, detail: str, instance: str, **extra: Any) -> JSONResponse:
    body = Problem(
        type=f"https://redline.invalid/problems/{slug}",
        title=slug.replace("-", " "),
        status=status,
        detail=detail,
        instance=instance,
        **extra,
    ).model_dump(mode="json", exclude_none=True)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def redline_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RedlineError)
    status, slug = classify(exc)
    if is_api(request):
        extra = {"field": exc.field} if exc.field else {}
        response: Response = problem(status, slug, exc.message, request.url.path, **extra)
    else:
        from redline.web.templating import render_error

        response = render_error(request, status, exc.message)
    if isinstance(exc, ThrottledError) and exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    if is_api(request):
        return problem(422, "invalid-input", f"{first['field']}: {first['message']}", request.url.path, errors=errors)
    from redline.web.templating import render_error

    return render_error(request, 422, f"{first['field']}: {first['message']}")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if is_api(request):
        return problem(exc.status_code, "http-error", str(exc.detail), request.url.path)
    from redline.web.templating import render_error

    return render_error(request, exc.status_code, str(exc.detail))


async def database_error(request: Request, exc: Exception) -> Response:
    """The database is unreachable or refused the connection: say so, and let the client retry."""
    message = "the database is not available right now; nothing was changed — try again shortly"
    if is_api(request):
        response: Response = problem(503, "database-unavailable", message, request.url.path)
    else:
        from redline.web.templating import render_error

        response = render_error(request, 503, message)
    response.headers["Retry-After"] = "5"
    return response


def internal_error(request: Request, request_id: str | None = None) -> Response:
    """An unexpected failure, told without its details (they go to the log, under the request id)."""
    message = "the server could not answer this request; the failure was logged" + (
        f" (request {request_id})" if request_id else ""
    )
    if is_api(request):
        return problem(
            500, "internal-error", message, request.url.path, **({"request_id": request_id} if request_id else {})
        )
    from redline.web.templating import render_error

    try:
        return render_error(request, 500, message)
    except Exception:  # the page itself may be what fails; the answer must still go out
        return Response(message, status_code=500, media_type="text/plain; charset=utf-8")
