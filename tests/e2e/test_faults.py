"""Faults: the server killed with SIGKILL in the middle of a submission, a review decision or an evidence
upload leaves the whole change or none of it, and the audit chain verifies afterwards."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.errors import StorageFullError
from redline.reports.canonical import digest
from redline.services import audit
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries
from redline.store.migrate import upgrade
from redline.store.models import Evidence, Filing, FilingEvent, Service

REDLINE = Path(sys.executable).with_name("redline")


class Server:
    def __init__(self, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "REDLINE_DATABASE_URL": f"sqlite:///{tmp}/r.db",
            "REDLINE_BLOB_DIR": str(tmp / "b"),
            "REDLINE_MAX_UPLOAD_BYTES": str(64 << 20),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [str(REDLINE), "serve", "--port", str(port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Server, Context, dict[str, str]]]:
    url = f"sqlite:///{tmp_path}/r.db"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "b"))
    load_demo(ctx)
    tokens = {}
    for user in ("hz-admin", "hz-cac"):
        _, p = accounts.login(ctx, user, DEMO_PASSWORD)
        tokens[user] = accounts.create_api_token(ctx, p, "faults")
    server = Server(tmp_path)
    server.start()
    yield server, ctx, tokens
    if server.proc and server.proc.poll() is None:
        server.kill()


def _client(server: Server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _draft_ready_to_submit(server: Server, ctx: Context, token: str, n: int) -> int:
    client = _client(server, token)
    with ctx.reader() as uow:
        service_id = uow.session.scalar(select(Service.id).where(Service.name.like("声浪%")))
    created = client.post(
        "/api/v1/filings",
        json={
            "service_id": service_id,
            "change": {
                "kind": "add_capability",
                "date": "2027-06-01",
                "capabilities": ["forum"],
                "description": f"fault {n}",
            },
        },
    )
    assert created.status_code == 201, created.text
    filing_id = int(created.json()["id"])
    items = client.get(f"/api/v1/filings/{filing_id}").json()["checklist_items"]
    saved = client.put(f"/api/v1/filings/{filing_id}/answers", json={"answers": {i: {"status": "met"} for i in items}})
    assert saved.status_code == 200, saved.text
    return filing_id


def _fire(server: Server, token: str, method: str, path: str, **kwargs: object) -> None:
    def go() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server is being killed under it
            _client(server, token).request(method, path, **kwargs)  # type: ignore[arg-type]

    threading.Thread(target=go, daemon=True).start()


def _consistent(ctx: Context) -> None:
    """Every filing is wholly in one state; every evidence row has its blob; the audit chain holds."""
    with ctx.reader() as uow:
        s = uow.session
        for filing in s.scalars(select(Filing)):
            events = s.scalars(
                select(FilingEvent).where(FilingEvent.filing_id == filing.id).order_by(FilingEvent.id)
            ).all()
            assert events and events[-1].to_state == filing.state, filing.id
            if filing.report is not None:
                assert filing.report_digest == digest(filing.report) == filing.report["seal"]["digest"]
            if filing.state == "submitted":
                assert filing.report is not None
        for row in s.scalars(select(Evidence)):
            blob = ctx.blobs.path_for(row.sha256)
            assert blob.exists() and hashlib.sha256(blob.read_bytes()).hexdigest() == row.sha256
        report = audit.verify(s)
        assert report.ok, report.reason


def test_killing_the_server_mid_submission_and_mid_review_leaves_whole_changes(
    world: tuple[Server, Context, dict[str, str]],
) -> None:
    server, ctx, tokens = world
    rng = random.Random(7)
    for n in range(6):
        filing_id = _draft_ready_to_submit(server, ctx, tokens["hz-admin"], n)
        _fire(server, tokens["hz-admin"], "POST", f"/api/v1/filings/{filing_id}/actions/submit", json={"note": ""})
        time.sleep(rng.uniform(0.0, 0.25))
        server.kill()
        _consistent(ctx)
        server.start()
        state = _client(server, tokens["hz-admin"]).get(f"/api/v1/filings/{filing_id}").json()["state"]
        assert state in ("draft", "submitted")
        if state == "submitted":
            _fire(
                server, tokens["hz-cac"], "POST", f"/api/v1/filings/{filing_id}/actions/start_review", json={"note": ""}
            )
            time.sleep(rng.uniform(0.0, 0.1))
            server.kill()
            _consistent(ctx)
            server.start()


def test_killing_the_server_mid_upload_loses_nothing_already_stored(
    world: tuple[Server, Context, dict[str, str]], tmp_path: Path
) -> None:
    server, ctx, tokens = world
    filing_id = _draft_ready_to_submit(server, ctx, tokens["hz-admin"], 99)
    client = _client(server, tokens["hz-admin"])
    first = client.post(
        f"/api/v1/filings/{filing_id}/evidence", files={"file": ("a.txt", b"stored before", "text/plain")}
    )
    assert first.status_code == 201
    kept = first.json()["sha256"]
    big = ("x" * (40 << 20)).encode()
    _fire(
        server,
        tokens["hz-admin"],
        "POST",
        f"/api/v1/filings/{filing_id}/evidence",
        files={"file": ("big.txt", big, "text/plain")},
    )
    time.sleep(0.3)
    server.kill()
    _consistent(ctx)
    assert ctx.blobs.path_for(kept).read_bytes() == b"stored before"
    server.start()
    with ctx.reader() as uow:
        names = {r.filename for r in uow.session.scalars(select(Evidence).where(Evidence.filing_id == filing_id))}
    assert "a.txt" in names


def test_a_full_disk_during_an_upload_is_a_clear_error_and_loses_nothing_already_stored(tmp_path: Path) -> None:
    """The evidence store on a 2 MiB tmpfs (needs root and mount; skipped otherwise)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, check=False
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a small tmpfs here")
    try:
        url = f"sqlite:///{tmp_path}/r.db"
        upgrade(url)
        ctx = build_context(Settings(database_url=url, blob_dir=mount / "blobs"))
        load_demo(ctx)
        _, admin = accounts.login(ctx, "hz-admin", DEMO_PASSWORD)
        draft = next(f for f in queries.list_filings(ctx, admin, queries.FilingFilter(state="draft"))[0])
        kept = filings.add_evidence(ctx, admin, draft.id, None, "kept.txt", io.BytesIO(b"k" * (1 << 20)))
        before = len(queries.get_filing(ctx, admin, draft.id).evidence)
        with pytest.raises(StorageFullError, match="full"):
            filings.add_evidence(ctx, admin, draft.id, None, "big.txt", io.BytesIO(b"b" * (3 << 20)))
        assert len(queries.get_filing(ctx, admin, draft.id).evidence) == before
        assert ctx.blobs.path_for(kept).read_bytes() == b"k" * (1 << 20)
        assert not [p for p in (mount / "blobs").iterdir() if p.name.startswith(".upload-")]
    finally:
        subprocess.run(["umount", str(mount)], check=False)
