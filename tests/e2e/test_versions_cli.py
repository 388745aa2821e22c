"""`redline versions list|show|diff` and `redline package export --version`, from the terminal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.services.access import accounts
from redline.services.filing import filings, queries, review
from redline.store.migrate import upgrade
from tests.e2e.test_package_cli import run

PASSWORD = "correct-horse-42"


def _resubmitted(db: Path) -> int:
    url = f"sqlite:///{db}"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=db.parent / "blobs", key_dir=db.parent / "keys"))
    ctx = dataclasses.replace(ctx, today=lambda: dt.date(2026, 3, 2))
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("hz-admin", PASSWORD, Role.PROVIDER_ADMIN, "hz", org))
    accounts.create_user(ctx, accounts.NewUser("hz-cac", PASSWORD, Role.CAC_OFFICER, "cac", None, "330100"))
    accounts.create_user(ctx, accounts.NewUser("sz-cac", PASSWORD, Role.CAC_OFFICER, "sz", None, "440300"))
    provider, cac = accounts.login(ctx, "hz-admin", PASSWORD)[1], accounts.login(ctx, "hz-cac", PASSWORD)[1]
    service = filings.add_service(ctx, provider, {"service": {"name": "声浪", "capabilities": ["voice_chat_room"]}})
    fid = filings.record_change(
        ctx,
        provider,
        service,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    items = queries.get_filing(ctx, provider, fid).items
    filings.save_answers(ctx, provider, fid, {i: {"status": "met"} for i in items})
    review.act(ctx, provider, fid, Action.SUBMIT)
    review.act(ctx, cac, fid, Action.START_REVIEW)
    review.act(ctx, cac, fid, Action.REQUEST_SUPPLEMENT, "补充", {"due": dt.date(2026, 3, 13)})
    filings.save_answers(ctx, provider, fid, {items[0]: {"status": "partly_met", "reason": "夜间审核人手不足"}})
    review.act(ctx, provider, fid, Action.SUBMIT)
    return fid


@pytest.fixture(scope="module")
def resubmitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    db = tmp_path_factory.mktemp("versions-cli") / "r.db"
    return db, _resubmitted(db)


def _digests(db: Path, fid: int) -> list[str]:
    listed = run(db, "versions", "list", str(fid), "--as", "hz-cac", "--json")
    assert listed.returncode == 0, listed.stderr
    versions = json.loads(listed.stdout)
    assert [(v["number"], v["latest"]) for v in versions] == [(1, False), (2, True)]
    return [v["digest"] for v in versions]


def test_the_terminal_lists_the_versions_and_shows_the_first_as_sealed(
    resubmitted: tuple[Path, int], tmp_path: Path
) -> None:
    db, fid = resubmitted
    digests = _digests(db, fid)
    shown = run(db, "versions", "show", str(fid), "1", "--as", "hz-admin", "-o", str(tmp_path / "v1.json"))
    assert shown.returncode == 0, shown.stderr
    assert json.loads((tmp_path / "v1.json").read_text(encoding="utf-8"))["seal"]["digest"] == digests[0]


def test_the_terminal_diff_reads_in_both_languages(resubmitted: tuple[Path, int]) -> None:
    db, fid = resubmitted
    zh = run(db, "versions", "diff", str(fid), "1", "2", "--as", "hz-cac")
    assert zh.returncode == 0, zh.stderr
    assert "回答变更" in zh.stdout and "部分符合" in zh.stdout and "夜间审核人手不足" in zh.stdout
    en = run(db, "versions", "diff", str(fid), "1", "2", "--as", "hz-cac", "--lang", "en")
    assert "Answer changed" in en.stdout and "Partly met" in en.stdout


def test_an_earlier_version_exports_as_its_own_package(resubmitted: tuple[Path, int], tmp_path: Path) -> None:
    db, fid = resubmitted
    package = tmp_path / "v1.zip"
    exported = run(db, "package", "export", str(fid), "--version", "1", "-o", str(package), "--as", "hz-admin")
    assert exported.returncode == 0, exported.stderr
    shown = run(db, "versions", "show", str(fid), "1", "--as", "hz-admin")
    with zipfile.ZipFile(package) as zf:
        assert json.loads(zf.read("manifest.json"))["report_sha256"] == json.loads(shown.stdout)["seal"]["digest"]


def test_a_bad_version_and_an_outsider_are_user_errors(resubmitted: tuple[Path, int]) -> None:
    db, fid = resubmitted
    bad = run(db, "versions", "diff", str(fid), "0", "2", "--as", "hz-cac")
    assert bad.returncode == 2 and "version" in bad.stderr and "Traceback" not in bad.stderr
    outsider = run(db, "versions", "list", str(fid), "--as", "sz-cac")
    assert outsider.returncode == 2 and f"no filing {fid}" in outsider.stderr
