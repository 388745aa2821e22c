"""Pages of a filing's report versions: the list, each version as sealed, and a diff of any two."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from redline.errors import InputError
from redline.reports.html import render_report_html
from redline.services.filing import queries, report_versions
from redline.services.filing.report_versions import VersionDiff
from redline.services.packages import packages
from redline.web.deps import CtxDep, IdPath, PageUser
from redline.web.templating import render, request_lang

router = APIRouter()


def _number(raw: str | None, field: str) -> int | None:
    """A version number typed into the diff form; None when left empty."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise InputError("a version number is a whole number such as 1 or 2", field=field)
    return report_versions.check_number(int(text), field)


@router.get("/filings/{filing_id}/versions", response_class=HTMLResponse)
def versions_page(
    request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath, before: str | None = None, after: str | None = None
) -> HTMLResponse:
    view = queries.get_filing(ctx, p, filing_id)
    versions = report_versions.list_versions(ctx, p, filing_id)
    result: VersionDiff | None = None
    error, field = "", ""
    try:
        old, new = _number(before, "before"), _number(after, "after")
        if old is not None and new is not None:
            result = report_versions.diff_versions(ctx, p, filing_id, old, new)
        elif (old is None) != (new is None):
            raise InputError("choose both versions to compare", field="after" if old else "before")
    except InputError as exc:
        error, field = exc.message, exc.field or ""
    status = 422 if error else 200
    return render(
        request,
        "versions.html",
        status=status,
        f=view.filing,
        versions=versions,
        result=result,
        error=error,
        error_field=field,
        before=before or "",
        after=after or "",
    )


@router.get("/filings/{filing_id}/versions/{number}/report", response_class=HTMLResponse)
def version_html(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath, number: IdPath) -> HTMLResponse:
    _, report = report_versions.get_version(ctx, p, filing_id, number)
    response = HTMLResponse(render_report_html(report, request_lang(request)))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response


@router.get("/filings/{filing_id}/versions/{number}/report.json")
def version_json(ctx: CtxDep, p: PageUser, filing_id: IdPath, number: IdPath) -> JSONResponse:
    _, report = report_versions.get_version(ctx, p, filing_id, number)
    return JSONResponse(
        report, headers={"Content-Disposition": f'attachment; filename="filing-{filing_id}-report-v{number}.json"'}
    )


@router.get("/filings/{filing_id}/versions/{number}/package.zip")
def version_package(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath, number: IdPath) -> Response:
    exported = packages.export_package(ctx, p, filing_id, lang=request_lang(request), version=number)
    return Response(
        exported.data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
