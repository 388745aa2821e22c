"""Who may see a background job, and what: its creator sees everything; a platform administrator
sees its state only (to keep the platform running, not to read other people's results)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from redline.domain.workflow import Role
from redline.errors import NotFoundError
from redline.services.background import jobs
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.models import Job


@dataclass(frozen=True)
class JobView:
    job: Job
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
        return JobView(job, True)
    if job is not None and p.role is Role.PLATFORM_ADMIN:
        return JobView(job, False)
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
