"""Background jobs on a real database: the inline back-end (threads in this process) on SQLite and
PostgreSQL, and procrastinate with a real worker on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text, update

from redline.bootstrap import build_context
from redline.config import Settings
from redline.errors import InputError, NotFoundError
from redline.services.background import jobs
from redline.services.background.jobs import JobCancelledError, JobHandle
from redline.services.context import Context
from redline.store.migrate import upgrade
from redline.store.models import Job

GATES: dict[str, threading.Event] = {}
RAN: list[int] = []


def counting_job(ctx: Context, handle: JobHandle) -> dict[str, Any]:
    """Counts to n; after the first step it waits for its gate (when it has one)."""
    n = int(handle.args["n"])
    RAN.append(handle.job_id)
    for i in range(n):
        handle.progress(i + 1, n)
        if i == 0 and handle.args.get("gate"):
            assert GATES[handle.args["gate"]].wait(20), "gate never opened"
    return {"counted": n}


def failing_job(ctx: Context, handle: JobHandle) -> dict[str, Any]:
    raise ValueError("boom: the input was bad")


def patient_job(ctx: Context, handle: JobHandle) -> dict[str, Any]:
    """Runs until cancelled (at most 20 s)."""
    handle.progress(1, 100)
    GATES[handle.args["gate"]].set()  # tell the test it is running
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if handle.cancelled():
            raise JobCancelledError("stopped on request")
        time.sleep(0.05)
    return {"never": "cancelled"}


for _kind, _fn in (("test_count", "counting_job"), ("test_fail", "failing_job"), ("test_patient", "patient_job")):
    jobs.register(_kind, f"tests.integration.test_jobs:{_fn}")


def _ctx(url: str, tmp_path: Path, backend: str) -> Context:
    upgrade(url)
    return build_context(
        Settings(
            database_url=url,
            blob_dir=tmp_path / "blobs",
            job_backend=backend,  # type: ignore[arg-type]
            job_threads=1,
        )
    )


@pytest.fixture
def inline(database_url: str, tmp_path: Path) -> Iterator[Context]:
    yield _ctx(database_url, tmp_path, "inline")


def _gate(name: str) -> threading.Event:
    GATES[name] = threading.Event()
    return GATES[name]


def until(ctx: Context, job_id: int, check: Callable[[Job], bool], timeout: float = 20) -> Job:
    """The job once `check` holds, or as it is when `timeout` seconds have passed."""
    end = time.monotonic() + timeout
    while True:
        job = jobs.get_job(ctx, job_id)
        if check(job) or time.monotonic() > end:
            return job
        time.sleep(0.02)


def test_a_job_is_submitted_at_once_shows_progress_and_stores_its_result(inline: Context) -> None:
    gate = _gate("progress")
    job_id = jobs.submit(inline, "test_count", {"n": 4, "gate": "progress"}, created_by=None)
    job = jobs.get_job(inline, job_id)
    assert job.state in ("queued", "running") and job.kind == "test_count"
    running = until(inline, job_id, lambda j: j.progress_done == 1)
    assert running.state == "running" and running.progress_total == 4 and running.started_at is not None
    gate.set()
    done = jobs.wait(inline, job_id, 20)
    assert done.state == "done" and done.result == {"counted": 4}
    assert done.progress_done == 4 and done.attempts == 1 and done.finished_at is not None and done.error == ""


def test_a_failing_job_is_marked_failed_with_the_error(inline: Context) -> None:
    job = jobs.wait(inline, jobs.submit(inline, "test_fail", {}), 20)
    assert job.state == "failed" and job.error == "ValueError: boom: the input was bad" and job.result == {}


def test_a_queued_job_is_cancelled_before_it_runs_and_a_running_one_stops(inline: Context) -> None:
    gate = _gate("blocker")
    blocker = jobs.submit(inline, "test_count", {"n": 2, "gate": "blocker"})
    until(inline, blocker, lambda j: j.state == "running")
    waiting = jobs.submit(inline, "test_count", {"n": 1})  # one thread: it waits behind the blocker
    jobs.request_cancel(inline, waiting, actor="tester")
    gate.set()
    assert jobs.wait(inline, blocker, 20).state == "done"
    cancelled = jobs.wait(inline, waiting, 20)
    assert cancelled.state == "cancelled" and cancelled.started_at is None and waiting not in RAN

    started = _gate("patient")
    patient = jobs.submit(inline, "test_patient", {"gate": "patient"})
    assert started.wait(20)
    jobs.request_cancel(inline, patient)
    stopped = jobs.wait(inline, patient, 20)
    assert stopped.state == "cancelled" and stopped.error == "stopped on request"


def test_a_job_submitted_in_a_transaction_runs_once_it_commits_and_not_at_all_if_it_does_not(
    inline: Context,
) -> None:
    jobs.wait(inline, jobs.submit(inline, "test_count", {"n": 1}), 20)  # the runner is up: no start-up sweep runs it
    with inline.uow() as uow:
        job_id = jobs.submit_in(uow.session, inline, "test_count", {"n": 1})
        with uow.session.begin_nested():  # a savepoint committed is not the job committed: handed over now,
            pass  # the runner would look for a row it cannot see yet (PostgreSQL), and the job would stay queued
        time.sleep(0.3)  # the rest of the use case: time for a runner handed the job too early to look for it
        uow.commit()
    assert jobs.wait(inline, job_id, 20).state == "done"
    with inline.uow() as uow:
        dropped = jobs.submit_in(uow.session, inline, "test_count", {"n": 1})  # and the use case then fails
    with pytest.raises(NotFoundError):
        jobs.get_job(inline, dropped)


def test_unknown_kinds_and_non_json_arguments_are_refused_before_anything_is_stored(inline: Context) -> None:
    with pytest.raises(InputError, match="unknown job kind 'nope'"):
        jobs.submit(inline, "nope", {})
    with pytest.raises(InputError, match="not JSON"):
        jobs.submit(inline, "test_count", {"n": object()})
    with inline.reader() as uow:
        assert uow.session.query(Job).count() == 0


def test_a_job_left_running_by_a_dead_process_is_failed_and_queued_ones_run_at_start(inline: Context) -> None:
    with inline.uow() as uow:
        stale = Job(
            kind="test_count",
            args={"n": 1},
            state="running",
            started_at=inline.now() - dt.timedelta(hours=1),
            result={},
        )
        left = Job(kind="test_count", args={"n": 3}, state="queued", result={})
        uow.session.add_all([stale, left])
        uow.commit()
    # a new process: its runner starts, and recovers at once
    jobs._runners.pop(inline.settings.database_url, None)
    jobs.start(inline)
    failed = until(inline, stale.id, lambda j: j.state == "failed")
    assert failed.state == "failed" and "stopped before it finished" in failed.error
    assert jobs.wait(inline, left.id, 20).result == {"counted": 3}


# ---- procrastinate on PostgreSQL, with a real worker ----


@pytest.fixture
def queued(database_url: str, tmp_path: Path) -> Iterator[Context]:
    if not database_url.startswith("postgresql"):
        pytest.skip("the procrastinate back-end needs PostgreSQL")
    yield _ctx(database_url, tmp_path, "auto")


def _drain(ctx: Context) -> None:
    from redline.services.background import jobs_queue

    jobs_queue.run_worker(ctx, wait=False, install_signal_handlers=False)


def test_on_postgresql_a_job_is_deferred_and_a_worker_runs_it(queued: Context) -> None:
    assert jobs.backend(queued) == "procrastinate"
    ok = jobs.submit(queued, "test_count", {"n": 3})
    bad = jobs.submit(queued, "test_fail", {})
    with queued.reader() as uow:
        assert jobs.get_job(queued, ok).state == "queued"
        rows = uow.session.execute(text("SELECT status, args FROM procrastinate_jobs ORDER BY id")).all()
    assert [(r[0], r[1]) for r in rows] == [("todo", {"job_id": ok}), ("todo", {"job_id": bad})]
    _drain(queued)
    assert jobs.get_job(queued, ok).state == "done" and jobs.get_job(queued, ok).result == {"counted": 3}
    failed = jobs.get_job(queued, bad)
    assert failed.state == "failed" and "boom" in failed.error
    cancelled = jobs.submit(queued, "test_count", {"n": 1})
    jobs.request_cancel(queued, cancelled)
    _drain(queued)
    assert jobs.get_job(queued, cancelled).state == "cancelled" and cancelled not in RAN


def test_on_postgresql_a_job_of_a_dead_worker_is_failed_when_a_worker_starts(queued: Context) -> None:
    job_id = jobs.submit(queued, "test_count", {"n": 1})
    with queued.uow() as uow:  # what a worker killed mid-job leaves behind
        uow.session.execute(text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL"))
        uow.session.execute(update(Job).where(Job.id == job_id).values(state="running", started_at=queued.now()))
        uow.commit()
    _drain(queued)
    job = jobs.get_job(queued, job_id)
    assert job.state == "failed" and "stopped before it finished" in job.error
    with queued.reader() as uow:
        assert uow.session.execute(text("SELECT status FROM procrastinate_jobs")).scalar_one() == "failed"


def test_a_new_database_gets_the_queue_tables_once(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the procrastinate back-end needs PostgreSQL")
    from redline.services.background import jobs_queue

    upgrade(database_url)
    assert jobs_queue.ensure_schema(database_url) is True
    jobs_queue._schema_ready.clear()
    assert jobs_queue.ensure_schema(database_url) is False


def test_the_worker_command_explains_that_sqlite_runs_jobs_inside_serve(
    inline: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from redline.cli.main import main

    if not inline.settings.database_url.startswith("sqlite"):
        pytest.skip("on PostgreSQL the worker runs")
    monkeypatch.setenv("REDLINE_DATABASE_URL", inline.settings.database_url)
    assert main(["worker", "--once"]) == 2
    assert "jobs run inside `redline serve`" in capsys.readouterr().err
