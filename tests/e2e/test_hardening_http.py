"""Issue 15, the "Also" list, over real HTTP: HSTS in production, bidirectional-control characters refused
in uploaded file names, size limits on free text (a clear 422), and a provider in a shared campaign seeing
only its own counts. And B12: error texts name nothing outside the caller's reach."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Environment, Settings
from redline.demo.seed import DEMO_PASSWORD
from redline.services.background import jobs
from redline.store.migrate import upgrade
from redline.store.models import Campaign, Filing
from tests.e2e.conftest import Live, serving


def test_production_pages_and_errors_send_hsts_and_development_does_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/redline.db"
    upgrade(url)
    production = Settings(env=Environment.PRODUCTION, database_url=url, blob_dir=tmp_path / "blobs")
    with serving(build_context(production)) as base:
        for path in ("/login", "/api/v1/health", "/api/v1/me"):
            hsts = httpx.get(base + path).headers.get("strict-transport-security", "")
            assert hsts.startswith("max-age=31536000"), path
    with serving(build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs"))) as base:
        assert "strict-transport-security" not in httpx.get(base + "/login").headers


# ---- bidirectional controls in file names ---------------------------------------------------------

RLO_NAME = "invoice\u202etxt.exe"  # shows as "invoiceexe.txt"


def _hz(live: Live) -> tuple[int, int]:
    """A 杭州 draft filing of hz-admin, and the Zhejiang campaign (shared by 杭州 and 宁波 providers)."""
    with live.ctx.reader() as uow:
        draft = uow.session.scalars(
            select(Filing.id).where(Filing.region.startswith("3301"), Filing.state == "draft")
        ).first()
        shared = uow.session.scalars(select(Campaign.id).where(Campaign.region == "330000")).first()
    assert draft is not None and shared is not None
    return draft, shared


def test_an_evidence_file_name_with_a_right_to_left_override_is_refused(live: Live) -> None:
    draft, _ = _hz(live)
    response = live.api("hz-admin").post(
        f"/api/v1/filings/{draft}/evidence", files={"file": (RLO_NAME, b"plain text evidence\n", "text/plain")}
    )
    assert response.status_code == 422, response.text
    assert "U+202E" in response.json()["detail"] and "\u202e" not in response.text


def test_a_campaign_sample_name_with_bidi_controls_is_refused_plain_or_zipped(live: Live) -> None:
    _, shared = _hz(live)
    org = live.api("hz-admin").get("/api/v1/me").json()["organisation_id"]
    plain = live.api("hz-admin").post(
        f"/api/v1/campaigns/{shared}/samples",
        data={"provider_id": str(org), "kind": "text"},
        files=[("files", ("a\u2067b.txt", "测试\n".encode()))],
    )
    assert plain.status_code == 422, plain.text
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(f"batch/{RLO_NAME}", "测试\n")
    zipped = live.api("hz-admin").post(
        f"/api/v1/campaigns/{shared}/samples",
        data={"provider_id": str(org), "kind": "text"},
        files=[("files", ("batch.zip", buffer.getvalue()))],
    )
    assert zipped.status_code == 422, zipped.text
    assert "\u202e" not in zipped.text


# ---- size limits on free text ------------------------------------------------------------------------


def test_an_oversized_free_text_field_is_a_clear_422_in_the_api_and_the_forms(live: Live) -> None:
    huge = "长" * 20_001
    api = live.api("hz-cac").post("/api/v1/notices", json={"service_id": 1, "reference": "x", "note": huge})
    assert api.status_code == 422 and api.json()["errors"][0]["field"].endswith("note")
    client = httpx.Client(base_url=live.url, timeout=30, follow_redirects=False)
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"username": "hz-admin", "password": DEMO_PASSWORD, "csrf_token": csrf})
    csrf = client.get("/provider").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = client.post("/services", data={"csrf_token": csrf, "name": "x", "description": huge})
    assert form.status_code == 422
    assert "20000" in form.text


# ---- a provider in a shared campaign sees only its own counts ------------------------------------


def test_a_provider_in_a_shared_campaign_sees_no_campaign_wide_counts_or_other_providers(live: Live) -> None:
    _, shared = _hz(live)
    officer = live.api("zj-cac")
    started = officer.post(f"/api/v1/campaigns/{shared}/runs", json={})
    assert started.status_code == 202, started.text
    for run in started.json()["runs"]:
        assert jobs.wait(live.ctx, run["job_id"], 120).state == "done"
    everything = officer.get(f"/api/v1/campaigns/{shared}").json()
    assert everything["runs"] and len({p["id"] for p in everything["providers"]}) >= 2
    mine = live.api("hz-admin").get("/api/v1/me").json()["organisation_id"]
    seen = live.api("hz-admin").get(f"/api/v1/campaigns/{shared}").json()
    assert [p["id"] for p in seen["providers"]] == [mine]
    assert seen["runs"] == []  # run counts (files done / failed) cover every provider's samples
    assert set(seen["campaign"]["provider_ids"]) <= {mine}
    listed = next(c for c in live.api("hz-admin").get("/api/v1/campaigns").json() if c["id"] == shared)
    assert set(listed["provider_ids"]) <= {mine}
    page = live.browser_login("hz-admin").get(f"/campaigns/{shared}")
    assert page.status_code == 200 and 'id="run-table"' not in page.text
