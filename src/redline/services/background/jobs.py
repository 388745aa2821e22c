"""Background jobs: a Job row the pages read, and one `execute` (job_runs.py) shared by both back-ends.

Two back-ends run the same `execute(ctx, job_id)`:
- inline: a small thread pool inside this process (the default on SQLite, and whenever
  `Settings.job_backend == "inline"`); `redline serve` runs the jobs itself;
- procrastinate: on PostgreSQL the job id is deferred, in the transaction that creates the Job
  row, to procrastinate's queue, and `redline worker` runs it (services/background/jobs_queue.py).

A job is claimed with one conditional UPDATE (queued -> running), so it never runs twice, whichever
back-end or process picks it up. Cancelling a queued job cancels it at once; cancelling a running
one sets `result["cancel_requested"]`, which `JobHandle.cancelled()` reports to the handler.
While a job runs, its process touches `heartbeat_at` (services/background/jobs_heartbeat.py): a starting
runner fails only the running jobs whose heartbeat stopped, never those of a live process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from redline.errors import InputError, NotFoundError
from redline.services import audit
from redline.services.background import jobs_heartbeat
from redline.services.background.job_kinds import JOB_KINDS as JOB_KINDS
from redline.services.background.job_kinds import register as register
from redline.services.background.job_runs import JobCancelledError as JobCancelledError
from redline.services.background.job_runs import JobHandle as JobHandle
from redline.services.background.job_runs import execute as execute
from redline.services.background.job_runs import get_job as get_job
from redline.services.background.job_runs import handler_for
from redline.services.background.jobs_heartbeat import STALE_ERROR as STALE_ERROR
from redline.services.context import Context
from redline.store.models import Job

log = logging.getLogger(__name__)

FINAL_STATES = frozenset({"done", "failed", "cancelled"})


def backend(ctx: Context) -> str:
    """The back-end this context uses: `inline` or `procrastinate`."""
    chosen = ctx.settings.job_backend
    if chosen == "auto":
        is_pg = make_url(ctx.settings.database_url).get_backend_name() == "postgresql"
        return "procrastinate" if is_pg else "inline"
    return chosen


def submit(ctx: Context, kind: str, args: dict[str, Any], created_by: int | None = None) -> int:
    """Record a queued job and hand it to the back-end; returns its id at once."""
    with ctx.uow() as uow:
        job_id = submit_in(uow.session, ctx, kind, args, created_by)
        uow.commit()
    return job_id


def submit_in(session: Session, ctx: Context, kind: str, args: dict[str, Any], created_by: int | None = None) -> int:
    """`submit` in the caller's transaction: the job exists only if that transaction commits (its queue entry
    commits with it on procrastinate), and the inline runner is handed it once the commit is done."""
    handler_for(kind)  # an unknown kind is the caller's error, before anything is stored
    try:
        json.dumps(args)
    except (TypeError, ValueError) as exc:
        raise InputError(f"job arguments are not JSON: {exc}", field="args") from None
    chosen = backend(ctx)
    job = Job(kind=kind, args=args, state="queued", created_by=created_by, created_at=ctx.now(), result={})
    session.add(job)
    session.flush()
    job_id = job.id
    audit.append(
        session,
        ctx.now(),
        f"user:{created_by}" if created_by else "system",
        "job.submit",
        f"job:{job_id}",
        {"kind": kind, "backend": chosen},
    )
    if chosen == "procrastinate":
        from redline.services.background import jobs_queue

        jobs_queue.defer(ctx, session, job_id)  # same transaction: no job without its queue entry
    else:
        handed = False

        def hand_over(committed: Session) -> None:
            nonlocal handed
            if handed or committed.in_nested_transaction():  # a savepoint's commit is not the job's
                return
            handed = True
            _runner(ctx).pool.submit(_execute_logged, ctx, job_id)

        event.listen(session, "after_commit", hand_over)
    return job_id


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
            runner = _runners[url] = _Runner(
                ThreadPoolExecutor(ctx.settings.job_threads, thread_name_prefix="redline-job"), ctx.now()
            )
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
