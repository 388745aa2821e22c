"""A real server on loopback, with the demo data, for HTTP and browser tests."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, sync_playwright

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services.access import accounts
from redline.services.background import jobs
from redline.services.context import Context
from redline.store.migrate import upgrade
from redline.web.app import create_app
from tests.conftest import POSTGRES_URL, fresh_database

ARTIFACTS = Path(__file__).parent / "artifacts"


@dataclasses.dataclass
class Live:
    url: str
    ctx: Context
    tokens: dict[str, str]

    def api(self, username: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def browser_login(self, username: str) -> httpx.Client:
        """An HTTP client logged in through the login form, as a browser would be."""
        client = httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)
        page = client.get("/login")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf, "next": "/"}
        )
        assert response.status_code == 303, response.text
        return client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(ctx: Context) -> Iterator[str]:
    """The platform for `ctx` served by uvicorn in a thread on a free loopback port; yields the base URL
    once it answers, and stops the server afterwards."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def redline_serve(
    database_url: str,
    blob_dir: Path,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    stderr: Path | None = None,
) -> Iterator[str]:
    """`redline serve` as an operator runs it, in its own process (with `workers` worker processes), on a
    free loopback port; yields the base URL once it answers, and stops it afterwards."""
    import sys

    port = _free_port()
    environment = {
        **os.environ,
        "REDLINE_DATABASE_URL": database_url,
        "REDLINE_BLOB_DIR": str(blob_dir),
        "REDLINE_LOG_LEVEL": "warning",
        **(env or {}),
    }
    command = [str(Path(sys.executable).with_name("redline")), "serve", "--port", str(port), "--workers", str(workers)]
    with contextlib.ExitStack() as stack:
        err = stack.enter_context(stderr.open("wb")) if stderr else subprocess.DEVNULL
        server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=err)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    if server.poll() is not None:
                        raise RuntimeError("redline serve exited at start") from None
                    time.sleep(0.05)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextlib.contextmanager
def worker(ctx: Context) -> Iterator[None]:
    """On PostgreSQL background jobs go to procrastinate: run a worker beside the server, as a deployment
    runs `redline worker` (here: drain the queue every few tenths of a second until the module ends).
    On SQLite jobs run in the server's own threads and nothing is needed."""
    if jobs.backend(ctx) != "procrastinate":
        yield
        return
    from redline.services.background import jobs_queue

    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            jobs_queue.run_worker(ctx, wait=False, install_signal_handlers=False)
            stop.wait(0.3)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo platform served on loopback, on SQLite and on PostgreSQL. A module that tests how pages look and
    read (layout, words, accessibility), not what the database does, says `PAGES_ONLY = True` and runs on SQLite
    alone: its pages come from the same use cases the workflow, record and API tests run on both."""
    if request.param == "postgresql" and getattr(request.module, "PAGES_ONLY", False):
        pytest.skip("how pages look and read: the same on either database, tested on SQLite")
    tmp = tmp_path_factory.mktemp("live")
    with fresh_database(request.param, tmp, prefix="redline_e2e") as url:
        upgrade(url)
        ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
        summary = load_demo(ctx)
        tokens = {}
        for username, _role, _who in summary.logins:
            _, principal = accounts.login(ctx, username, DEMO_PASSWORD)
            tokens[username] = accounts.create_api_token(ctx, principal, "tests")
        with serving(ctx) as base, worker(ctx):
            yield Live(base, ctx, tokens)


def ensure_chromium() -> str:
    """Debian's chromium; installed with apt-get when missing (never a browser download)."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"],
            check=False,
            capture_output=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed and could not be installed here")
    return "/usr/bin/chromium"


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright; screenshots go to ARTIFACTS."""
    executable = ensure_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()
