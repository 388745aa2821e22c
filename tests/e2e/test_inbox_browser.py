"""The inbox in Debian's Chromium: the regulator asks for a supplement with a reason and a date; the provider
sees the unread count in the header, the banner on its home and on the filing, finds the request in its inbox
linking to the filing, and once it has submitted again the banner is gone."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Live
from tests.e2e.test_browser import act, answer_all_met, login, new_filing, shot

PAGES_ONLY = True  # how pages look and read: SQLite only (tests/e2e/conftest.py `live`)

# The pages are the same on either database, and tests/integration/test_inbox.py runs the inbox on both: this
# module loads its demo platform once, on SQLite, to keep CI short.
pytestmark = pytest.mark.parametrize("live", ["sqlite"], indirect=True)

REASON = "请补充网络日志留存六个月的证明材料（收件箱测试）"


def test_a_supplement_request_reaches_the_providers_inbox_and_its_banner_stays_until_resubmission(
    browser: Browser, live: Live
) -> None:
    provider = login(browser, live, "hz-admin")
    provider.goto(live.url + "/inbox")
    if provider.locator("#read-all").count():  # what the demo sent before: read, so the count starts at nought
        with provider.expect_navigation():
            provider.locator("#read-all button").click()
    expect(provider.locator("#inbox-link")).to_have_attribute("data-unread", "0")
    expect(provider.locator("#inbox-link")).to_have_text("收件箱")
    filing_url, filing_id = new_filing(provider, live, "新增话题论坛（收件箱测试）")
    answer_all_met(provider)
    act(provider, "submit")

    officer = login(browser, live, "hz-cac")
    expect(officer.locator("#inbox-link")).to_contain_text("收件箱 (")  # the submission, for the office
    officer.goto(filing_url)
    expect(officer.locator("#banners .banner[data-kind=submission]")).to_be_visible()
    act(officer, "start_review")
    expect(officer.locator("#banners .banner[data-kind=submission]")).to_have_count(0)
    due = dt.date.today() + dt.timedelta(days=10)
    form = officer.locator("form[data-action=request_supplement]")
    form.locator("input[name=due]").fill(due.isoformat())
    form.locator("input[name=note]").fill(REASON)
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(officer.locator("#filing-state")).to_have_attribute("data-state", "supplement_requested")

    provider.goto(live.url + "/provider")
    expect(provider.locator("#inbox-link")).to_have_text("收件箱 (1)")
    sentence = f"监管部门要求补充材料：{REASON}，截止 {due.isoformat()}"
    link = provider.locator(f"a[href='/filings/{filing_id}']")
    home_banner = provider.locator("#banners .banner[data-kind=supplement_request]").filter(has=link)
    expect(home_banner).to_contain_text(sentence)  # the demo's own requests have their banners beside it
    shot(provider, "inbox-0-banners-on-the-providers-home")
    provider.goto(filing_url)
    expect(provider.locator("#banners .banner[data-kind=supplement_request]")).to_have_text(sentence)
    shot(provider, "inbox-1-banner-on-the-filing")

    with provider.expect_navigation():
        provider.locator("#inbox-link").click()
    row = provider.locator("#inbox tr[data-kind=supplement_request]").filter(has=link)
    expect(row).to_have_count(1)
    expect(row).to_have_class("unread")
    expect(row).to_contain_text(REASON)
    shot(provider, "inbox-2-the-inbox")
    provider.select_option("#inbox-filter select[name=kind]", "submission")
    with provider.expect_navigation():
        provider.click("#inbox-filter button[type=submit]")
    expect(provider.locator("#inbox tr[data-kind]")).to_have_count(0)  # the regulators' kind: none for a provider
    provider.select_option("#inbox-filter select[name=show]", "unread")
    provider.select_option("#inbox-filter select[name=kind]", "")
    with provider.expect_navigation():
        provider.click("#inbox-filter button[type=submit]")
    with provider.expect_navigation():
        row.locator(f"a[href='/filings/{filing_id}']").first.click()
    assert provider.url.split("?")[0] == filing_url

    act(provider, "submit")
    expect(provider.locator("#filing-state")).to_have_attribute("data-state", "submitted")
    expect(provider.locator("#banners")).to_have_count(0)
    expect(provider.locator("#inbox-link")).to_have_text("收件箱 (1)")  # acted on, not read: still unread
    provider.goto(live.url + "/provider")
    expect(home_banner).to_have_count(0)
    provider.goto(live.url + "/inbox?show=unread")
    with provider.expect_navigation():
        row.locator("button[type=submit]").click()  # mark read
    expect(provider.locator("#inbox-link")).to_have_attribute("data-unread", "0")
    expect(provider.locator("#inbox tr[data-kind]")).to_have_count(0)  # the unread filter is kept
    shot(provider, "inbox-3-after-resubmission")
