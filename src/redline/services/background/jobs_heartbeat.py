"""Heartbeats of running jobs, so a process that starts fails only the jobs nobody is running.

Every process that runs jobs (each `redline serve` worker's inline runner, each `redline worker`)
touches `jobs.heartbeat_at` of the jobs it is running every `Settings.job_heartbeat_seconds` (N) from
one small daemon thread. A `running` job whose heartbeat is older than STALE_AFTER_BEATS·N (or that
has none and started longer ago than that) belongs to a process that stopped, and can never finish:
only such jobs are marked failed, when an inline runner starts and then on each of its beats. A job
another live process is running keeps its heartbeat fresh and is left alone, so `--workers 2` on
SQLite is safe. All processes on one database should use the same N (the environment does that).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from redline.services.background.job_kinds import abandon_hook
from redline.services.context import Context
from redline.store.models import Job

log = logging.getLogger(__name__)

STALE_AFTER_BEATS = 3
STALE_ERROR = "the process running this job stopped before it finished (server restart or crash); submit it again"


def _stale(ctx: Context) -> ColumnElement[bool]:
    cutoff = ctx.now() - dt.timedelta(seconds=STALE_AFTER_BEATS * ctx.settings.job_heartbeat_seconds)
    silent = or_(
        Job.heartbeat_at < cutoff,
        and_(Job.heartbeat_at.is_(None), or_(Job.started_at.is_(None), Job.started_at < cutoff)),
    )
    return and_(Job.state == "running", silent)


def touch(ctx: Context, job_ids: Iterable[int]) -> None:
    """Say that this process is still running these jobs (finished ones are left as they are)."""
    ids = sorted(set(job_ids))
    if not ids:
        return
    with ctx.uow() as uow:
        uow.session.execute(update(Job).where(Job.id.in_(ids), Job.state == "running").values(heartbeat_at=ctx.now()))
        uow.commit()


def fail_stale(ctx: Context) -> int:
    """Mark failed the running jobs whose process stopped beating; returns how many.

    It reads first, without a write lock, and writes only when there is something to fail; the
    UPDATE repeats the condition, so a job whose heartbeat arrived in between is spared."""
    with ctx.reader() as uow:
        if uow.session.scalar(select(Job.id).where(_stale(ctx)).limit(1)) is None:
            return 0
    with ctx.uow() as uow:
        ids = list(uow.session.scalars(select(Job.id).where(_stale(ctx)).with_for_update()))
        failed = uow.session.execute(
            update(Job)
            .where(Job.id.in_(ids), _stale(ctx))
            .values(state="failed", error=STALE_ERROR, finished_at=ctx.now())
        )
        folders = close_owned(ctx, uow.session, ids)
        uow.commit()
        count: int = failed.rowcount  # type: ignore[attr-defined]
    remove_folders(folders)
    if count:
        log.warning("marked %s job(s) failed whose process stopped", count)
    return count


def close_owned(ctx: Context, session: Session, job_ids: list[int]) -> list[Path]:
    """What failed jobs were doing ends with them, in the same transaction: each kind's abandon hook
    (job_kinds.ABANDON_HOOKS) closes its records, e.g. a campaign run is failed too, so no page shows it
    running for ever. Returns the scratch folders the caller removes once the transaction is committed."""
    if not job_ids:
        return []
    by_kind: dict[str, list[int]] = {}
    for job_id, kind in session.execute(select(Job.id, Job.kind).where(Job.id.in_(job_ids))):
        by_kind.setdefault(kind, []).append(job_id)
    folders: list[Path] = []
    for kind, ids in sorted(by_kind.items()):
        hook = abandon_hook(kind)
        if hook is not None:
            folders += hook(ctx, session, sorted(ids), ctx.now())
    return folders


def remove_folders(folders: Iterable[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


class Heartbeat:
    """One per process and database: the jobs this process runs, and the thread that touches them.
    With `sweep` (set by the inline runner) each beat also fails the jobs of stopped processes."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.sweep = False
        self._running: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="redline-job-heartbeat", daemon=True)
        self._thread.start()

    def add(self, job_id: int) -> None:
        with self._lock:
            self._running.add(job_id)

    def discard(self, job_id: int) -> None:
        with self._lock:
            self._running.discard(job_id)

    def running(self) -> list[int]:
        with self._lock:
            return sorted(self._running)

    def beat(self) -> None:
        touch(self.ctx, self.running())
        if self.sweep:
            fail_stale(self.ctx)

    def stop(self) -> None:
        """Stop beating (what a killed process does); the jobs it ran go stale."""
        self._stop.set()
        self._thread.join(timeout=5 * self.ctx.settings.job_heartbeat_seconds)

    def _loop(self) -> None:
        failing = False
        while not self._stop.wait(self.ctx.settings.job_heartbeat_seconds):
            try:
                self.beat()
            except Exception as exc:  # the database may be away for a while; the next beat tries again
                (log.debug if failing else log.warning)("job heartbeat failed: %s", exc)
                failing = True
            else:
                if failing:
                    log.warning("job heartbeat works again")
                failing = False


_beats: dict[str, Heartbeat] = {}
_beats_lock = threading.Lock()


def forget(database_url: str) -> None:
    """Stop this process's heartbeat for a database it is done with (tests drop theirs)."""
    with _beats_lock:
        beat = _beats.pop(database_url, None)
    if beat is not None:
        beat.stop()


def heartbeat(ctx: Context) -> Heartbeat:
    """This process's heartbeat for the context's database, started at first use."""
    url = ctx.settings.database_url
    with _beats_lock:
        beat = _beats.get(url)
        if beat is None:
            beat = _beats[url] = Heartbeat(ctx)
        return beat
