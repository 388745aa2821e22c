"""Job heartbeats on a real database (SQLite, and PostgreSQL when set): a starting runner fails only
the running jobs whose process stopped beating, never a job another live process is running — the
other process is a real second Python process here. And the report PDF job honours a cancel."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.services.background import job_runs, jobs, jobs_heartbeat
from redline.services.background.jobs import JobCancelledError, JobHandle
from redline.services.context import Context
from redline.services.filing import documents_pdf_jobs
from redline.store.migrate import upgrade
from redline.store.models import Filing, Job, User
from tests.integration import test_jobs  # registers the test job kinds and their gates

ROOT = Path(__file__).resolve().parents[2]


def _ctx(url: str, tmp_path: Path, heartbeat: float) -> Context:
    upgrade(url)
    return build_context(
        Settings(
            database_url=url,
            blob_dir=tmp_path / "blobs",
            job_backend="inline",
            job_threads=1,
            job_heartbeat_seconds=heartbeat,
        )
    )


def _add_running(ctx: Context, heartbeat_at: dt.datetime | None, started_at: dt.datetime) -> int:
    with ctx.uow() as uow:
        job = Job(
            kind="test_count",
            args={"n": 1},
            state="running",
            started_at=started_at,
            heartbeat_at=heartbeat_at,
            result={},
        )
        uow.session.add(job)
        uow.commit()
        return job.id


SECOND_PROCESS = textwrap.dedent("""
    import sys
    from redline.bootstrap import build_context
    from redline.config import Settings
    from redline.services.background import jobs
    url, blobs, beat, job_id = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    ctx = build_context(Settings(database_url=url, blob_dir=blobs, job_backend="inline",
                                 job_heartbeat_seconds=beat))
    jobs.start(ctx)
    assert jobs._runners[url].recovered.wait(60), "the runner never finished its start"
    print(jobs.get_job(ctx, job_id).state)
""")


def test_a_job_a_live_process_runs_is_not_failed_when_a_second_process_starts(
    database_url: str, tmp_path: Path
) -> None:
    beat = 0.5
    ctx = _ctx(database_url, tmp_path, beat)
    gate = test_jobs._gate("live-process")
    job_id = jobs.submit(ctx, "test_count", {"n": 2, "gate": "live-process"})
    first = test_jobs.until(ctx, job_id, lambda j: j.progress_done == 1, timeout=30)
    started = first.started_at
    assert first.state == "running" and started is not None and first.heartbeat_at is not None
    # running longer than the stale window: only the refreshed heartbeat keeps it alive now
    window = dt.timedelta(seconds=jobs_heartbeat.STALE_AFTER_BEATS * beat + 0.5)
    alive = test_jobs.until(
        ctx, job_id, lambda j: j.heartbeat_at is not None and j.heartbeat_at > started + window, timeout=30
    )
    assert alive.heartbeat_at is not None and alive.heartbeat_at > started + window

    second = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, database_url, str(tmp_path / "blobs"), str(beat), str(job_id)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "running"
    assert jobs.get_job(ctx, job_id).state == "running"
    gate.set()
    done = jobs.wait(ctx, job_id, 30)
    assert done.state == "done" and done.result == {"counted": 2} and done.error == ""


def test_at_start_only_running_jobs_whose_heartbeat_stopped_are_failed(database_url: str, tmp_path: Path) -> None:
    ctx = _ctx(database_url, tmp_path, 10.0)
    now, hour_ago = ctx.now(), ctx.now() - dt.timedelta(hours=1)
    silent = _add_running(ctx, hour_ago, hour_ago)
    never_beat = _add_running(ctx, None, hour_ago)  # left by a version without heartbeats
    fresh = _add_running(ctx, now - dt.timedelta(seconds=5), hour_ago)  # another live process's long job
    just_claimed = _add_running(ctx, None, now)
    jobs._runners.pop(database_url, None)  # a new process: its runner starts and recovers
    jobs.start(ctx)
    assert jobs._runners[database_url].recovered.wait(30)
    for job_id in (silent, never_beat):
        failed = jobs.get_job(ctx, job_id)
        assert failed.state == "failed" and failed.error == jobs.STALE_ERROR and failed.finished_at is not None
    for job_id in (fresh, just_claimed):
        kept = jobs.get_job(ctx, job_id)
        assert kept.state == "running" and kept.error == ""


def test_the_heartbeat_advances_while_a_job_runs_and_a_live_runner_fails_orphans(
    database_url: str, tmp_path: Path
) -> None:
    ctx = _ctx(database_url, tmp_path, 0.2)
    gate = test_jobs._gate("beating")
    job_id = jobs.submit(ctx, "test_count", {"n": 2, "gate": "beating"})
    first = test_jobs.until(ctx, job_id, lambda j: j.progress_done == 1, timeout=30)
    assert first.heartbeat_at is not None
    seen = {first.heartbeat_at}
    end = time.monotonic() + 30
    while len(seen) < 3 and time.monotonic() < end:  # the runner's thread touches it, not progress
        beat_at = jobs.get_job(ctx, job_id).heartbeat_at
        assert beat_at is not None and beat_at >= max(seen)
        seen.add(beat_at)
        time.sleep(0.05)
    assert len(seen) >= 3, f"the heartbeat did not advance: {sorted(seen)}"

    # a process died while this runner lives: one of this runner's next beats fails its job
    orphan = _add_running(ctx, ctx.now() - dt.timedelta(hours=1), ctx.now() - dt.timedelta(hours=1))
    failed = test_jobs.until(ctx, orphan, lambda j: j.state == "failed", timeout=30)
    assert failed.state == "failed" and failed.error == jobs.STALE_ERROR
    assert jobs.get_job(ctx, job_id).state == "running"
    gate.set()
    assert jobs.wait(ctx, job_id, 30).state == "done"
    assert job_id not in jobs_heartbeat.heartbeat(ctx).running()


# ---- the report PDF job honours a cancel ----


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[tuple[Context, dict[str, Any]]]:
    ctx = _ctx(database_url, tmp_path, 10.0)
    load_demo(ctx)
    with ctx.reader() as uow:
        filing = uow.session.scalars(select(Filing).where(Filing.report.is_not(None)).order_by(Filing.id)).first()
        assert filing is not None
        user = uow.session.scalars(select(User).where(User.username == "hz-admin")).one()
        args = {"filing_id": filing.id, "lang": "zh-CN", "user_id": user.id}
    yield ctx, args


def _pdf_job(ctx: Context, args: dict[str, Any], result: dict[str, Any]) -> Job:
    with ctx.uow() as uow:
        job = Job(
            kind="pdf_report", args=args, state="running", started_at=ctx.now(), heartbeat_at=ctx.now(), result=result
        )
        uow.session.add(job)
        uow.commit()
        uow.session.refresh(job)
        uow.session.expunge(job)
        return job


def _pdfs(ctx: Context) -> list[Path]:
    root = ctx.settings.blob_dir
    return [p for p in root.rglob("*") if p.is_file() and p.read_bytes()[:5] == b"%PDF-"] if root.exists() else []


class CancelWhileRendering(JobHandle):
    """The user presses cancel right after the job's first check, i.e. while it renders."""

    asked = False

    def cancelled(self, *, fresh: bool = False) -> bool:
        answer = super().cancelled(fresh=fresh)
        if not self.asked:
            self.asked = True
            assert self.ctx is not None
            jobs.request_cancel(self.ctx, self.job_id, actor="tester")
        return answer


def test_a_pdf_job_cancelled_before_or_while_rendering_ends_cancelled_and_stores_nothing(
    demo: tuple[Context, dict[str, Any]],
) -> None:
    ctx, args = demo
    asked_first = _pdf_job(ctx, args, {"cancel_requested": True})
    assert job_runs._run(ctx, asked_first) == "cancelled"
    stopped = jobs.get_job(ctx, asked_first.id)
    assert stopped.state == "cancelled" and stopped.error == "cancelled before rendering"

    during = _pdf_job(ctx, args, {})
    with pytest.raises(JobCancelledError, match="while rendering"):
        documents_pdf_jobs.run_job(ctx, CancelWhileRendering(during.id, args, ctx))
    assert _pdfs(ctx) == []

    plain = _pdf_job(ctx, args, {})  # the same job left alone stores its file: the checks above can fail
    assert job_runs._run(ctx, plain) == "done"
    assert len(_pdfs(ctx)) == 1 and jobs.get_job(ctx, plain.id).result["filename"].endswith(".pdf")
