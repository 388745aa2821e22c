"""`redline backup` and `redline restore` as an operator runs them, against a live server taking writes."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.services.access import accounts
from redline.services.filing import filings, queries, review
from redline.store.migrate import upgrade
from tests.e2e.conftest import serving

REDLINE = Path(sys.executable).with_name("redline")
PASSWORD = "correct-horse-42"
CHANGE = {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]}


def run(tmp: Path, *args: str, db: str = "source.db") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "REDLINE_DATABASE_URL": f"sqlite:///{tmp / db}",
        "REDLINE_BLOB_DIR": str(tmp / "blobs"),
        "REDLINE_KEY_DIR": str(tmp / "keys"),
        "COLUMNS": "150",
    }
    return subprocess.run([str(REDLINE), *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp: Path, *args: str, db: str = "source.db"
) -> tuple[int, str, str]:
    """The same command in this process (cheaper than a new interpreter): exit code, stdout, stderr."""
    from redline.cli.main import main

    monkeypatch.setenv("REDLINE_DATABASE_URL", f"sqlite:///{tmp / db}")
    monkeypatch.setenv("REDLINE_BLOB_DIR", str(tmp / "blobs"))
    monkeypatch.setenv("REDLINE_KEY_DIR", str(tmp / "keys"))
    monkeypatch.setenv("COLUMNS", "150")
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class Server:
    def __init__(self, base: str, token: str, service_id: int) -> None:
        self.base, self.token, self.service_id = base, token, service_id


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A provider with a submitted filing and its evidence, served over loopback HTTP."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(url)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "platform.key").write_text("-----BEGIN PRIVATE KEY-----\ntest\n-----END PRIVATE KEY-----\n")
    ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    org = filings.create_organisation(ctx, "provider", "备份样例（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("bk-admin", PASSWORD, Role.PROVIDER_ADMIN, "备份", org, None))
    _, admin = accounts.login(ctx, "bk-admin", PASSWORD)
    service = filings.add_service(ctx, admin, {"service": {"name": "样例", "capabilities": ["group_chat"]}})
    fid = filings.record_change(ctx, admin, service, CHANGE)
    items = queries.get_filing(ctx, admin, fid).items
    filings.add_evidence(ctx, admin, fid, items[0], "policy.txt", io.BytesIO("制度文本".encode()))
    filings.save_answers(ctx, admin, fid, {i: {"status": "met"} for i in items})
    review.act(ctx, admin, fid, Action.SUBMIT)
    token = accounts.create_api_token(ctx, admin, "backup-test")
    with serving(ctx) as base:
        yield Server(base, token, service)


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_a_backup_taken_while_the_server_takes_writes_restores_whole(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    posted, stop, errors = [0], threading.Event(), []

    def post_changes() -> None:
        with httpx.Client(
            base_url=server.base, headers={"Authorization": f"Bearer {server.token}"}, timeout=30
        ) as client:
            while not stop.is_set():
                response = client.post("/api/v1/filings", json={"service_id": server.service_id, "change": CHANGE})
                if response.status_code != 201:
                    errors.append(response.text)
                    return
                posted[0] += 1

    writer = threading.Thread(target=post_changes)
    writer.start()
    try:
        while posted[0] < 3 and not errors:
            stop.wait(0.02)
        made = run(tmp_path, "backup", "-o", str(tmp_path / "live.tar.zst"))
        during = posted[0]
    finally:
        stop.set()
        writer.join()
    assert not errors
    assert made.returncode == 0, made.stderr
    assert "wrote" in made.stdout and "contains private keys" in made.stderr
    assert during >= 3

    code, out, err = cli(capsys, monkeypatch, tmp_path, "backup", "verify", str(tmp_path / "live.tar.zst"))
    assert code == 0 and "archive intact" in out, err

    restored = run(
        tmp_path,
        "restore",
        str(tmp_path / "live.tar.zst"),
        "--database-url",
        f"sqlite:///{tmp_path / 'copy.db'}",
        "--blob-dir",
        str(tmp_path / "copy-blobs"),
        "--key-dir",
        str(tmp_path / "copy-keys"),
        "--json",
    )
    assert restored.returncode == 0, restored.stderr
    report = json.loads(restored.stdout)
    assert report["ok"] and [c["name"] for c in report["checks"]] == ["rows", "audit chain", "report digests", "blobs"]
    copy = tmp_path / "copy.db"
    entries = _count(copy, "SELECT COUNT(*) FROM audit_entries")
    assert _count(copy, "SELECT seq FROM audit_head") == entries
    # every filing came with its 'open' event: no write was cut in half by the snapshot
    assert _count(copy, "SELECT COUNT(*) FROM filings") == _count(
        copy, "SELECT COUNT(*) FROM filing_events WHERE action = 'open'"
    )
    assert (tmp_path / "copy-keys" / "platform.key").stat().st_mode & 0o777 == 0o600
    code, out, err = cli(capsys, monkeypatch, tmp_path, "audit", "verify", db="copy.db")
    assert code == 0 and f"{entries} entries" in out, err


def _tampered(archive: Path, out: Path) -> Path:
    with tarfile.open(archive) as src, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == "tables/filings.jsonl":
                data = data.replace(b'"draft"', b'"closed"', 1).replace(b'"submitted"', b'"accepted"', 1)
            dst.addfile(info, io.BytesIO(data))
    return out


def test_bad_archives_and_targets_are_refused_with_the_reason_and_nothing_written(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def redline(*args: str) -> tuple[int, str, str]:
        return cli(capsys, monkeypatch, tmp_path, *args)

    archive = tmp_path / "plain.tar"
    code, _out, err = redline("backup", "-o", str(archive))
    assert code == 0, err
    bad = _tampered(archive, tmp_path / "tampered.tar")
    target = [
        "--database-url",
        f"sqlite:///{tmp_path / 'target.db'}",
        "--blob-dir",
        str(tmp_path / "t-blobs"),
        "--key-dir",
        str(tmp_path / "t-keys"),
    ]

    code, _out, err = redline("backup", "verify", str(bad))
    assert code == 1 and "tables/filings.jsonl" in err and "digest" in err
    refused = run(tmp_path, "restore", str(bad), *target)  # a real process: exit code and stderr as a shell sees them
    assert refused.returncode == 2 and "backup refused" in refused.stderr and "Traceback" not in refused.stderr
    (tmp_path / "junk.tar.zst").write_bytes(b"\x28\xb5\x2f\xfd" + os.urandom(300))
    code, _out, err = redline("restore", str(tmp_path / "junk.tar.zst"), *target)
    assert code == 2 and "junk.tar.zst" in err, err
    assert not (tmp_path / "target.db").exists() and not (tmp_path / "t-blobs").exists()

    code, _out, err = redline("restore", str(archive))  # the source itself: not empty
    assert code == 2 and "not empty" in err

    code, _out, err = redline("backup", "-o", str(tmp_path / "out.zip"))
    assert code == 2 and "out.zip" in err and ".tar.zst" in err
    assert not (tmp_path / "out.zip").exists()
    code, _out, err = redline("backup")
    assert code == 2 and "--output" in err
    code, out, _err = redline("restore", "--help")
    assert code == 0 and "EMPTY database" in out
