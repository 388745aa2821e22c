"""JSON API of a filing's report versions: the list, one version as sealed, the diff of any two."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from redline.services.filing import report_versions
from redline.services.filing.report_versions import MAX_VERSION, VersionSummary
from redline.web.api_spec import VERSIONS
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.words import N_

router = APIRouter(prefix="/api/v1", tags=[VERSIONS])
VersionNumber = Annotated[int, Query(ge=1, le=MAX_VERSION)]


class VersionOut(BaseModel):
    number: int
    digest: str
    submitted_at: dt.datetime
    submitted_by: str
    latest: bool

    @classmethod
    def of(cls, v: VersionSummary) -> VersionOut:
        return cls(
            number=v.number,
            digest=v.digest,
            submitted_at=v.submitted_at,
            submitted_by=v.submitted_by_name,
            latest=v.latest,
        )


class DiffOut(BaseModel):
    """Changes from version `before` to version `after`; items carry their question in zh and en."""

    before: VersionOut
    after: VersionOut
    items_added: list[dict[str, Any]]
    items_removed: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    evidence: list[dict[str, Any]]


@router.get("/filings/{filing_id}/versions", summary=N_("List a filing's report versions"))
def list_versions(ctx: CtxDep, p: ApiUser, filing_id: IdPath) -> list[VersionOut]:
    return [VersionOut.of(v) for v in report_versions.list_versions(ctx, p, filing_id)]


@router.get(
    "/filings/{filing_id}/versions/diff",
    summary=N_("Compare two report versions"),
    description=N_("What changed from version `before` to version `after`: items, answers, findings, evidence."),
)
def diff_versions(ctx: CtxDep, p: ApiUser, filing_id: IdPath, before: VersionNumber, after: VersionNumber) -> DiffOut:
    result = report_versions.diff_versions(ctx, p, filing_id, before, after)
    d = result.diff

    def rows(values: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [dataclasses.asdict(v) for v in values]

    return DiffOut(
        before=VersionOut.of(result.before),
        after=VersionOut.of(result.after),
        items_added=rows(d.items_added),
        items_removed=rows(d.items_removed),
        answers=rows(d.answers),
        findings=rows(d.findings),
        evidence=rows(d.evidence),
    )


@router.get(
    "/filings/{filing_id}/versions/{number}",
    summary=N_("Read one report version"),
    description=N_("The sealed report of one version, exactly as submitted."),
)
def get_version(ctx: CtxDep, p: ApiUser, filing_id: IdPath, number: IdPath) -> JSONResponse:
    _, report = report_versions.get_version(ctx, p, filing_id, number)
    return JSONResponse(report)
