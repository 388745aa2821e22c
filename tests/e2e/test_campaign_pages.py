"""Patrol campaigns over real HTTP on the demo data: pages and forms, the JSON API, and a browser run."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import httpx
from playwright.sync_api import Browser, expect

from redline.demo.patrol import sample_files
from tests.e2e.conftest import ARTIFACTS, Live
from tests.e2e.test_browser import login

PAGES_ONLY = True  # how pages look and read: SQLite only (tests/e2e/conftest.py `live`)


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files:
            zf.writestr(f"batch/{name}", data)
    return buffer.getvalue()


def _wait_done(client: httpx.Client, url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        page = client.get(url).text
        if 'data-state="queued"' not in page and 'data-state="running"' not in page:
            return page
        assert time.monotonic() < deadline, "runs did not finish"
        time.sleep(0.2)


def test_a_regulator_runs_a_campaign_from_the_pages_and_summons_the_provider(live: Live) -> None:
    client = live.browser_login("hz-cac")
    listing = client.get("/campaigns")
    assert listing.status_code == 200 and "杭州市生成式人工智能内容标识专项巡查（演示）" in listing.text
    today = dt.date.today()
    created = client.post(
        "/campaigns",
        data={
            "csrf_token": _csrf(listing.text),
            "name": "页面巡查",
            "region": "330100",
            "basis": "ailabel2025 sa2018:5(4)",
            "period_start": str(today),
            "period_end": str(today + dt.timedelta(days=10)),
            "probes": ["aigc-label", "content-screen"],
            "options": "aigc-label c2pa=false",
        },
    )
    assert created.status_code == 303, created.text
    url = created.headers["location"].split("?")[0]
    page = client.get(url).text
    hz = int(page.split('name="provider_id"', 1)[1].split('value="', 1)[1].split('"', 1)[0])
    samples = sample_files(hz, today)
    upload = client.post(
        f"{url}/samples",
        data={"csrf_token": _csrf(page), "provider_id": str(hz), "kind": "file"},
        files=[("files", (name, data)) for name, data in samples["file"][:2]]
        + [("files", ("batch.zip", _zip(samples["file"][2:])))],
    )
    assert upload.status_code == 303, upload.text
    texts = client.post(
        f"{url}/samples",
        data={"csrf_token": _csrf(page), "provider_id": str(hz), "kind": "text"},
        files=[("files", (name, data)) for name, data in samples["text"]],
    )
    assert texts.status_code == 303, texts.text
    started = client.post(f"{url}/runs", data={"csrf_token": _csrf(page)})
    assert started.status_code == 303
    page = _wait_done(client, url)
    assert page.count('data-state="done"') == 2 and "aigc-label@0.1.0" in page
    # the finding's words come from its code, in the page's language (zh-CN), not the probe's English message
    rows = page.split('<tr id="finding-', 1)[1]
    assert "未发现隐式标识" in rows and "no implicit label found" not in page
    assert "batch/" in page and page.count("<svg") >= 3
    by_kind = page.split('id="by-category"', 1)[1].split("</table>", 1)[0]
    assert "未发现隐式标识" in by_kind and "no implicit label found" not in by_kind  # the kind, in zh-CN
    finding = int(page.split('<tr id="finding-', 1)[1].split('"', 1)[0])
    acted = client.post(f"/campaign-findings/{finding}/actions", data={"csrf_token": _csrf(page), "action": "summons"})
    assert acted.status_code == 303 and acted.headers["location"].startswith("/summonses/")
    record = client.get(acted.headers["location"]).text
    assert "页面巡查" in record and "@0.1.0" in record and "SHA-256" in record

    provider = live.browser_login("hz-admin").get(url)
    assert provider.status_code == 200 and "finding-action" not in provider.text
    assert 'id="run-probes"' not in provider.text
    assert live.browser_login("sz-cac").get(url).status_code == 404
    assert live.browser_login("bj-admin").get(url).status_code == 404


def test_the_campaign_api_follows_the_same_rules(live: Live) -> None:
    officer = live.api("zj-cac")
    body = {
        "name": "接口巡查",
        "region": "330000",
        "basis": ["sa2018:5(3)"],
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "probes": [{"name": "content-screen"}],
    }
    bad = officer.post("/api/v1/campaigns", json={**body, "basis": ["sa2018:77"]})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "basis.0" in bad.text
    created = officer.post("/api/v1/campaigns", json=body)
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    assert live.api("hz-cac").get(f"/api/v1/campaigns/{cid}").status_code == 404  # 330000 is above 330100
    me = live.api("nb-admin").get("/api/v1/me").json()
    supplied = live.api("nb-admin").post(
        f"/api/v1/campaigns/{cid}/samples",
        data={"provider_id": str(me["organisation_id"]), "kind": "text"},
        files=[("files", ("评论.txt", "这里有测试违禁词。\n".encode()))],
    )
    assert supplied.status_code == 201, supplied.text
    evil = live.api("nb-admin").post(
        f"/api/v1/campaigns/{cid}/samples",
        data={"provider_id": str(me["organisation_id"]), "kind": "text"},
        files=[("files", ("x.zip", _zip([("../../up.txt", b"x")]).replace(b"batch/../../up.txt", b"../../../up.txt")))],
    )
    assert evil.status_code == 422 and "archive refused" in evil.text
    assert live.api("nb-admin").post(f"/api/v1/campaigns/{cid}/runs", json={}).status_code == 403
    started = officer.post(f"/api/v1/campaigns/{cid}/runs", json={})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 60
    while officer.get(f"/api/v1/campaigns/{cid}").json()["runs"][0]["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    found = officer.get(f"/api/v1/campaigns/{cid}/findings").json()
    assert found and {f["provider_id"] for f in found} == {me["organisation_id"]}
    assert live.api("hz-admin").get(f"/api/v1/campaigns/{cid}/findings").json() == []
    assert live.api("sz-admin").get(f"/api/v1/campaigns/{cid}/findings").status_code == 404
    done = officer.post(f"/api/v1/campaign-findings/{found[0]['id']}/actions", json={"action": "summons"})
    assert done.status_code == 201 and done.json()["action"] == "summons"
    assert live.api(None).get("/api/v1/campaigns").status_code == 401


def test_a_campaign_in_the_browser_create_upload_run_and_see_findings(
    browser: Browser, live: Live, tmp_path: object
) -> None:
    page = login(browser, live, "hz-cac")
    page.click("nav a[href='/campaigns']")
    expect(page.locator("h1")).to_contain_text("巡查")
    today = dt.date.today()
    page.fill("#new-campaign input[name=name]", "浏览器巡查")
    page.fill("#new-campaign input[name=basis]", "ailabel2025")
    page.fill("#new-campaign input[name=period_end]", str(today + dt.timedelta(days=5)))
    page.check("#new-campaign input[value='aigc-label']")
    with page.expect_navigation():
        page.click("#new-campaign button[type=submit]")
    expect(page.locator("h1")).to_contain_text("浏览器巡查")
    provider = page.locator("#upload-samples select[name=provider_id] option").first.get_attribute("value")
    assert provider is not None
    files = [
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
        for name, data in sample_files(int(provider), today)["file"]
    ]
    page.set_input_files("#upload-samples input[name=files]", files)  # type: ignore[arg-type]
    with page.expect_navigation():
        page.click("#upload-samples button[type=submit]")
    with page.expect_navigation():
        page.click("#run-probes button[type=submit]")
    deadline = time.monotonic() + 60
    while page.locator("#run-table tr[data-state=done]").count() < 1:
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.3)
        page.reload()
    expect(page.locator("table.findings").first).to_contain_text("未发现隐式标识")
    page.screenshot(path=str(ARTIFACTS / "campaign.png"), full_page=True)


def test_a_finding_becomes_an_order_only_in_a_filing_the_officer_chose_by_name(live: Live) -> None:
    """Issue 17: the form offers the provider's filings in the officer's jurisdiction by title and state; with none
    chosen the order is refused on the same form, in the page's language, and no filing is picked silently."""
    from sqlalchemy import select

    from redline.store.models import CampaignFinding, Filing

    officer = live.api("zj-cac")
    body = {
        "name": "整改巡查",
        "region": "330000",
        "basis": ["sa2018:5(3)"],
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "probes": [{"name": "content-screen"}],
    }
    cid = officer.post("/api/v1/campaigns", json=body).json()["id"]
    nb = live.api("nb-admin").get("/api/v1/me").json()["organisation_id"]
    sample = [("files", ("评论.txt", "这里有测试违禁词。\n".encode()))]
    supplied = live.api("nb-admin").post(
        f"/api/v1/campaigns/{cid}/samples", data={"provider_id": str(nb), "kind": "text"}, files=sample
    )
    assert supplied.status_code == 201, supplied.text
    assert officer.post(f"/api/v1/campaigns/{cid}/runs", json={}).status_code == 202
    browser = live.browser_login("zj-cac")
    page = _wait_done(browser, f"/campaigns/{cid}")
    finding = int(page.split('<tr id="finding-', 1)[1].split('"', 1)[0])
    with live.ctx.reader() as uow:
        filing = uow.session.scalars(
            select(Filing).where(Filing.provider_id == nb, Filing.state == "under_review")
        ).first()
        assert filing is not None
        filing_id, title = filing.id, filing.title
    form = page.split(f'action="/campaign-findings/{finding}/actions"', 1)[1].split("</form>", 1)[0]
    assert f'<option value="{filing_id}"' in form and f"{title} · 书面审查中</option>" in form

    refused = browser.post(
        f"/campaign-findings/{finding}/actions",
        data={"csrf_token": _csrf(page), "action": "rectification", "filing_id": "", "due": ""},
    )
    assert refused.status_code == 422
    again = refused.text.split(f'action="/campaign-findings/{finding}/actions"', 1)[1].split("</form>", 1)[0]
    assert 'role="alert"' in again and "请选择据以作出该决定的提供者案件" in again
    assert '<option value="rectification" selected>' in again
    with live.ctx.reader() as uow:
        assert uow.session.get(CampaignFinding, finding).action is None  # type: ignore[union-attr]
        assert uow.session.get(Filing, filing_id).state == "under_review"  # type: ignore[union-attr]

    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    done = browser.post(
        f"/campaign-findings/{finding}/actions",
        data={"csrf_token": _csrf(page), "action": "rectification", "filing_id": str(filing_id), "due": due},
    )
    assert done.status_code == 303 and done.headers["location"].startswith(f"/filings/{filing_id}")
    with live.ctx.reader() as uow:
        assert uow.session.get(Filing, filing_id).state == "rectification_ordered"  # type: ignore[union-attr]
