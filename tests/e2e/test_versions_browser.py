"""Issue 17 (3, 6) in Debian's Chromium and over the API: a supplement, a resubmission with a changed answer
and a new finding, the two versions and their diff in both languages, and the deadlines kept apart."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, Live
from tests.e2e.test_browser import act, answer_all_met, login, new_filing

PAGES_ONLY = True  # how pages look and read: SQLite only (tests/e2e/conftest.py `live`)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"versions-{name}.png"), full_page=True)


def test_a_resubmission_shows_two_versions_a_readable_diff_and_separate_deadlines(browser: Browser, live: Live) -> None:
    provider = login(browser, live, "hz-admin")
    filing_url, filing_id = new_filing(provider, live, "新增话题论坛（版本测试）")
    answer_all_met(provider)
    act(provider, "submit")
    statutory = provider.locator("#deadlines tr[data-kind=statutory] td").nth(1).inner_text()

    officer = login(browser, live, "hz-cac")
    officer.goto(filing_url)
    act(officer, "start_review")
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    form = officer.locator("form[data-action=request_supplement]")
    form.locator("input[name=due]").fill(due)
    form.locator("input[name=note]").fill("请补充夜间审核排班")
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(officer.locator("#deadlines tr[data-kind=supplement]")).to_have_attribute("data-clock", "running")
    expect(officer.locator("#deadlines tr[data-kind=supplement]")).to_contain_text("个工作日")
    assert officer.locator("#deadlines tr[data-kind=statutory] td").nth(1).inner_text() == statutory
    shot(officer, "1-supplement-requested")

    provider.goto(filing_url)
    first = provider.locator("select[name^='status:']").first
    item_id = (first.get_attribute("name") or "").split(":", 1)[1]
    first.select_option("partly_met")
    provider.fill(f"[name='reason:{item_id}']", "夜间审核人手不足")
    provider.select_option(f"select[name='fsev:{item_id}:0']", "medium")
    provider.fill(f"input[name='ftext:{item_id}:0']", "夜班无人值守")
    with provider.expect_navigation():
        provider.click("#answers button[type=submit]")
    act(provider, "submit")
    expect(provider.locator("#filing-state")).to_have_attribute("data-state", "submitted")
    expect(provider.locator("#deadlines tr[data-kind=supplement]")).to_have_attribute("data-clock", "stopped")

    officer.goto(filing_url)
    with officer.expect_navigation():
        officer.click("#versions-link")
    expect(officer.locator("#versions tbody tr")).to_have_count(2)
    with officer.expect_navigation():
        officer.click("#diff-form button[type=submit]")  # defaults: version 1 to the latest
    table = officer.locator("#diff")
    expect(table).to_contain_text("回答变更")
    expect(table).to_contain_text("部分符合")
    expect(table).to_contain_text("新增发现问题")
    expect(table).to_contain_text("夜班无人值守")
    assert item_id not in table.inner_text()  # items are named by their questions, not ids
    shot(officer, "2-diff-zh")
    officer.goto(live.url + f"/lang/en?next=/filings/{filing_id}/versions%3Fbefore%3D1%26after%3D2")
    expect(officer.locator("#diff")).to_contain_text("Answer changed")
    expect(officer.locator("#diff")).to_contain_text("Finding added")
    shot(officer, "3-diff-en")

    bad = officer.goto(live.url + f"/filings/{filing_id}/versions?before=abc&after=2")
    assert bad is not None and bad.status == 422
    expect(officer.locator("#diff-error")).to_be_visible()
    expect(officer.locator("#diff-form")).to_be_visible()  # the form again, not a dead end


def test_the_api_lists_versions_serves_each_as_sealed_and_diffs_them(live: Live) -> None:
    cac, provider = live.api("hz-cac"), live.api("hz-admin")
    service_id = provider.get("/api/v1/services").json()[0]["id"]
    launch = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    created = provider.post(
        "/api/v1/filings",
        json={
            "service_id": service_id,
            "change": {"kind": "add_capability", "date": launch, "capabilities": ["forum"]},
        },
    )
    assert created.status_code == 201, created.text
    filing_id = created.json()["id"]
    items = provider.get(f"/api/v1/filings/{filing_id}").json()["checklist_items"]
    assert (
        provider.put(
            f"/api/v1/filings/{filing_id}/answers",
            json={"answers": {i: {"status": "met", "reason": "已落实"} for i in items}},
        ).status_code
        == 200
    )
    assert provider.post(f"/api/v1/filings/{filing_id}/actions/submit", json={}).status_code == 200
    assert cac.post(f"/api/v1/filings/{filing_id}/actions/start_review", json={}).status_code == 200
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    assert (
        cac.post(
            f"/api/v1/filings/{filing_id}/actions/request_supplement", json={"note": "请补充", "due": due}
        ).status_code
        == 200
    )
    assert (
        provider.put(
            f"/api/v1/filings/{filing_id}/answers",
            json={
                "answers": {
                    items[0]: {
                        "status": "partly_met",
                        "reason": "夜间审核人手不足",
                        "findings": [{"severity": "medium", "text": "夜班无人值守"}],
                    }
                }
            },
        ).status_code
        == 200
    )
    assert provider.post(f"/api/v1/filings/{filing_id}/actions/submit", json={}).status_code == 200

    versions = provider.get(f"/api/v1/filings/{filing_id}/versions").json()
    assert [(v["number"], v["latest"]) for v in versions] == [(1, False), (2, True)]
    first = cac.get(f"/api/v1/filings/{filing_id}/versions/1").json()
    assert first["seal"]["digest"] == versions[0]["digest"]
    diff = cac.get(f"/api/v1/filings/{filing_id}/versions/diff", params={"before": 1, "after": 2}).json()
    assert {(a["item"]["item_id"], a["field"]) for a in diff["answers"]} == {(items[0], "status"), (items[0], "reason")}
    assert [(f["text"], f["before"], f["after"]) for f in diff["findings"]] == [("夜班无人值守", None, "medium")]
    assert all(a["item"]["zh"] and a["item"]["en"] for a in diff["answers"])
    bad = cac.get(f"/api/v1/filings/{filing_id}/versions/diff", params={"before": 0, "after": 2})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert live.api("sz-cac").get(f"/api/v1/filings/{filing_id}/versions").status_code == 404
    detail = cac.get(f"/api/v1/filings/{filing_id}").json()
    kinds = {d["kind"]: d for d in detail["deadlines"]}
    assert kinds["supplement"]["due"] == due and kinds["supplement"]["clock"] == "stopped"
    assert kinds["statutory"]["clock"] == "stopped" and detail["due_date"] == kinds["statutory"]["due"] != due
