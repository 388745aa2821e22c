"""`redline campaign` as a regulator runs it on the demo data: create, samples, run, findings, act."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.patrol import write_sample_tree
from redline.demo.seed import load_demo
from redline.store.migrate import upgrade
from redline.store.models import Filing, Organisation, RectificationItem, Summons
from tests.e2e.test_platform_cli import run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("campaign-cli")
    url = f"sqlite:///{tmp / 'redline.db'}"
    upgrade(url)
    load_demo(build_context(Settings(database_url=url, blob_dir=tmp / "blobs")))
    return tmp


def _ids(tmp: Path) -> dict[str, int]:
    ctx = build_context(Settings(database_url=f"sqlite:///{tmp / 'redline.db'}", blob_dir=tmp / "blobs"))
    with ctx.reader() as uow:
        orgs = {o.name: o.id for o in uow.session.scalars(select(Organisation))}
    return {
        "hz": next(v for k, v in orgs.items() if "杭州声浪" in k),
        "nb": next(v for k, v in orgs.items() if "宁波甬城圈" in k),
    }


def test_a_regulator_runs_a_campaign_from_the_terminal_and_its_findings_become_orders(demo: Path) -> None:
    ids = _ids(demo)
    today = dt.date.today()
    created = run(
        demo,
        "campaign",
        "create",
        "--as",
        "zj-cac",
        "--name",
        "命令行巡查",
        "--region",
        "330000",
        "--basis",
        "sa2018:5(3)",
        "--basis",
        "ailabel2025",
        "--probe",
        "aigc-label",
        "--probe",
        "log-retention",
        "--option",
        f"log-retention:assessment_date={today}",
        "--start",
        str(today),
        "--end",
        str(today + dt.timedelta(days=30)),
    )
    assert created.returncode == 0, created.stderr
    cid = created.stdout.strip()
    for key, provider in ids.items():
        tree = write_sample_tree(demo / f"samples-{key}", provider, today)
        if key == "hz":  # media for the label probe from one provider is enough here
            added = run(
                demo,
                "campaign",
                "samples",
                "add",
                cid,
                "--as",
                "zj-cac",
                "--provider",
                str(provider),
                str(tree / "file"),
            )
            assert added.returncode == 0, added.stderr
            count = len([f for f in (tree / "file").rglob("*") if f.is_file()])
            assert added.stdout.strip() == f"已向巡查活动 {cid} 添加样本 {count} 个", added.stdout  # zh-CN by default
        logs = run(
            demo,
            "campaign",
            "samples",
            "add",
            cid,
            "--as",
            "zj-cac",
            "--provider",
            str(provider),
            "--kind",
            "log",
            "--lang",
            "en",
            str(tree / "log" / "access.log"),
        )
        assert logs.returncode == 0 and logs.stdout.strip() == f"Added 1 sample(s) to campaign {cid}", logs.stderr
    ran = run(demo, "campaign", "run", cid, "--as", "zj-cac", "--json")
    assert ran.returncode == 0, ran.stderr
    results = json.loads(ran.stdout)
    assert [r["probe"] for r in results] == ["aigc-label", "log-retention"] and all(r["findings"] for r in results)
    assert results[0]["files"] >= 4 and results[1]["files"] == 2  # hz's media; one log per provider
    shown = json.loads(run(demo, "campaign", "show", cid, "--as", "zj-cac", "--json").stdout)
    assert {p["id"] for p in shown["providers"]} == set(ids.values())
    assert all(r["state"] == "done" for r in shown["runs"]) and shown["by_severity"]
    rows = json.loads(run(demo, "campaign", "findings", cid, "--as", "zj-cac", "--json").stdout)
    label = next(f for f in rows if f["provider_id"] == ids["hz"] and f["probe"] == "aigc-label")
    log = next(f for f in rows if f["provider_id"] == ids["nb"] and f["probe"] == "log-retention")

    summons = run(demo, "campaign", "act", str(label["id"]), "--as", "zj-cac", "--action", "summons", "--json")
    assert summons.returncode == 0 and json.loads(summons.stdout)["action"] == "summons", summons.stderr
    unchosen = run(
        demo, "campaign", "act", str(log["id"]), "--as", "zj-cac", "--action", "rectification", "--lang", "en"
    )
    assert unchosen.returncode == 2 and "filing_id" in unchosen.stderr  # never a filing picked for the officer
    chosen = re.search(r"--filing (\d+): [^;]*\(Under review\)", unchosen.stderr)
    assert chosen is not None, unchosen.stderr  # the choices are listed, by title and state
    order = run(
        demo,
        "campaign",
        "act",
        str(log["id"]),
        "--as",
        "zj-cac",
        "--action",
        "rectification",
        "--filing",
        chosen.group(1),
        "--due",
        str(today + dt.timedelta(days=20)),
        "--json",
    )
    assert order.returncode == 0, order.stderr
    ctx = build_context(Settings(database_url=f"sqlite:///{demo / 'redline.db'}", blob_dir=demo / "blobs"))
    with ctx.reader() as uow:
        record = uow.session.get(Summons, json.loads(summons.stdout)["ref"])
        filing_id = json.loads(order.stdout)["filing_id"]
        filing = uow.session.get(Filing, filing_id)
        item = uow.session.scalars(
            select(RectificationItem)
            .where(RectificationItem.filing_id == filing_id)
            .order_by(RectificationItem.id.desc())
        ).first()
    assert record is not None and label["sample_sha256"] in record.problems and "aigc-label@0.1.0" in record.problems
    assert filing is not None and filing.state == "rectification_ordered" and filing.provider_id == ids["nb"]
    assert item is not None and "log-retention@0.1.0" in item.text and log["message"] in item.text
    again = run(
        demo,
        "campaign",
        "act",
        str(log["id"]),
        "--as",
        "zj-cac",
        "--action",
        "rectification",
        "--filing",
        chosen.group(1),
    )
    assert again.returncode == 2 and "already acted on" in again.stderr


def test_bad_input_exits_2_naming_the_field_or_file(demo: Path, tmp_path: Path) -> None:
    bad_basis = run(
        demo,
        "campaign",
        "create",
        "--as",
        "hz-cac",
        "--name",
        "x",
        "--region",
        "330100",
        "--basis",
        "sa2018:99",
        "--probe",
        "aigc-label",
        "--start",
        "2026-01-01",
        "--end",
        "2026-02-01",
    )
    assert bad_basis.returncode == 2 and "basis.0" in bad_basis.stderr and "Traceback" not in bad_basis.stderr
    outsider = run(demo, "campaign", "show", "1", "--as", "sz-cac")
    assert outsider.returncode == 2 and "no campaign 1" in outsider.stderr
    archive = tmp_path / "evil.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../escape.txt", "x")
    archive.write_bytes(buffer.getvalue())
    refused = run(
        demo, "campaign", "samples", "add", "1", "--as", "hz-cac", "--provider", str(_ids(demo)["hz"]), str(archive)
    )
    assert refused.returncode == 2 and "unsafe member path" in refused.stderr and "evil.zip" in refused.stderr
