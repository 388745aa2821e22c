"""The platform's commands as an operator runs them: db upgrade, users, audit verify, serve."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.errors import AuthenticationError
from redline.services.access import accounts
from redline.services.principal import Principal

REDLINE = Path(sys.executable).with_name("redline")


def run(tmp: Path, *args: str, stdin: str | None = None, db: str = "redline.db") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "REDLINE_DATABASE_URL": f"sqlite:///{tmp / db}",
        "REDLINE_BLOB_DIR": str(tmp / "blobs"),
        "REDLINE_KEY_DIR": str(tmp / "keys"),
        "COLUMNS": "150",
    }
    return subprocess.run(
        [str(REDLINE), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_serve_refuses_an_unmigrated_database_and_names_the_fix(tmp_path: Path) -> None:
    result = run(tmp_path, "serve", "--port", "1")
    assert result.returncode == 2
    assert "redline db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_an_operator_migrates_creates_an_organisation_and_users(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    org = run(tmp_path, "orgs", "create", "--kind", "provider", "--name", "测试公司", "--location", "330106")
    assert org.returncode == 0, org.stderr
    created = run(
        tmp_path,
        "users",
        "create",
        "alice",
        "--role",
        "provider_admin",
        "--organisation",
        org.stdout.strip(),
        "--password-stdin",
        stdin="long-enough-pw-1\n",
    )
    assert created.returncode == 0, created.stderr
    weak = run(
        tmp_path,
        "users",
        "create",
        "bob",
        "--role",
        "cac_officer",
        "--jurisdiction",
        "330100",
        "--password-stdin",
        stdin="short\n",
    )
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr
    listed = run(tmp_path, "users", "list", "--json")
    assert [u["username"] for u in json.loads(listed.stdout)] == ["alice"]


def test_an_operator_deactivates_an_account_and_resets_a_password_ending_its_sessions(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    org = run(tmp_path, "orgs", "create", "--kind", "provider", "--name", "测试公司", "--location", "330106")
    assert (
        run(
            tmp_path,
            "users",
            "create",
            "alice",
            "--role",
            "provider_admin",
            "--organisation",
            org.stdout.strip(),
            "--password-stdin",
            stdin="long-enough-pw-1\n",
        ).returncode
        == 0
    )
    ctx = build_context(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'redline.db'}", blob_dir=tmp_path / "b", key_dir=tmp_path / "keys"
        )
    )
    session, _ = accounts.login(ctx, "alice", "long-enough-pw-1")
    common = run(tmp_path, "users", "set-password", "alice", "--password-stdin", stdin="password12\n")
    assert common.returncode == 2 and "attackers try first" in common.stderr
    reset = run(tmp_path, "users", "set-password", "alice", "--password-stdin", stdin="a-new-long-phrase-7\n")
    assert reset.returncode == 0 and "1 session(s)" in reset.stdout, reset.stderr
    assert accounts.session_principal(ctx, session) is None
    session, _ = accounts.login(ctx, "alice", "a-new-long-phrase-7")
    token = accounts.create_api_token(ctx, accounts.session_principal(ctx, session) or _fail(), "ci")
    off = run(tmp_path, "users", "deactivate", "alice")
    assert off.returncode == 0 and "2 session(s) and token(s)" in off.stdout, off.stdout
    assert accounts.session_principal(ctx, session) is None and accounts.token_principal(ctx, token) is None
    with pytest.raises(AuthenticationError):
        accounts.login(ctx, "alice", "a-new-long-phrase-7")
    assert run(tmp_path, "users", "activate", "alice").returncode == 0
    assert accounts.login(ctx, "alice", "a-new-long-phrase-7")[0]
    assert run(tmp_path, "users", "deactivate", "nobody").returncode == 2


def _fail() -> Principal:
    raise AssertionError("no principal")


def test_audit_verify_passes_on_the_demo_data_and_fails_on_a_tampered_copy(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    load_demo(
        build_context(
            Settings(
                database_url=f"sqlite:///{tmp_path / 'redline.db'}",
                blob_dir=tmp_path / "blobs",
                key_dir=tmp_path / "keys",
            )
        )
    )
    ok = run(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and "audit chain intact" in ok.stdout
    with sqlite3.connect(tmp_path / "redline.db") as source, sqlite3.connect(tmp_path / "tampered.db") as copy:
        source.backup(copy)  # a consistent copy, WAL included
    with sqlite3.connect(tmp_path / "tampered.db") as conn:
        conn.execute("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 42")
    broken = run(tmp_path, "audit", "verify", db="tampered.db")
    assert broken.returncode == 1
    assert "broken at entry 42" in broken.stderr and "edited" in broken.stderr


def test_an_operator_lists_and_revokes_a_users_api_tokens(tmp_path: Path) -> None:
    """Issue 15, B9: a leaked token is revoked by the operator with `redline tokens revoke`."""
    assert run(tmp_path, "db", "upgrade").returncode == 0
    ctx = build_context(Settings(database_url=f"sqlite:///{tmp_path / 'redline.db'}", blob_dir=tmp_path / "blobs"))
    from redline.domain.workflow import Role
    from redline.services.access import accounts

    accounts.create_user(ctx, accounts.NewUser("alice", "long-enough-pw-1", Role.PLATFORM_ADMIN))
    _, alice = accounts.login(ctx, "alice", "long-enough-pw-1")
    leaked, other = accounts.create_api_token(ctx, alice, "leaked"), accounts.create_api_token(ctx, alice, "other")
    listed = json.loads(run(tmp_path, "tokens", "list", "--user", "alice", "--json").stdout)
    assert [t["name"] for t in listed] == ["other", "leaked"] and {t["state"] for t in listed} == {"active"}
    assert all(leaked not in json.dumps(t) for t in listed)
    leaked_id = next(t["id"] for t in listed if t["name"] == "leaked")
    revoked = run(tmp_path, "tokens", "revoke", str(leaked_id))
    assert revoked.returncode == 0, revoked.stderr
    assert accounts.token_principal(ctx, leaked) is None and accounts.token_principal(ctx, other) == alice
    assert run(tmp_path, "tokens", "revoke", "--user", "alice").returncode == 0
    assert accounts.token_principal(ctx, other) is None
    missing = run(tmp_path, "tokens", "revoke", "999")
    assert missing.returncode == 2 and "no token 999" in missing.stderr and "Traceback" not in missing.stderr


def test_an_operator_lists_and_shows_background_jobs_and_an_unknown_id_is_named(tmp_path: Path) -> None:
    import datetime as dt

    from redline.store.models import Job

    assert run(tmp_path, "db", "upgrade").returncode == 0
    ctx = build_context(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'redline.db'}",
            blob_dir=tmp_path / "blobs",
            key_dir=tmp_path / "keys",
        )
    )
    created = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    with ctx.uow() as uow:
        for kind, state in (("pdf_report", "done"), ("reminders", "failed")):
            uow.session.add(
                Job(
                    kind=kind,
                    state=state,
                    args={"filing_id": 7},
                    result={},
                    error="" if state == "done" else "smtp down",
                    created_at=created,
                    progress_done=2,
                    progress_total=3,
                )
            )
        uow.commit()

    listed = run(tmp_path, "jobs", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["kind"], r["state"]) for r in rows] == [(2, "reminders", "failed"), (1, "pdf_report", "done")]
    assert rows[0]["progress"] == "2/3" and rows[0]["error"] == "smtp down"
    assert rows[0]["created_at"].startswith("2026-12-07T09:30") and rows[0]["args"] == {"filing_id": 7}

    only_done = json.loads(run(tmp_path, "jobs", "list", "--state", "done", "--json").stdout)
    assert [r["id"] for r in only_done] == [1]

    shown = run(tmp_path, "jobs", "show", "2", "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["kind"] == "reminders"
    # a person reads words: the kind, the state and what the job was asked, never the stored field names
    told = run(tmp_path, "jobs", "show", "2", "--lang", "en")
    assert told.returncode == 0, told.stderr
    for words in ("Deadline reminders", "Failed", "smtp down", "Filing", "7", "2/3"):
        assert words in told.stdout, (words, told.stdout)
    assert "filing_id" not in told.stdout and "reminders" not in told.stdout.replace("Deadline reminders", "")

    missing = run(tmp_path, "jobs", "show", "99")
    assert missing.returncode == 2 and "no job 99" in missing.stderr and "Traceback" not in missing.stderr
