"""The procrastinate back-end of background jobs, on PostgreSQL.

The queue entry carries only the Job id; the worker calls the same `job_runs.execute` as the inline
back-end, so a job behaves identically whichever runs it. Procrastinate's own tables are created
by `redline db upgrade` and, should that not have happened, at first use (both idempotent: an
advisory lock and a check for the `procrastinate_jobs` table guard the one-time schema script).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from redline.errors import InputError
from redline.services.background import job_runs, jobs_heartbeat
from redline.services.background.jobs_heartbeat import STALE_AFTER_BEATS, STALE_ERROR
from redline.services.context import Context
from redline.store.models import Job

log = logging.getLogger(__name__)

QUEUE = "redline"
TASK = "redline.run_job"
_SCHEMA_LOCK = 0x7265646C696E65  # "redline": one advisory lock key for the one-time schema script
# A worker whose heartbeat is older than this is dead; procrastinate's default heartbeat is every 10 s.
STALLED_AFTER_SECONDS = 30.0

_schema_ready: set[str] = set()
_schema_lock = threading.Lock()


def libpq_url(database_url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (no `+psycopg` driver suffix)."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "postgresql":
        raise InputError(
            "the procrastinate job queue needs PostgreSQL (REDLINE_DATABASE_URL=postgresql://…); "
            "on SQLite jobs run inside `redline serve`",
            field="REDLINE_DATABASE_URL",
        )
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(database_url: str) -> bool:
    """Create procrastinate's tables if they are missing; True when this call created them."""
    import psycopg
    from procrastinate.schema import SchemaManager

    conninfo = libpq_url(database_url)
    with _schema_lock:
        if conninfo in _schema_ready:
            return False
        created = False
        with psycopg.connect(conninfo) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if row is None or row[0] is None:
                conn.execute(SchemaManager.get_schema())  # no parameters: sent as written
                created = True
        _schema_ready.add(conninfo)
        return created


def make_app(database_url: str) -> Any:
    """A procrastinate App for this database with our one task registered."""
    from procrastinate import App, JobContext, PsycopgConnector

    app = App(connector=PsycopgConnector(conninfo=libpq_url(database_url)))

    @app.task(name=TASK, queue=QUEUE, pass_context=True)
    def run_job(context: JobContext, job_id: int) -> str:
        ctx: Context = context.additional_context["redline_ctx"]
        return job_runs.execute(ctx, job_id)

    return app


_apps: dict[str, Any] = {}


def defer(ctx: Context, session: Session, job_id: int) -> None:
    """Queue the job id in the caller's transaction: the Job row and its queue entry commit together."""
    ensure_schema(ctx.settings.database_url)
    url = ctx.settings.database_url
    app = _apps.get(url) or _apps.setdefault(url, make_app(url))
    connection = session.connection().connection.driver_connection
    app.configure_task(TASK, connection=connection, queue=QUEUE).defer(job_id=job_id)


async def _fail_stalled(app: Any, ctx: Context) -> int:
    """Jobs whose worker stopped sending heartbeats can never finish: mark them failed, both in
    procrastinate and on our Job row, so no page shows them running for ever."""
    from procrastinate.jobs import Status

    stalled = await app.job_manager.get_stalled_jobs(task_name=TASK, seconds_since_heartbeat=STALLED_AFTER_SECONDS)
    for queued in stalled:
        await app.job_manager.finish_job_by_id_async(job_id=queued.id, status=Status.FAILED, delete_job=False)
        job_id = int(queued.task_kwargs.get("job_id"))
        with ctx.uow() as uow:
            uow.session.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == "running")
                .values(state="failed", error=STALE_ERROR, finished_at=ctx.now())
            )
            folders = jobs_heartbeat.close_owned(ctx, uow.session, [job_id])
            uow.commit()
        jobs_heartbeat.remove_folders(folders)
    return len(stalled)


async def _sweep(app: Any, ctx: Context) -> None:
    """For as long as the worker runs: fail the jobs of workers that stopped (by procrastinate's heartbeat
    and by ours), so a worker restarted at once, or never, leaves nothing `running` for ever."""
    every = max(1.0, STALE_AFTER_BEATS * ctx.settings.job_heartbeat_seconds)
    while True:
        await asyncio.sleep(every)
        try:
            await _fail_stalled(app, ctx)
            await asyncio.to_thread(jobs_heartbeat.fail_stale, ctx)
        except Exception as exc:  # the database may be away for a while; the next sweep tries again
            log.warning("sweep of stopped jobs failed: %s", exc)


def run_worker(ctx: Context, *, wait: bool = True, concurrency: int = 1, install_signal_handlers: bool = True) -> None:
    """Run jobs from our queue. wait=False returns once the queue is empty (tests, cron);
    wait=True runs until SIGINT/SIGTERM, finishing the job at hand first."""
    ensure_schema(ctx.settings.database_url)
    app = make_app(ctx.settings.database_url)

    async def main() -> None:
        async with app.open_async():
            failed = await _fail_stalled(app, ctx)
            if failed:
                log.warning("marked %s job(s) of stopped workers as failed", failed)
            sweeper = asyncio.create_task(_sweep(app, ctx)) if wait else None
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    wait=wait,
                    concurrency=concurrency,
                    additional_context={"redline_ctx": ctx},
                    listen_notify=wait,
                    install_signal_handlers=install_signal_handlers,
                    fetch_job_polling_interval=1.0 if wait else 0.1,
                )
            finally:
                if sweeper is not None:
                    sweeper.cancel()

    asyncio.run(main())
