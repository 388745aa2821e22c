"""Issue 15 at the command line: B1 through `redline package import --as <regulator>`, and B15
(`redline report verify` on NaN or deeply nested JSON exits 2 with one line, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services.access import accounts
from redline.services.filing import queries
from redline.services.packages.packages import export_package
from redline.store.migrate import upgrade
from tests.e2e.test_package_cli import run
from tests.integration.test_package_attacks import claim, reseal, unzip


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A demo installation (its database file) and the submission package of one 杭州 filing."""
    db = tmp_path_factory.mktemp("cli") / "r.db"
    upgrade(f"sqlite:///{db}")
    ctx = build_context(Settings(database_url=f"sqlite:///{db}", blob_dir=db.parent / "blobs"))
    load_demo(ctx)
    _, provider = accounts.login(ctx, "hz-admin", DEMO_PASSWORD)
    rows, _ = queries.list_filings(ctx, provider, queries.FilingFilter(limit=200))
    filing = next(f for f in rows if f.report is not None and queries.get_filing(ctx, provider, f.id).evidence)
    return db, export_package(ctx, provider, filing.id, with_pdf=False).data


def test_the_regulator_route_refuses_a_package_claiming_etc_passwd(
    installation: tuple[Path, bytes], tmp_path: Path
) -> None:
    db, package = installation
    attack = tmp_path / "attack.zip"
    attack.write_bytes(
        reseal(unzip(package), edit_manifest=claim({"name": "x", "sha256": "/etc/passwd", "included": False}))
    )
    result = run(db, "package", "import", str(attack), "--as", "hz-cac")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "manifest.evidence.1.sha256" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_provider_account_cannot_import_at_all(installation: tuple[Path, bytes], tmp_path: Path) -> None:
    db, package = installation
    path = tmp_path / "p.zip"
    path.write_bytes(package)
    result = run(db, "package", "import", str(path), "--as", "hz-admin")
    assert result.returncode == 2 and "only a CAC or public-security officer" in result.stderr


@pytest.mark.parametrize("poison", ["NaN", "Infinity", "1e400", "[" * 100_000 + "]" * 100_000])
def test_report_verify_on_nan_or_deep_json_exits_2_with_one_line(
    installation: tuple[Path, bytes], tmp_path: Path, poison: str
) -> None:
    db, package = installation
    report = json.loads(unzip(package)["report.json"])
    text = json.dumps(report, ensure_ascii=False).replace("{", '{"x": ' + poison + ", ", 1)
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    result = run(db, "report", "verify", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert str(path) in result.stderr
