"""Jobs whose process was killed never stay `running` (issue 23, break 8): a running `redline worker` sweeps
them on PostgreSQL while it runs, not only when it restarts; and what such a job owned, a campaign run,
ends with it instead of showing `running` for ever, and the sample folder it left is removed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.services.background import jobs_heartbeat
from redline.services.context import Context
from redline.store.migrate import upgrade
from redline.store.models import Campaign, CampaignRun, Job, User
from tests.conftest import POSTGRES_URL, fresh_database


def _stale_campaign_run(ctx: Context) -> tuple[int, int]:
    """A job left `running` by a process that was killed a minute ago, and the campaign run it was doing."""
    gone = ctx.now() - dt.timedelta(minutes=1)
    with ctx.uow() as uow:
        officer = uow.session.scalar(select(User.id).where(User.username == "hz-cac"))
        assert officer is not None
        campaign = Campaign(
            name="巡查",
            region="330100",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            created_by=officer,
        )
        job = Job(kind="campaign_run", args={}, state="running", started_at=gone, heartbeat_at=gone, result={})
        uow.session.add_all([campaign, job])
        uow.session.flush()
        run = CampaignRun(
            campaign_id=campaign.id, job_id=job.id, probe="content-screen", state="running", started_at=gone
        )
        uow.session.add(run)
        uow.commit()
        return job.id, run.id


def _states(ctx: Context, job_id: int, run_id: int) -> tuple[str, str]:
    with ctx.reader() as uow:
        job, run = uow.session.get(Job, job_id), uow.session.get(CampaignRun, run_id)
        assert job is not None and run is not None
        return job.state, run.state


def test_failing_a_stale_job_fails_the_campaign_run_it_owned(database_url: str, tmp_path: Path) -> None:
    upgrade(database_url)
    ctx = build_context(
        Settings(database_url=database_url, blob_dir=tmp_path / "b", job_backend="inline", job_heartbeat_seconds=5)
    )
    load_demo(ctx)
    job_id, run_id = _stale_campaign_run(ctx)
    left = tmp_path / "b" / f".campaign-run-{run_id}-k1ll3d"  # what the killed run had copied its samples to
    other = tmp_path / "b" / f".campaign-run-{run_id + 1000}-alive"
    for folder in (left, other):
        folder.mkdir(parents=True)
        (folder / "sample.txt").write_text("样本")
    assert jobs_heartbeat.fail_stale(ctx) == 1
    assert _states(ctx, job_id, run_id) == ("failed", "failed")
    assert not left.exists() and other.exists()


@pytest.mark.skipif(not POSTGRES_URL, reason="redline worker (procrastinate) needs PostgreSQL")
def test_a_running_worker_sweeps_jobs_of_killed_workers_without_a_restart(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path, prefix="redline_sweep") as url:
        upgrade(url)
        env = {
            **os.environ,
            "REDLINE_DATABASE_URL": url,
            "REDLINE_BLOB_DIR": str(tmp_path / "b"),
            "REDLINE_JOB_HEARTBEAT_SECONDS": "0.5",
        }
        ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "b", job_heartbeat_seconds=0.5))
        load_demo(ctx)
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("redline")), "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(3)  # the worker is up and past its start-up sweep: what follows it must find by itself
            job_id, run_id = _stale_campaign_run(ctx)
            deadline = time.monotonic() + 60
            while _states(ctx, job_id, run_id) != ("failed", "failed") and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _states(ctx, job_id, run_id) == ("failed", "failed")
            assert worker.poll() is None
        finally:
            worker.terminate()
            worker.wait(timeout=60)
