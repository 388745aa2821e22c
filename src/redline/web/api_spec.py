"""The OpenAPI document of /api/v1: its tags, the API token scheme and every problem an operation can answer.

A route declares only the problems particular to it (`responses=problems(403, 409)`); `openapi_document`
adds those that follow from the operation's shape, so no operation can leave them out:

- every operation may fail unexpectedly: 500;
- an operation that needs the token: 401 (none, unknown, expired or revoked) and 503 (the token is looked
  up in the database, which may be unreachable);
- an operation with parameters or a body: 422; one with a body: 400 too (a body that cannot be parsed:
  not UTF-8 JSON, a broken multipart form); one with a path parameter: 404 (ids the caller may not see
  answer 404 too, so they reveal nothing).

The texts are English msgids: the JSON document is English, the /docs page shows them translated.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from redline.web.problems import Problem
from redline.words import N_

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"

PROBLEMS: dict[int, str] = {
    400: N_(
        "The body could not be read (not UTF-8 JSON, a broken multipart form), or a check refused what it carries "
        "(a package whose seal or signature does not verify, a document altered since it was issued)."
    ),
    401: N_(
        "No API token was sent, or the token is unknown, expired or revoked. "
        "The answer carries WWW-Authenticate: Bearer."
    ),
    403: N_("The token's account may not do this: its role, organisation or jurisdiction does not allow it."),
    404: N_("Nothing with this id exists that the token's account may see (others' records answer 404 too)."),
    409: N_(
        "The record's present state does not allow this: a workflow step out of order, "
        "or something that was done already."
    ),
    413: N_("The upload is larger than this installation accepts; nothing was stored."),
    422: N_("A parameter or a field of the body is invalid; `field` or `errors` names it."),
    500: N_("The server failed to answer; the failure is logged under the `request_id` the problem names."),
    503: N_(
        "The database is not available, or the server lacks a system package it needs (for a PDF: "
        "the fonts); nothing was changed. Try again after the seconds in Retry-After, when given."
    ),
    507: N_("The evidence store is full; nothing was stored."),
}

# The tags, in the order the reference shows them; every /api/v1 operation carries one.
ACCOUNT = N_("Account")
SERVICES = N_("Services")
FILINGS = N_("Filings")
REVIEW = N_("Review")
DOCUMENTS = N_("Documents")
VERSIONS = N_("Report versions")
CAMPAIGNS = N_("Patrol campaigns")
JOBS = N_("Jobs")
PLATFORM = N_("Platform")
TAGS: list[dict[str, str]] = [
    {"name": ACCOUNT, "description": N_("Who the token acts for, and the account's API tokens.")},
    {"name": SERVICES, "description": N_("A provider's internet information services.")},
    {
        "name": FILINGS,
        "description": N_("Security assessments of a change: answers, evidence, judgements, the signed report."),
    },
    {
        "name": REVIEW,
        "description": N_(
            "The regulators' review of filings: workflow steps, comments, written notices, summonses, "
            "rectification, submission packages."
        ),
    },
    {
        "name": DOCUMENTS,
        "description": N_("Documents issued in filings (notices, summonses, orders) and their receipts."),
    },
    {"name": VERSIONS, "description": N_("Every submitted version of a filing's sealed report.")},
    {"name": CAMPAIGNS, "description": N_("Patrol campaigns: samples, probe runs, findings.")},
    {"name": JOBS, "description": N_("Background jobs: their state, cancelling them.")},
    {"name": PLATFORM, "description": N_("Health of the platform and its audit chain.")},
]


def problem_response(status: int) -> dict[str, Any]:
    return {"description": PROBLEMS[status], "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route for the problems particular to it."""
    return {status: problem_response(status) for status in statuses}


def implied_problems(operation: dict[str, Any]) -> set[int]:
    """The problems an operation can answer because of its shape (see the module's docstring)."""
    statuses = {500}
    if operation.get("security"):
        statuses |= {401, 503}
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(400)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    return statuses


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    nested = schema.pop("$defs", {})
    return {"Problem": schema, **nested}


def _complete(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    for status in implied_problems(operation):
        responses[str(status)] = problem_response(status)  # replaces FastAPI's own 422 (not what we send)
    operation["responses"] = dict(sorted(responses.items()))


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The document served at /api/v1/openapi.json (made once per application)."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
    )
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_problem_schemas())
    for path, item in document.get("paths", {}).items():
        if path.startswith("/api/v1/"):
            for operation in item.values():
                _complete(operation)
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's validation answer; ours is a Problem
        schemas.pop(unused, None)
    app.openapi_schema = document
    return document
