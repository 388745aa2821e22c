"""The SQLite variant of a database outage: another process holds the database's write lock longer than
the busy timeout (a backup tool, a stuck admin shell). Writes answer a clear 503 problem JSON (or page)
with Retry-After, never a 500, nothing is half-written, reads go on (WAL), and the server recovers as
soon as the lock is released. The busy timeout is a setting, made short here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.services import audit
from redline.services.access import accounts
from redline.services.filing import filings
from redline.store.migrate import upgrade
from tests.e2e.conftest import serving

PASSWORD = "correct-horse-42"
SERVICE = {"service": {"name": "声浪", "capabilities": ["voice_chat_room", "group_chat"]}}
LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
print("released", flush=True)
"""


def test_sqlite_locked_by_another_process_gives_503_with_retry_after_and_recovers(tmp_path: Path) -> None:
    db = tmp_path / "redline.db"
    url = f"sqlite:///{db}"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs", sqlite_busy_timeout_ms=300))
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("hz-admin", PASSWORD, Role.PROVIDER_ADMIN, "hz", org))
    token = accounts.create_api_token(ctx, accounts.login(ctx, "hz-admin", PASSWORD)[1], "outage")
    locker = None
    with serving(ctx) as base:
        try:
            client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            assert client.post("/api/v1/services", json=SERVICE).status_code == 201
            locker = subprocess.Popen(
                [sys.executable, "-c", LOCKER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
            assert locker.stdout is not None and locker.stdin is not None
            assert locker.stdout.readline().strip() == "locked"

            down = client.post("/api/v1/services", json=SERVICE)
            assert down.status_code == 503, down.text
            assert down.headers["content-type"] == "application/problem+json"
            assert down.headers["retry-after"] == "5" and "not available" in down.json()["detail"]
            browser = httpx.Client(base_url=base, timeout=30)
            csrf = browser.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            page = browser.post("/login", data={"username": "hz-admin", "password": PASSWORD, "csrf_token": csrf})
            assert page.status_code == 503 and "not available" in page.text  # a login writes its session
            assert page.headers["retry-after"] == "5" and "redline_session" not in page.cookies
            listed = client.get("/api/v1/services")  # WAL: readers are not blocked by the writer's lock
            assert listed.status_code == 200 and len(listed.json()) == 1  # the refused write left nothing behind

            locker.stdin.write("\n")
            locker.stdin.flush()
            assert locker.stdout.readline().strip() == "released"
            assert client.post("/api/v1/services", json=SERVICE).status_code == 201
            assert len(client.get("/api/v1/services").json()) == 2
            with ctx.reader() as uow:
                assert audit.verify(uow.session).ok
        finally:
            if locker is not None:
                locker.kill()
                locker.wait()
