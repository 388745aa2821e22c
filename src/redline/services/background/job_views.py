"""Who may see a background job, and what: its creator sees everything; a platform administrator
sees its state only (to keep the platform running, not to read other people's results)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from redline.domain.workflow import Role
from redline.errors import NotFoundError
from redline.services.background import jobs
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.models import Job


@dataclass(frozen=True)
class JobState:
    """A job as pages and the API show it: its row's values, read once (no live database object)."""

    id: int
    kind: str
    state: str
    progress_done: int
    progress_total: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    attempts: int
    error: str
    result: dict[str, Any]
    args: dict[str, Any]
    created_by: int | None

    @classmethod
    def of(cls, job: Job) -> JobState:
        return cls(
            job.id,
            job.kind,
            job.state,
            job.progress_done,
            job.progress_total,
            job.created_at,
            job.started_at,
            job.finished_at,
            job.attempts,
            job.error,
            dict(job.result or {}),
            dict(job.args or {}),
            job.created_by,
        )


@dataclass(frozen=True)
class JobView:
    job: JobState
    full: bool  # the creator: arguments, result, error, the download and the cancel button

    @property
    def running(self) -> bool:
        return self.job.state in ("queued", "running")

    @property
    def cancel_requested(self) -> bool:
        return bool((self.job.result or {}).get("cancel_requested")) and self.running

    @property
    def download(self) -> bool:
        return self.full and self.job.state == "done" and bool((self.job.result or {}).get("sha256"))


def view_job(ctx: Context, p: Principal, job_id: int) -> JobView:
    """The job if `p` may see it; otherwise 'not found', so ids reveal nothing."""
    try:
        job = jobs.get_job(ctx, job_id)
    except NotFoundError:
        job = None
    if job is not None and job.created_by == p.user_id:
        return JobView(JobState.of(job), True)
    if job is not None and p.role is Role.PLATFORM_ADMIN:
        return JobView(JobState.of(job), False)
    raise NotFoundError(f"no job {job_id}")


def cancel_job(ctx: Context, p: Principal, job_id: int) -> None:
    view = view_job(ctx, p, job_id)
    if not view.full:
        raise NotFoundError(f"no job {job_id}")
    jobs.request_cancel(ctx, job_id, actor=p.username)


def result_file(ctx: Context, p: Principal, job_id: int) -> tuple[Path, str, str]:
    """The file a finished job produced: path in the blob store, file name and media type."""
    view = view_job(ctx, p, job_id)
    if not view.download:
        raise NotFoundError(f"job {job_id} has no file to download (yet)")
    result = view.job.result
    path = ctx.blobs.path_for(str(result["sha256"]))
    if not path.exists():
        raise NotFoundError(f"the file of job {job_id} is no longer stored")
    return path, str(result.get("filename") or "result"), str(result.get("media_type") or "application/octet-stream")


def job_states(ctx: Context, state: str | None = None, limit: int = 50) -> list[JobState]:
    """The newest jobs first, optionally only those in `state` (the operator's terminal: no access rules)."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    with ctx.reader() as uow:
        return [JobState.of(j) for j in uow.session.scalars(query.where(Job.state == state) if state else query)]


def job_state(ctx: Context, job_id: int) -> JobState:
    """One job, whoever started it (the operator's terminal)."""
    return JobState.of(jobs.get_job(ctx, job_id))
