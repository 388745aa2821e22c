"""Issue 17, point 1, in Debian's Chromium as a provider would meet it: a partly-met item with a high finding is
shown as high after a reload, saving the page unchanged keeps it high, and the report is refused at submission
with the reason on the page (before: the reload showed no severity, the save read it as "medium", and the
report was sealed)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from redline.store.models import Filing, Service
from tests.e2e.conftest import Live
from tests.e2e.test_browser import login, shot


def _draft(live: Live) -> tuple[int, list[str]]:
    with live.ctx.reader() as uow:
        service_id = uow.session.scalar(select(Service.id).where(Service.name.like("声浪%")))
    api = live.api("hz-admin")
    created = api.post(
        "/api/v1/filings",
        json={
            "service_id": service_id,
            "change": {
                "kind": "add_capability",
                "date": "2027-06-01",
                "capabilities": ["forum"],
                "description": "浏览器往返",
            },
        },
    )
    assert created.status_code == 201, created.text
    filing_id = int(created.json()["id"])
    return filing_id, api.get(f"/api/v1/filings/{filing_id}").json()["checklist_items"]


def _stored(live: Live, filing_id: int) -> tuple[dict[str, object], str]:
    with live.ctx.reader() as uow:
        filing = uow.session.get(Filing, filing_id)
        assert filing is not None
        return dict(filing.answers), filing.state


def test_a_high_finding_shows_as_high_after_reload_survives_an_unchanged_save_and_blocks_submission(
    browser: Browser, live: Live
) -> None:
    filing_id, items = _draft(live)
    first = items[0]
    page = login(browser, live, "hz-admin")
    page.goto(f"{live.url}/filings/{filing_id}")
    for item in items:
        page.select_option(f"select[name='status:{item}']", "met")
    page.select_option(f"select[name='status:{first}']", "partly_met")
    page.select_option(f"select[name='fsev:{first}:0']", "high")
    page.fill(f"input[name='ftext:{first}:0']", "登录日志缺少源端口")
    with page.expect_navigation():
        page.click("#answers button[type=submit]")

    page.reload()
    expect(page.locator(f"select[name='fsev:{first}:0']")).to_have_value("high")
    expect(page.locator(f"select[name='fsev:{first}:0'] option:checked")).to_have_text("高")
    expect(page.locator(f"input[name='ftext:{first}:0']")).to_have_value("登录日志缺少源端口")
    expect(page.locator(f"select[name='status:{first}']")).to_have_value("partly_met")
    expect(page.locator(f"select[name='fsev:{first}:1']")).to_have_value("")  # the "add finding" row
    stored, _ = _stored(live, filing_id)
    shot(page, "answers-1-high-finding-after-reload")

    with page.expect_navigation():
        page.click("#answers button[type=submit]")  # unchanged
    assert _stored(live, filing_id) == (stored, "draft")
    page.reload()
    expect(page.locator(f"select[name='fsev:{first}:0']")).to_have_value("high")

    # The high finding blocks the submission, said before anyone presses the button.
    expect(page.locator("form[data-action=submit] button[type=submit]")).to_be_disabled()
    expect(page.locator("#blockers")).to_contain_text("安全隐患")
    expect(page.locator(f"#item-{first}")).to_have_attribute("data-blockers", "serious_finding")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "draft")
    shot(page, "answers-2-submission-refused")
    assert _stored(live, filing_id) == (stored, "draft")


def test_a_finding_without_a_severity_is_shown_again_with_the_message_and_nothing_is_saved(
    browser: Browser, live: Live
) -> None:
    filing_id, items = _draft(live)
    first = items[0]
    page = login(browser, live, "hz-admin")
    page.goto(f"{live.url}/filings/{filing_id}")
    before = _stored(live, filing_id)
    page.select_option(f"select[name='status:{first}']", "partly_met")
    page.fill(f"input[name='ftext:{first}:0']", "制度未公开")
    with page.expect_navigation():
        page.click("#answers button[type=submit]")
    expect(page.locator(f"[id='item-{first}'] [role=alert]")).to_contain_text("严重程度")
    expect(page.locator(f"input[name='ftext:{first}:0']")).to_have_value("制度未公开")
    expect(page.locator(f"select[name='status:{first}']")).to_have_value("partly_met")
    shot(page, "answers-3-severity-required")
    assert _stored(live, filing_id) == before
