"""Running one background job, the same whichever back-end picked it up: claim, run, record.

A job is claimed with one conditional UPDATE (queued -> running), so it never runs twice, whichever
back-end or process picks it up. While it runs its process touches `heartbeat_at` (jobs_heartbeat.py).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from redline.errors import InputError, NotFoundError, RedlineError
from redline.services.background import jobs_heartbeat
from redline.services.background.job_kinds import JOB_KINDS, resolve
from redline.services.context import Context
from redline.store.models import Job

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress writes and cancel polls: the pages refresh every 2 s
Handler = Callable[[Context, "JobHandle"], dict[str, Any]]


class JobCancelledError(RedlineError):
    """A handler stopped because someone asked to cancel its job."""


def handler_for(kind: str) -> Handler:
    """The function that runs jobs of `kind`; an unknown kind is an input error."""
    target = JOB_KINDS.get(kind)
    if target is None:
        raise InputError(f"unknown job kind '{kind}' (known: {', '.join(sorted(JOB_KINDS))})", field="kind")
    fn: Handler = resolve(target)
    return fn


@dataclass
class JobHandle:
    """What a running handler gets: its arguments, a progress reporter and the cancel flag."""

    job_id: int
    args: dict[str, Any]
    ctx: Context | None = field(default=None, repr=False)
    _last_write: float = field(default=0.0, repr=False)
    _last_poll: float = field(default=0.0, repr=False)
    _cancelled: bool = field(default=False, repr=False)

    def progress(self, done: int, total: int) -> None:
        """Store progress (and a heartbeat) on the Job row, at most every PROGRESS_EVERY seconds
        (and always at the end)."""
        now = time.monotonic()
        if self.ctx is None or (now - self._last_write < PROGRESS_EVERY and done < total):
            return
        self._last_write = now
        with self.ctx.uow() as uow:
            uow.session.execute(
                update(Job)
                .where(Job.id == self.job_id)
                .values(progress_done=done, progress_total=total, heartbeat_at=self.ctx.now())
            )
            uow.commit()

    def cancelled(self, *, fresh: bool = False) -> bool:
        """True once someone asked to cancel this job (polled from the database, throttled; `fresh`
        polls now, for a check before a costly or final step)."""
        if self._cancelled or self.ctx is None:
            return self._cancelled
        now = time.monotonic()
        if fresh or now - self._last_poll >= PROGRESS_EVERY:
            self._last_poll = now
            with self.ctx.reader() as uow:
                result = uow.session.scalar(select(Job.result).where(Job.id == self.job_id)) or {}
            self._cancelled = bool(result.get("cancel_requested"))
        return self._cancelled


def get_job(ctx: Context, job_id: int) -> Job:
    with ctx.reader() as uow:
        job = uow.session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id}")
        return job


def _claim(ctx: Context, job_id: int) -> Job | None:
    with ctx.uow() as uow:
        claimed = uow.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "queued")
            .values(state="running", started_at=ctx.now(), heartbeat_at=ctx.now(), attempts=Job.attempts + 1)
        )
        uow.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return uow.session.get(Job, job_id)


def _finish(ctx: Context, job_id: int, state: str, result: dict[str, Any] | None, error: str) -> None:
    with ctx.uow() as uow:
        job = uow.session.get(Job, job_id)
        assert job is not None
        job.state, job.error, job.finished_at = state, error[:4000], ctx.now()
        if result is not None:
            job.result = result
        elif job.result.get("cancel_requested"):
            job.result = {"cancel_requested": True}
        if state == "done" and job.progress_total and job.progress_done < job.progress_total:
            job.progress_done = job.progress_total
        uow.commit()


def execute(ctx: Context, job_id: int) -> str:
    """Run one job if it is still queued; store its result or its error. Returns the final state
    (or the state it was found in, when somebody else had claimed it)."""
    job = _claim(ctx, job_id)
    if job is None:
        return get_job(ctx, job_id).state
    beat = jobs_heartbeat.heartbeat(ctx)
    beat.add(job_id)
    try:
        return _run(ctx, job)
    finally:
        beat.discard(job_id)


def _run(ctx: Context, job: Job) -> str:
    job_id = job.id
    handle = JobHandle(job_id, dict(job.args), ctx)
    try:
        result = handler_for(job.kind)(ctx, handle)
        json.dumps(result)
    except Exception as exc:  # the handler's failure is the job's, never the runner's
        if handle.cancelled() or isinstance(exc, JobCancelledError):
            _finish(ctx, job_id, "cancelled", None, str(exc) or "cancelled")
            return "cancelled"
        if not isinstance(exc, RedlineError):
            log.exception("job %s (%s) failed", job_id, job.kind)
        message = str(exc) if isinstance(exc, RedlineError) else f"{type(exc).__name__}: {exc}"
        _finish(ctx, job_id, "failed", None, message)
        return "failed"
    _finish(ctx, job_id, "done", result, "")
    return "done"
