"""JSON API for background jobs under /api/v1: a job's state, cancelling it, a report PDF as a job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from redline.services.background import job_views
from redline.services.background.job_views import JobView
from redline.services.filing import documents_pdf_jobs
from redline.web.api_spec import JOBS
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.words import N_

router = APIRouter(prefix="/api/v1", tags=[JOBS])


class JobOut(BaseModel):
    id: int
    kind: str
    state: str
    progress_done: int
    progress_total: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cancel_requested: bool
    # Only for the job's creator; a platform administrator sees the state alone.
    attempts: int | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    download: str | None = None

    @classmethod
    def of(cls, v: JobView) -> JobOut:
        j = v.job
        out = cls(
            id=j.id,
            kind=j.kind,
            state=j.state,
            progress_done=j.progress_done,
            progress_total=j.progress_total,
            created_at=j.created_at,
            started_at=j.started_at,
            finished_at=j.finished_at,
            cancel_requested=v.cancel_requested,
        )
        if v.full:
            out.attempts, out.result, out.error = j.attempts, dict(j.result or {}), j.error
            out.download = f"/jobs/{j.id}/download" if v.download else None
        return out


class JobCreated(BaseModel):
    id: int
    location: str


@router.get(
    "/jobs/{job_id}",
    summary=N_("Read a job's state"),
    description=N_("Its progress and state; its result and error only for the account that started it."),
)
def get_job(ctx: CtxDep, p: ApiUser, job_id: IdPath) -> JobOut:
    return JobOut.of(job_views.view_job(ctx, p, job_id))


@router.post("/jobs/{job_id}/cancel", status_code=202, summary=N_("Cancel a job"))
def cancel_job(ctx: CtxDep, p: ApiUser, job_id: IdPath) -> JobOut:
    job_views.cancel_job(ctx, p, job_id)
    return JobOut.of(job_views.view_job(ctx, p, job_id))


@router.post(
    "/filings/{filing_id}/report-pdf-job",
    status_code=202,
    summary=N_("Render a filing's report as PDF, as a job"),
    description=N_("Starts a background job; follow it at `location`, then download the file it names."),
)
def report_pdf_job(ctx: CtxDep, p: ApiUser, filing_id: IdPath, lang: str = "zh-CN") -> JobCreated:
    job_id = documents_pdf_jobs.request_report_pdf(ctx, p, filing_id, lang)
    return JobCreated(id=job_id, location=f"/api/v1/jobs/{job_id}")
