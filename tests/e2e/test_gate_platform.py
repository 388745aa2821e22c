"""`redline gate` against a live platform: fails without a filing, warns while submitted, passes once
accepted. Real server on loopback (SQLite and PostgreSQL), real API tokens, the real CLI process."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from redline.cli.gate import _plain_http_off_host
from redline.cli.main import main
from redline.store.models import Service
from tests.e2e.conftest import Live
from tests.e2e.test_cli import redline

Write = Callable[[str, str], Path]

MANIFEST = """\
provider:
  name: 杭州声浪网络科技有限公司（虚构）
  location: "330106"
service:
  name: 声浪 Gate
  capabilities: [group_chat, voice_chat_room]
  monthly_active_users: 5000
"""


@pytest.fixture(scope="module")
def service_id(live: Live) -> int:
    response = live.api("hz-admin").post(
        "/api/v1/services",
        json={"service": {"name": "声浪 Gate", "capabilities": ["group_chat"], "monthly_active_users": 5000}},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _gate(
    live: Live, manifest: Path, service: int, *extra: str, user: str = "hz-admin"
) -> subprocess.CompletedProcess[str]:
    """The real `redline` process, as a CI job runs it."""
    return redline(
        "gate",
        manifest,
        "--platform",
        live.url,
        "--token",
        live.tokens[user],
        "--service",
        str(service),
        "--json",
        *extra,
    )


def _gate_here(
    capsys: pytest.CaptureFixture[str], live: Live, manifest: Path, service: int, *extra: str, user: str = "hz-admin"
) -> subprocess.CompletedProcess[str]:
    """The same command in this process (same code path, still real HTTP), to keep the test short."""
    capsys.readouterr()
    code = main(
        [
            "gate",
            str(manifest),
            "--platform",
            live.url,
            "--token",
            live.tokens[user],
            "--service",
            str(service),
            "--json",
            *extra,
        ]
    )
    captured = capsys.readouterr()
    return subprocess.CompletedProcess([], code, captured.out, captured.err)


def _act(live: Live, user: str, filing_id: int, action: str) -> None:
    response = live.api(user).post(f"/api/v1/filings/{filing_id}/actions/{action}", json={"note": ""})
    assert response.status_code == 200, response.text


def _verdict(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert "Traceback" not in result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_gate_fails_without_a_filing_and_passes_once_the_filing_is_accepted(
    live: Live, service_id: int, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write("service.yaml", MANIFEST)
    release = (live.ctx.today() + dt.timedelta(days=20)).isoformat()

    result = _gate(live, manifest, service_id, "--date", release)
    data = _verdict(result)
    assert result.returncode == 1, result.stderr
    assert data["baseline"]["basis"] == "registered" and data["baseline"]["capabilities"] == ["group_chat"]
    (ob,) = [o for o in data["obligations"] if o["gating"]]
    assert ob["trigger_id"] == "sa2018-3-1" and ob["coverage"] == "missing" and ob["due"]["date"] == release
    assert ob["articles"][0]["cite"] == "sa2018:3(1)"

    provider = live.api("hz-admin")
    opened = provider.post(
        "/api/v1/filings",
        json={
            "service_id": service_id,
            "change": {
                "kind": "add_capability",
                "date": release,
                "capabilities": ["voice_chat_room"],
                "description": "新增语音聊天室",
            },
        },
    )
    assert opened.status_code == 201, opened.text
    fid = int(opened.json()["id"])
    draft = _verdict(_gate_here(capsys, live, manifest, service_id, "--date", release))
    assert draft["passed"] is False and draft["obligations"][0]["filing"] == {"id": fid, "state": "draft"}

    items = provider.get(f"/api/v1/filings/{fid}").json()["checklist_items"]
    saved = provider.put(f"/api/v1/filings/{fid}/answers", json={"answers": {i: {"status": "met"} for i in items}})
    assert saved.status_code == 200, saved.text
    _act(live, "hz-admin", fid, "submit")
    submitted = _gate_here(capsys, live, manifest, service_id, "--date", release)
    assert submitted.returncode == 0, submitted.stderr
    data = _verdict(submitted)
    assert data["obligations"][0]["coverage"] == "pending"
    assert any(f"#{fid}" in w["en"] and "not yet accepted" in w["en"] for w in data["warnings"])
    strict = _gate_here(capsys, live, manifest, service_id, "--date", release, "--require-accepted")
    assert strict.returncode == 1 and "not accepted" in strict.stderr

    _act(live, "hz-cac", fid, "start_review")
    _act(live, "hz-cac", fid, "accept")
    cac_only = _gate(live, manifest, service_id, "--date", release, "--require-accepted")
    assert cac_only.returncode == 1, cac_only.stdout  # accepted means accepted by both authorities (ADR 0005)
    _act(live, "hz-mps", fid, "start_review")
    _act(live, "hz-mps", fid, "accept")
    accepted = _gate(live, manifest, service_id, "--date", release, "--require-accepted")
    assert accepted.returncode == 0, accepted.stderr
    data = _verdict(accepted)
    assert data["baseline"]["basis"] == "accepted_filing" and data["baseline"]["filing_id"] == fid
    assert set(data["baseline"]["capabilities"]) == {"group_chat", "voice_chat_room"}
    assert data["changes"] == [] and data["passed"] is True

    with live.ctx.uow() as uow:  # the registered profile drifts; the accepted report's snapshot does not
        row = uow.session.get(Service, service_id)
        assert row is not None
        row.profile = {**row.profile, "service": {**row.profile["service"], "capabilities": ["forum"]}}
        uow.commit()
    baseline = provider.get(f"/api/v1/services/{service_id}/gate-baseline").json()
    assert set(baseline["profile"]["capabilities"]) == {"group_chat", "voice_chat_room"}
    assert [(f["id"], f["state"], f["kind"]) for f in baseline["filings"]] == [(fid, "accepted", "add_capability")]


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("hz-admin", 200),
        ("hz-member", 200),
        ("nb-admin", 404),
        ("hz-cac", 404),
        ("zj-cac", 404),
        ("assessor", 404),
        ("admin", 404),
        (None, 401),
    ],
)
def test_only_the_providers_own_users_see_the_baseline(
    live: Live, service_id: int, user: str | None, status: int
) -> None:
    response = live.api(user).get(f"/api/v1/services/{service_id}/gate-baseline")
    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"] == "application/problem+json"


def test_a_refused_token_or_an_unknown_service_is_a_user_error(
    live: Live, service_id: int, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write("service.yaml", MANIFEST)
    other = _gate_here(capsys, live, manifest, service_id, user="nb-admin")
    assert other.returncode == 2 and f"no service {service_id} visible" in other.stderr
    forged = redline("gate", manifest, "--platform", live.url, "--token", "rl_forged", "--service", str(service_id))
    assert forged.returncode == 2 and "refused the token (401)" in forged.stderr, forged.stderr


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://platform.example.cn", True),
        ("http://10.2.3.4:8000", True),
        ("https://platform.example.cn", False),
        ("http://127.0.0.1:8000", False),
        ("http://localhost:8000", False),
        ("http://[::1]:8000", False),
    ],
)
def test_a_plain_http_platform_off_this_machine_is_warned_about(url: str, warned: bool) -> None:
    # the warning is decided before anything is sent; no test may send outside this machine
    assert _plain_http_off_host(url) is warned


def test_the_gate_against_a_loopback_platform_gives_no_http_warning(live: Live, service_id: int, write: Write) -> None:
    manifest = write("service.yaml", MANIFEST)
    local = redline("gate", manifest, "--platform", live.url, "--token", "rl_forged", "--service", str(service_id))
    assert local.returncode == 2 and "plain http" not in local.stderr
