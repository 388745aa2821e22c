"""Pages for background jobs: a job's state and progress, its file, cancelling it; and the filing
page's button that renders the report PDF as a job."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from redline.services.background import job_views
from redline.services.filing import documents_pdf_jobs
from redline.web.deps import Csrf, CtxDep, IdPath, PageUser
from redline.web.templating import render, request_lang

router = APIRouter()


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, ctx: CtxDep, p: PageUser, job_id: IdPath) -> HTMLResponse:
    view = job_views.view_job(ctx, p, job_id)
    return render(request, "job.html", v=view, j=view.job)


@router.post("/jobs/{job_id}/cancel", dependencies=[Csrf])
def cancel(ctx: CtxDep, p: PageUser, job_id: IdPath) -> Response:
    job_views.cancel_job(ctx, p, job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}/download")
def download(ctx: CtxDep, p: PageUser, job_id: IdPath) -> FileResponse:
    path, filename, media_type = job_views.result_file(ctx, p, job_id)
    return FileResponse(path, media_type=media_type, filename=filename)


@router.post("/filings/{filing_id}/report-pdf-job", dependencies=[Csrf])
def report_pdf_job(request: Request, ctx: CtxDep, p: PageUser, filing_id: IdPath) -> Response:
    job_id = documents_pdf_jobs.request_report_pdf(ctx, p, filing_id, request_lang(request))
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
