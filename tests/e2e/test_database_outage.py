"""The database going away mid-service gives a clear 503 and the server recovers when it returns.
PostgreSQL only: an open SQLite file cannot go away under a running process."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services.access import accounts
from redline.store.migrate import upgrade
from redline.web.app import create_app
from tests.conftest import POSTGRES_URL
from tests.e2e.conftest import _free_port


def _admin() -> Engine:
    assert POSTGRES_URL
    return create_engine(
        POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )


@pytest.mark.skipif(not POSTGRES_URL, reason="REDLINE_TEST_POSTGRES_URL is not set")
def test_a_database_outage_is_a_clear_503_and_the_server_recovers(tmp_path_factory: pytest.TempPathFactory) -> None:
    assert POSTGRES_URL
    name = f"redline_outage_{int(time.time())}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        upgrade(url)
        ctx = build_context(Settings(database_url=url, blob_dir=tmp_path_factory.mktemp("blobs")))
        load_demo(ctx)
        token = accounts.create_api_token(ctx, accounts.login(ctx, "hz-cac", DEMO_PASSWORD)[1], "outage")
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="critical"))
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        for _ in range(200):
            try:
                if client.get("/api/v1/filings").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        down = client.get("/api/v1/filings", params={"state": "draft"})
        assert down.status_code == 503, down.text
        assert down.headers["content-type"] == "application/problem+json"
        assert "not available" in down.json()["detail"] and down.headers["retry-after"] == "5"
        page = httpx.get(base + "/login", timeout=30)
        assert page.status_code == 503 and "not available" in page.text
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        assert client.get("/api/v1/filings", params={"state": "closed"}).status_code == 200
    finally:
        if server is not None:
            server.should_exit = True
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
