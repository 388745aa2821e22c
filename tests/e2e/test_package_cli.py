"""`redline package export` at a provider's installation, `redline package import` at a regulator's."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services.access import accounts
from redline.services.filing import queries
from redline.store.migrate import upgrade

REDLINE = Path(sys.executable).with_name("redline")


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "REDLINE_DATABASE_URL": f"sqlite:///{db}",
        "REDLINE_BLOB_DIR": str(db.parent / "blobs"),
        "REDLINE_KEY_DIR": str(db.parent / "keys"),
        "COLUMNS": "150",
    }
    return subprocess.run(
        [str(REDLINE), *args], input=stdin, capture_output=True, text=True, env=env, timeout=180, check=False
    )


def test_a_signed_package_moves_from_the_provider_to_the_regulator(tmp_path: Path) -> None:
    provider_db, regulator_db = tmp_path / "provider" / "p.db", tmp_path / "regulator" / "r.db"
    provider_db.parent.mkdir()
    regulator_db.parent.mkdir()
    upgrade(f"sqlite:///{provider_db}")
    ctx = build_context(
        Settings(
            database_url=f"sqlite:///{provider_db}",
            blob_dir=provider_db.parent / "blobs",
            key_dir=provider_db.parent / "keys",
        )
    )
    load_demo(ctx)
    _, admin = accounts.login(ctx, "hz-admin", DEMO_PASSWORD)
    rows, _ = queries.list_filings(ctx, admin, queries.FilingFilter(limit=200))
    filing = next(f for f in rows if f.report is not None)
    keys = run(provider_db, "keys", "new", "--name", "shenglang", "-o", str(tmp_path))
    assert keys.returncode == 0, keys.stderr
    package = tmp_path / "filing.zip"
    exported = run(
        provider_db,
        "package",
        "export",
        str(filing.id),
        "-o",
        str(package),
        "--as",
        "hz-admin",
        "--key",
        str(tmp_path / "shenglang.key"),
    )
    assert exported.returncode == 0, exported.stderr
    assert run(regulator_db, "db", "upgrade").returncode == 0
    created = run(
        regulator_db,
        "users",
        "create",
        "hz-office",
        "--role",
        "cac_officer",
        "--jurisdiction",
        "330100",
        "--password-stdin",
        stdin="receiving-office-1\n",
    )
    assert created.returncode == 0, created.stderr
    unregistered = run(
        regulator_db,
        "package",
        "import",
        str(package),
        "--as",
        "hz-office",
        "--require-signature",
        "--trust",
        str(tmp_path / "shenglang.pub"),
    )
    assert unregistered.returncode == 1 and "不受信任 untrusted" in unregistered.stderr
    # the regulator's platform admin registers the provider's key to the provider and approves it
    assert (
        run(
            regulator_db, "orgs", "create", "--kind", "provider", "--name", "杭州声浪（虚构）", "--location", "330106"
        ).stdout.strip()
        == "1"
    )
    assert (
        run(
            regulator_db,
            "users",
            "create",
            "root",
            "--role",
            "platform_admin",
            "--password-stdin",
            stdin="platform-admin-1\n",
        ).returncode
        == 0
    )
    registered = run(
        regulator_db, "keys", "register", str(tmp_path / "shenglang.pub"), "--organisation", "1", "--as", "root"
    )
    assert registered.returncode == 0, registered.stderr
    key_id = registered.stdout.split()[2]
    assert run(regulator_db, "keys", "approve", key_id, "--as", "root").returncode == 0
    listed = run(regulator_db, "keys", "list", "--as", "root", "--json")
    assert '"status": "approved"' in listed.stdout and "杭州声浪（虚构）" in listed.stdout
    imported = run(
        regulator_db,
        "package",
        "import",
        str(package),
        "--as",
        "hz-office",
        "--require-signature",
        "--trust",
        str(tmp_path / "shenglang.pub"),
    )
    assert imported.returncode == 0, imported.stderr
    assert "imported as filing 1" in imported.stdout
    assert run(regulator_db, "audit", "verify").returncode == 0
    with zipfile.ZipFile(package) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["report.pdf"] = members["report.pdf"] + b"%"
    tampered = tmp_path / "tampered.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    tampered.write_bytes(buffer.getvalue())
    refused = run(regulator_db, "package", "import", str(tampered), "--as", "hz-office")
    assert refused.returncode == 1 and "report.pdf" in refused.stderr and "does not match" in refused.stderr
