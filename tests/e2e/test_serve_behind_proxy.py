"""`redline serve` as an operator runs it (issue 15, B19 and the banner): trusted proxies come from
REDLINE_TRUSTED_PROXIES or --forwarded-allow-ips, none by default; the login throttle then counts the
client named by X-Forwarded-For only when the peer is a trusted proxy. No `server: uvicorn` banner."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.services.access import accounts
from redline.store.migrate import upgrade

REDLINE = Path(sys.executable).with_name("redline")
PASSWORD = "correct-horse-42"
LIMIT = 3


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(tmp: Path, *args: str, **env: str) -> Iterator[str]:
    url = f"sqlite:///{tmp}/redline.db"
    if not (tmp / "redline.db").exists():
        upgrade(url)
        ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
        accounts.create_user(ctx, accounts.NewUser("alice", PASSWORD, Role.PLATFORM_ADMIN))
    port = _port()
    environ = {
        **os.environ,
        "REDLINE_DATABASE_URL": url,
        "REDLINE_BLOB_DIR": str(tmp / "blobs"),
        "REDLINE_LOGIN_IP_MAX_FAILURES": str(LIMIT),
        **env,
    }
    process = subprocess.Popen(
        [str(REDLINE), "serve", "--port", str(port), *args],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _login(base: str, source: str, forwarded_for: str, password: str) -> httpx.Response:
    with httpx.Client(
        base_url=base,
        timeout=30,
        transport=httpx.HTTPTransport(local_address=source),
        headers={"X-Forwarded-For": forwarded_for},
    ) as client:
        page = client.get("/login")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        return client.post("/login", data={"username": "alice", "password": password, "csrf_token": csrf, "next": "/"})


def test_behind_a_trusted_proxy_one_clients_failures_do_not_block_the_others(tmp_path: Path) -> None:
    with served(tmp_path, REDLINE_TRUSTED_PROXIES="127.0.0.1") as base:
        for _ in range(LIMIT):
            assert _login(base, "127.0.0.1", "203.0.113.7", "wrong-password-1").status_code == 401
        assert _login(base, "127.0.0.1", "203.0.113.7", PASSWORD).status_code == 429
        assert _login(base, "127.0.0.1", "203.0.113.8", PASSWORD).status_code == 303


def test_the_command_line_option_names_the_trusted_proxies_too(tmp_path: Path) -> None:
    with served(tmp_path, "--forwarded-allow-ips", "127.0.0.0/8") as base:
        for _ in range(LIMIT):
            _login(base, "127.0.0.2", "198.51.100.1", "wrong-password-1")
        assert _login(base, "127.0.0.2", "198.51.100.2", PASSWORD).status_code == 303


def test_by_default_no_proxy_is_trusted_and_a_forged_header_does_not_escape_the_throttle(tmp_path: Path) -> None:
    with served(tmp_path) as base:
        for n in range(LIMIT):
            _login(base, "127.0.0.3", f"192.0.2.{n}", "wrong-password-1")
        assert _login(base, "127.0.0.3", "192.0.2.200", PASSWORD).status_code == 429
        assert _login(base, "127.0.0.4", "192.0.2.1", PASSWORD).status_code == 303


def test_no_server_banner(tmp_path: Path) -> None:
    with served(tmp_path) as base:
        response = httpx.get(base + "/login")
        assert response.status_code == 200
        assert "server" not in response.headers
