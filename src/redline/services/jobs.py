"""Background jobs: a Job row the pages read, and one `execute` shared by both back-ends.

Two back-ends run the same `execute(ctx, job_id)`:
- inline: a small thread pool inside this process (the default on SQLite, and whenever
  `Settings.job_backend == "inline"`); `redline serve` runs the jobs itself;
- procrastinate: on PostgreSQL the job id is deferred, in the transaction that creates the Job
  row, to procrastinate's queue, and `redline worker` runs it (services/jobs_queue.py).

A job is claimed with one conditional UPDATE (queued -> running), so it never runs twice, whichever
back-end or process picks it up. Cancelling a queued job cancels it at once; cancelling a running
one sets `result["cancel_requested"]`, which `JobHandle.cancelled()` reports to the handler.
While a job runs, its process touches `heartbeat_at` (services/jobs_heartbeat.py): a starting
runner fails only the running jobs whose heartbeat stopped, never those of a live process.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from redline.errors import InputError, NotFoundError, RedlineError
from redline.services import audit, jobs_heartbeat
from redline.services.context import Context
from redline.services.jobs_heartbeat import STALE_ERROR as STALE_ERROR
from redline.store.models import Job

log = logging.getLogger(__name__)

JOB_KINDS: dict[str, str] = {
    "campaign_run": "redline.services.campaigns:run_job",
    "pdf_report": "redline.services.documents_pdf_jobs:run_job",
    "reminders": "redline.services.reminders:run_job",
}
FINAL_STATES = frozenset({"done", "failed", "cancelled"})
PROGRESS_EVERY = 0.5  # seconds between progress writes and cancel polls: the pages refresh every 2 s
Handler = Callable[[Context, "JobHandle"], dict[str, Any]]


class JobCancelledError(RedlineError):
    """A handler stopped because someone asked to cancel its job."""


def register(kind: str, target: str) -> None:
    """Add (or replace) a job kind: `target` is "module:function" taking (ctx, handle)."""
    if ":" not in target:
        raise InputError(f"job target '{target}' is not module:function", field="target")
    JOB_KINDS[kind] = target


def _handler(kind: str) -> Handler:
    target = JOB_KINDS.get(kind)
    if target is None:
        raise InputError(f"unknown job kind '{kind}' (known: {', '.join(sorted(JOB_KINDS))})", field="kind")
    module, _, name = target.partition(":")
    fn: Handler = getattr(importlib.import_module(module), name)
    return fn


def backend(ctx: Context) -> str:
    """The back-end this context uses: `inline` or `procrastinate`."""
    chosen = ctx.settings.job_backend
    if chosen == "auto":
        is_pg = make_url(ctx.settings.database_url).get_backend_name() == "postgresql"
        return "procrastinate" if is_pg else "inline"
    return chosen


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
            uow.session.execute(update(Job).where(Job.id == self.job_id)
                                .values(progress_done=done, progress_total=total, heartbeat_at=self.ctx.now()))
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


def submit(ctx: Context, kind: str, args: dict[str, Any], created_by: int | None = None) -> int:
    """Record a queued job and hand it to the back-end; returns its id at once."""
    _handler(kind)  # an unknown kind is the caller's error, before anything is stored
    try:
        json.dumps(args)
    except (TypeError, ValueError) as exc:
        raise InputError(f"job arguments are not JSON: {exc}", field="args") from None
    chosen = backend(ctx)
    with ctx.uow() as uow:
        job = Job(kind=kind, args=args, state="queued", created_by=created_by, created_at=ctx.now(), result={})
        uow.session.add(job)
        uow.session.flush()
        job_id = job.id
        audit.append(uow.session, ctx.now(), f"user:{created_by}" if created_by else "system", "job.submit",
                     f"job:{job_id}", {"kind": kind, "backend": chosen})
        if chosen == "procrastinate":
            from redline.services import jobs_queue

            jobs_queue.defer(ctx, uow.session, job_id)  # same transaction: no job without its queue entry
        uow.commit()
    if chosen == "inline":
        _runner(ctx).pool.submit(_execute_logged, ctx, job_id)
    return job_id


def get_job(ctx: Context, job_id: int) -> Job:
    with ctx.reader() as uow:
        job = uow.session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id}")
        return job


def request_cancel(ctx: Context, job_id: int, actor: str = "system") -> None:
    """Cancel a queued job now; ask a running one to stop. A finished job stays as it is."""
    with ctx.uow() as uow:
        job = uow.session.get(Job, job_id, with_for_update=True)  # orders us against a worker's claim
        if job is None:
            raise NotFoundError(f"no job {job_id}")
        if job.state in FINAL_STATES:
            return
        if job.state == "queued":
            job.state, job.finished_at, job.error = "cancelled", ctx.now(), "cancelled before it started"
        else:
            job.result = {**(job.result or {}), "cancel_requested": True}
        audit.append(uow.session, ctx.now(), actor, "job.cancel", f"job:{job_id}", {"state": job.state})
        uow.commit()


def wait(ctx: Context, job_id: int, timeout: float) -> Job:
    """The job once it is done, failed or cancelled, or as it stands when `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        job = get_job(ctx, job_id)
        if job.state in FINAL_STATES or time.monotonic() >= deadline:
            return job
        time.sleep(0.05)


def _claim(ctx: Context, job_id: int) -> Job | None:
    with ctx.uow() as uow:
        claimed = uow.session.execute(
            update(Job).where(Job.id == job_id, Job.state == "queued")
            .values(state="running", started_at=ctx.now(), heartbeat_at=ctx.now(), attempts=Job.attempts + 1))
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
        result = _handler(job.kind)(ctx, handle)
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


def _execute_logged(ctx: Context, job_id: int) -> None:
    try:
        execute(ctx, job_id)
    except Exception:  # e.g. the database went away; the recovery at the next start marks it
        log.exception("job %s could not be run", job_id)


# ---- the inline back-end: one thread pool per process and database ----

@dataclass
class _Runner:
    pool: ThreadPoolExecutor
    started: dt.datetime
    recovered: threading.Event = field(default_factory=threading.Event)


_runners: dict[str, _Runner] = {}
_runners_lock = threading.Lock()


def _runner(ctx: Context) -> _Runner:
    url = ctx.settings.database_url
    with _runners_lock:
        runner = _runners.get(url)
        if runner is None:
            runner = _runners[url] = _Runner(ThreadPoolExecutor(ctx.settings.job_threads,
                                                                thread_name_prefix="redline-job"),
                                             ctx.now())
            jobs_heartbeat.heartbeat(ctx).sweep = True  # and, from now on, on every beat
            runner.pool.submit(_recover_inline, ctx, runner)
    return runner


def _recover_inline(ctx: Context, runner: _Runner) -> None:
    """At the start of a process's runner: a job left `running` by a process that stopped beating
    can never finish, so it is marked failed (a live process's job is not); jobs still `queued` are
    run here (the claim keeps them single)."""
    try:
        jobs_heartbeat.fail_stale(ctx)
        with ctx.reader() as uow:
            queued = list(uow.session.scalars(select(Job.id).where(Job.state == "queued").order_by(Job.id)))
    except Exception:
        log.exception("could not recover background jobs at start")
        return
    finally:
        runner.recovered.set()
    for job_id in queued:
        runner.pool.submit(_execute_logged, ctx, job_id)


def start(ctx: Context) -> None:
    """Called when the web app starts: the inline runner begins (and recovers old jobs) at once."""
    if backend(ctx) == "inline":
        _runner(ctx)
