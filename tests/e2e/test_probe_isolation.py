"""B2 against a real `redline serve`: a regulator's campaign whose term list holds `(a+)+$` over samples of
28 × `a` and `!` runs to the end while `/api/v1/health` keeps answering, and a probe that burns CPU is stopped
by the limit of the child process it runs in. SQLite (jobs in the server's threads) and, when configured,
PostgreSQL with two server workers and a `redline worker`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services.access import accounts
from redline.services.context import Context
from redline.store.migrate import upgrade
from redline.store.models import CampaignRun, Organisation
from tests.conftest import BACKENDS, fresh_database
from tests.unit import batch_probe

REDLINE = Path(sys.executable).with_name("redline")
HEALTH_SECONDS = 5.0  # what "the server answers" means here: generous, not a benchmark
RUN_SECONDS = 120.0


class Platform:
    def __init__(self, ctx: Context, env: dict[str, str], workers: int) -> None:
        self.ctx, self.env, self.workers = ctx, env, workers
        self.procs: list[subprocess.Popen[bytes]] = []
        self.url = ""
        self.token = ""

    def start(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.procs.append(
            subprocess.Popen(
                [str(REDLINE), "serve", "--port", str(port), "--workers", str(self.workers)],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        if self.workers > 1:  # PostgreSQL: jobs go to a job worker, as in a deployment
            self.procs.append(
                subprocess.Popen(
                    [str(REDLINE), "worker", "--concurrency", "2"],
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for _ in range(600):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=60)


@pytest.fixture(scope="module", params=BACKENDS)
def platform(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("isolation")
    site = tmp / "site"
    with fresh_database(request.param, tmp, prefix="redline_isolation") as url:
        upgrade(url)
        ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
        load_demo(ctx)
        env = {
            **os.environ,
            **batch_probe.install(site),
            "REDLINE_DATABASE_URL": url,
            "REDLINE_BLOB_DIR": str(tmp / "blobs"),
            "REDLINE_PROBE_CPU_SECONDS": "2",
        }
        running = Platform(ctx, env, workers=1 if request.param == "sqlite" else 2)
        running.token = accounts.create_api_token(ctx, accounts.login(ctx, "hz-cac", DEMO_PASSWORD)[1], "isolation")
        running.start()
        try:
            yield running
        finally:
            running.stop()


def _provider(ctx: Context) -> int:
    with ctx.reader() as uow:
        found = uow.session.scalar(select(Organisation.id).where(Organisation.name.contains("杭州声浪")))
        assert found is not None
        return found


def _campaign(platform: Platform, probe: str, options: dict[str, object]) -> int:
    created = platform.api().post(
        "/api/v1/campaigns",
        json={
            "name": "隔离测试",
            "region": "330100",
            "basis": ["sa2018:5(4)"],
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "probes": [{"name": probe, "options": options}],
            "provider_ids": [_provider(platform.ctx)],
        },
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _run_while_checking_health(platform: Platform, campaign_id: int) -> tuple[CampaignRun, list[float]]:
    """Start the campaign's run and ask for /api/v1/health until it ends; every answer must come within
    HEALTH_SECONDS. Returns the finished run and how long each health answer took."""
    started = platform.api().post(f"/api/v1/campaigns/{campaign_id}/runs")
    assert started.status_code == 202, started.text
    (run,) = started.json()["runs"]
    waits: list[float] = []
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        asked = time.monotonic()
        health = httpx.get(platform.url + "/api/v1/health", timeout=HEALTH_SECONDS)
        waits.append(time.monotonic() - asked)
        assert health.status_code == 200
        with platform.ctx.reader() as uow:
            row = uow.session.get(CampaignRun, run["id"])
            assert row is not None
            if row.state in ("done", "failed", "cancelled"):
                return row, waits
        time.sleep(0.1)
    raise AssertionError(f"the run did not end within {RUN_SECONDS} s")


def test_a_catastrophic_term_runs_to_the_end_while_the_server_answers(platform: Platform) -> None:
    terms = "巡查测试词\n[regex]\n(a+)+$\n".encode()
    campaign_id = _campaign(platform, "content-screen", {"terms": hashlib.sha256(terms).hexdigest()})
    api = platform.api()
    uploaded = api.post(f"/api/v1/campaigns/{campaign_id}/files", files={"file": ("terms.txt", terms)})
    assert uploaded.status_code == 201, uploaded.text
    samples = [("files", (f"attack-{n}.txt", b"a" * 28 + b"!\n")) for n in range(6)]
    added = api.post(
        f"/api/v1/campaigns/{campaign_id}/samples",
        data={"provider_id": str(_provider(platform.ctx)), "kind": "text"},
        files=samples,
    )
    assert added.status_code == 201, added.text
    run, waits = _run_while_checking_health(platform, campaign_id)
    assert run.state == "done", run.error
    assert run.files_done == 6 and run.files_failed == 0 and waits


def test_a_probe_burning_cpu_is_stopped_by_its_childs_limit_and_never_runs_in_the_server(platform: Platform) -> None:
    campaign_id = _campaign(platform, "batch-test", {"spin": 600})
    added = platform.api().post(
        f"/api/v1/campaigns/{campaign_id}/samples",
        data={"provider_id": str(_provider(platform.ctx))},
        files=[("files", ("hog.txt", b"good\n"))],
    )
    assert added.status_code == 201, added.text
    run, _ = _run_while_checking_health(platform, campaign_id)
    assert run.state == "done" and run.files_failed == 1, run.error
    calm = _campaign(platform, "batch-test", {})
    platform.api().post(
        f"/api/v1/campaigns/{calm}/samples",
        data={"provider_id": str(_provider(platform.ctx))},
        files=[("files", ("calm.txt", b"good\n"))],
    )
    done, _ = _run_while_checking_health(platform, calm)
    assert done.state == "done" and done.result_sha256
    document = json.loads(platform.ctx.blobs.path_for(done.result_sha256).read_text(encoding="utf-8"))
    (result,) = document["providers"][0]["run"]["results"]
    assert result["details"]["cpu_limit"] == 2
    assert result["details"]["pid"] not in {proc.pid for proc in platform.procs}
