"""`redline serve` as an operator runs it: one log line per request on stderr (method, path, status, duration,
user, request id), JSON when asked, never a password, token, cookie or CSRF value; a crash is one error entry
with the request id the client was given; a machine without the CJK font is warned at start and a PDF job
fails with that reason instead of printing empty boxes."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services.access import accounts
from redline.store.migrate import upgrade
from redline.store.models import Filing
from redline.web.deps import ERROR_HEADERS
from redline.web.request_log import RequestLogMiddleware

REDLINE = Path(sys.executable).with_name("redline")
REQUEST_ID = re.compile(r"^[0-9a-f]{16}$")


class Served:
    def __init__(self, tmp: Path, token: str, env: dict[str, str]) -> None:
        self.tmp, self.token, self.log = tmp, token, tmp / "stderr.log"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        environment = {
            **os.environ,
            "REDLINE_DATABASE_URL": f"sqlite:///{tmp}/r.db",
            "REDLINE_BLOB_DIR": str(tmp / "b"),
            **env,
        }
        with self.log.open("wb") as stderr:
            self.proc = subprocess.Popen(
                [str(REDLINE), "serve", "--port", str(port)], env=environment, stdout=subprocess.DEVNULL, stderr=stderr
            )
        for _ in range(300):
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        return self.log.read_text(encoding="utf-8")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[type[Served]]:
    url = f"sqlite:///{tmp_path}/r.db"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "b"))
    load_demo(ctx)
    _, principal = accounts.login(ctx, "hz-admin", DEMO_PASSWORD)
    token = accounts.create_api_token(ctx, principal, "log test")
    started: list[Served] = []

    class Bound(Served):
        def __init__(self, env: dict[str, str] | None = None) -> None:  # type: ignore[override]
            super().__init__(tmp_path, token, env or {})
            started.append(self)

    yield Bound
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()


def _login(url: str) -> tuple[httpx.Client, str, str]:
    client = httpx.Client(base_url=url, timeout=30)
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        "/login", data={"username": "hz-admin", "password": DEMO_PASSWORD, "csrf_token": csrf, "next": "/"}
    )
    assert answer.status_code == 303
    return client, csrf, client.cookies["redline_session"]


def test_every_request_is_one_line_with_status_duration_user_and_request_id_and_no_secret(serve: type[Served]) -> None:
    server = serve()
    client, csrf, session = _login(server.url)
    page = client.get("/?page=1")
    api = httpx.get(server.url + "/api/v1/filings", headers={"Authorization": f"Bearer {server.token}"})
    leaky = httpx.get(server.url + "/login", params={"next": "/x", "token": "rl_SECRETinURL", "password": "pw-in-url"})
    anonymous = httpx.get(server.url + "/api/v1/filings")
    log = server.stop()

    for secret in (DEMO_PASSWORD, csrf, session, server.token, "rl_SECRETinURL", "pw-in-url"):
        assert secret not in log
    lines = [line for line in log.splitlines() if " redline.access " in line and "/api/v1/health" not in line]
    by_id = {re.search(r"\[([0-9a-f]{16})\]", line).group(1): line for line in lines}  # type: ignore[union-attr]
    assert len(lines) == len(by_id) == 6  # GET /login, POST /login, the four above
    user_id = re.search(r"user=(\d+)", by_id[page.headers["x-request-id"]])
    assert user_id is not None and "GET /?page=1 303 " in by_id[page.headers["x-request-id"]]
    assert "GET /api/v1/filings 200 " in by_id[api.headers["x-request-id"]]
    assert by_id[api.headers["x-request-id"]].endswith(f"user={user_id.group(1)}")
    assert "token=[redacted]" in by_id[leaky.headers["x-request-id"]]
    assert "password=[redacted]" in by_id[leaky.headers["x-request-id"]]
    assert "next=/x" in by_id[leaky.headers["x-request-id"]]
    assert re.search(r"GET /api/v1/filings 401 \d+\.\dms user=anonymous$", by_id[anonymous.headers["x-request-id"]])


def test_the_log_is_json_lines_when_asked_and_quiet_below_its_level(serve: type[Served]) -> None:
    server = serve({"REDLINE_LOG_FORMAT": "json"})
    answer = httpx.get(server.url + "/api/v1/health")
    log = server.stop()
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [e for e in entries if e["logger"] == "redline.access"]
    mine = [e for e in access if e["request_id"] == answer.headers["x-request-id"]]
    assert len(mine) == 1 and mine[0]["status"] == 200 and mine[0]["message"].startswith("GET /api/v1/health 200 ")
    assert all(REQUEST_ID.match(e["request_id"]) for e in access)

    quiet = serve({"REDLINE_LOG_LEVEL": "warning"})
    httpx.get(quiet.url + "/api/v1/health")
    assert "redline.access" not in quiet.stop()


def test_an_unhandled_error_is_a_500_problem_with_its_request_id_and_one_error_entry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(request: Request) -> Response:
        raise RuntimeError("database says password=hunter2")  # what a careless library might put in a message

    # as in the platform's app: inside Starlette's own last-resort handler, outside every other layer
    app = Starlette(
        routes=[Route("/boom", broken)], middleware=[Middleware(RequestLogMiddleware, headers=ERROR_HEADERS)]
    )
    with caplog.at_level(logging.INFO, logger="redline"):
        answer = TestClient(app, raise_server_exceptions=False).get("/boom?session=abc")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"
    request_id = answer.headers["x-request-id"]
    assert answer.json()["request_id"] == request_id and "hunter2" not in answer.text
    assert (
        answer.headers["x-frame-options"] == "DENY"
        and "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    )
    errors = [r for r in caplog.records if r.name == "redline.error"]
    assert len(errors) == 1 and errors[0].request_id == request_id and errors[0].exc_info  # type: ignore[attr-defined]
    access = [r for r in caplog.records if r.name == "redline.access"]
    assert len(access) == 1 and "GET /boom?session=[redacted] 500 " in access[0].getMessage()


def test_without_the_cjk_font_serve_warns_and_a_pdf_job_fails_naming_the_package(
    serve: type[Served], tmp_path: Path
) -> None:
    empty = tmp_path / "fonts.conf"  # a fontconfig that knows no font at all: as on a machine without fonts
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>\n')
    server = serve({"FONTCONFIG_FILE": str(empty), "FONTCONFIG_PATH": str(tmp_path)})
    ctx = build_context(Settings(database_url=f"sqlite:///{tmp_path}/r.db", blob_dir=tmp_path / "b"))
    with ctx.reader() as uow:
        filing_id = uow.session.scalars(
            select(Filing.id).where(Filing.region.startswith("3301"), Filing.report.is_not(None))
        ).first()
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=30)
    created = api.post(f"/api/v1/filings/{filing_id}/report-pdf-job")
    assert created.status_code == 202
    job: dict[str, object] = {}
    for _ in range(200):
        job = api.get(f"/api/v1/jobs/{created.json()['id']}").json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    log = server.stop()
    assert job["state"] == "failed" and "fonts-noto-cjk" in str(job["error"])
    assert "warning:" in log and "fonts-noto-cjk" in log


def test_a_crash_inside_the_platform_is_logged_under_the_request_id_the_client_got(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from redline.web.app import create_app

    url = f"sqlite:///{tmp_path}/r.db"
    upgrade(url)
    app = create_app(build_context(Settings(database_url=url, blob_dir=tmp_path / "b")))

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("a library failed")

    with caplog.at_level(logging.INFO, logger="redline"):
        answer = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    request_id = answer.headers["x-request-id"]
    assert answer.status_code == 500 and answer.json()["request_id"] == request_id
    assert "a library failed" not in answer.text and answer.headers["x-frame-options"] == "DENY"
    errors = [r for r in caplog.records if r.name == "redline.error"]
    assert len(errors) == 1 and errors[0].request_id == request_id and errors[0].exc_info  # type: ignore[attr-defined]
    assert [r.getMessage().split(" ")[:3] for r in caplog.records if r.name == "redline.access"] == [
        ["GET", "/api/v1/boom", "500"]
    ]
