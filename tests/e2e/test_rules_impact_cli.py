"""`redline rules impact` from the terminal, on the demo installation, against a rulebook changed in a
temporary directory (an article renumbered, a deadline changed, a checklist item added)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.store.migrate import upgrade
from tests.e2e.test_platform_cli import run
from tests.rulebook_changes import changed_rulebook


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("impact-cli")
    url = f"sqlite:///{tmp / 'redline.db'}"
    upgrade(url)
    load_demo(build_context(Settings(database_url=url, blob_dir=tmp / "blobs")))
    return tmp, changed_rulebook(tmp)


def _impact(demo: tuple[Path, Path], user: str, *more: str) -> dict[str, object]:
    tmp, changed = demo
    done = run(tmp, "rules", "impact", "--as", user, "--new", str(changed), "--json", *more)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_regulator_lists_the_touched_services_of_its_jurisdiction_only(demo: tuple[Path, Path]) -> None:
    zhejiang = _impact(demo, "zj-cac")
    shenzhen = _impact(demo, "sz-cac")
    zj_filings = {f["filing_id"] for s in zhejiang["services"] for f in s["filings"]}  # type: ignore[attr-defined]
    sz_filings = {f["filing_id"] for s in shenzhen["services"] for f in s["filings"]}  # type: ignore[attr-defined]
    assert zj_filings and not zj_filings & sz_filings
    kinds = {r["kind"] for s in zhejiang["services"] for f in s["filings"] for r in f["reasons"]}  # type: ignore[attr-defined]
    assert "item_added" in kinds
    assert zhejiang["unknown"] == 0


def test_the_installed_rulebook_touches_nothing(demo: tuple[Path, Path]) -> None:
    tmp, _changed = demo
    done = run(tmp, "rules", "impact", "--as", "zj-cac", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["services"] == []


def test_the_list_reads_in_chinese_or_english_without_ids(demo: tuple[Path, Path]) -> None:
    tmp, changed = demo
    zh = run(tmp, "rules", "impact", "--as", "zj-cac", "--new", str(changed))
    assert zh.returncode == 0 and "建议重新评估" in zh.stdout and "新增检查项" in zh.stdout
    en = run(tmp, "rules", "impact", "--as", "zj-cac", "--new", str(changed), "--lang", "en")
    assert "Re-assessment advised" in en.stdout and "Checklist item added" in en.stdout
    assert "sa2018-5-1-incident-drill" not in zh.stdout + en.stdout


def test_an_unknown_account_is_a_user_error(demo: tuple[Path, Path]) -> None:
    tmp, _changed = demo
    done = run(tmp, "rules", "impact", "--as", "nobody")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_the_rulebooks_kept_are_listed_and_a_kept_one_compares_with_a_directory(demo: tuple[Path, Path]) -> None:
    tmp, changed = demo
    kept = run(tmp, "rules", "versions", "--json")
    assert kept.returncode == 0, kept.stderr
    (only,) = json.loads(kept.stdout)
    assert only["current"] is True and only["label"]
    done = run(tmp, "rules", "diff", f"recorded:{only['label']}", str(changed), "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["old"]["version"] == only["digest"]
    assert {"article_renumbered", "trigger_deadline", "item_added"} <= {c["kind"] for c in payload["changes"]}
    missing = run(tmp, "rules", "diff", "recorded:1999.1", "installed")
    assert missing.returncode == 2 and "1999.1" in missing.stderr
