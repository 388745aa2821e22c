"""B8 as an operator and a regulator see it: `redline audit verify` after a resealed report and a recomputed
chain exits 1 naming the report and checkpoint; an exported checkpoint file still finds it after the attacker
rewrites the checkpoints table and the key files without the platform key."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from redline.bootstrap import build_context
from redline.config import Settings
from redline.store.migrate import upgrade
from tests.integration.test_checkpoints import reseal_and_rechain, submitted_filing

REDLINE = Path(sys.executable).with_name("redline")


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "REDLINE_DATABASE_URL": f"sqlite:///{tmp / 'redline.db'}",
        "REDLINE_BLOB_DIR": str(tmp / "blobs"),
        "REDLINE_KEY_DIR": str(tmp / "keys"),
        "COLUMNS": "200",
    }
    return subprocess.run([str(REDLINE), *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def test_audit_verify_fails_on_a_resealed_report_and_a_witness_copy_survives_a_rewritten_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'redline.db'}"
    upgrade(url)
    fid = submitted_filing(
        build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    )
    ok = run(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and "audit chain intact" in ok.stdout and "1 checkpoint" in ok.stdout, ok.stderr
    exported = run(tmp_path, "audit", "checkpoints", "export", "-o", str(tmp_path / "witness.jsonl"))
    assert exported.returncode == 0, exported.stderr
    assert run(tmp_path, "audit", "checkpoints", "verify", str(tmp_path / "witness.jsonl")).returncode == 0

    reseal_and_rechain(url, fid)
    broken = run(tmp_path, "audit", "verify")
    assert broken.returncode == 1, broken.stdout
    assert f"filing {fid}" in broken.stderr and "checkpoint 1" in broken.stderr and "Traceback" not in broken.stderr

    with sqlite3.connect(tmp_path / "redline.db") as conn:  # no key: drop the checkpoints, replace the key files
        conn.execute("DELETE FROM audit_checkpoints")
    for name in ("platform-checkpoint.key", "platform-checkpoint.pub"):
        (tmp_path / "keys" / name).unlink()
    assert run(tmp_path, "audit", "checkpoint").returncode == 0
    assert run(tmp_path, "audit", "verify").returncode == 0  # the database alone now agrees with itself
    witness = run(tmp_path, "audit", "checkpoints", "verify", str(tmp_path / "witness.jsonl"))
    assert witness.returncode == 1
    assert "checkpoint 1" in witness.stderr and f"filing {fid}" in witness.stderr


def test_exported_checkpoints_are_json_lines_and_a_bad_file_is_a_user_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'redline.db'}"
    upgrade(url)
    submitted_filing(build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys")))
    assert run(tmp_path, "audit", "checkpoint").returncode == 0
    assert run(tmp_path, "audit", "checkpoints", "export", "-o", str(tmp_path / "c.jsonl")).returncode == 0
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["body"]["seq"] for line in lines] == [1, 2]
    (tmp_path / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    bad = run(tmp_path, "audit", "checkpoints", "verify", str(tmp_path / "bad.jsonl"))
    assert bad.returncode == 2 and "line 1" in bad.stderr
    missing = run(tmp_path, "audit", "checkpoints", "verify", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2
