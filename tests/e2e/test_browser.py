"""The whole cycle in Debian's Chromium, driven by Playwright: file, review, rectify, verify, close (each
authority its own review)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Browser, Page, expect

from redline.demo.seed import DEMO_PASSWORD
from tests.e2e.conftest import ARTIFACTS, Live
from tests.e2e.test_judgement_pages import open_growth_filing


def login(browser: Browser, live: Live, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert not errors
    return page


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def act(page: Page, action: str, opinion: str = "经书面审查，同意。") -> None:
    """Take a step as a person does: its button, then, for a step confirmed first (submit, accept, close, the
    orders), the confirmation page's button. An acceptance carries a written opinion."""
    form = page.locator(f"form[data-action={action}]")
    opinion_field = form.locator("textarea[name=note][required]")
    if opinion_field.count() and not opinion_field.input_value():
        opinion_field.fill(opinion)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    confirm = page.locator(f"form[data-confirm={action}] button[value=yes]")
    if confirm.count():
        with page.expect_navigation():
            confirm.click()


def new_filing(page: Page, live: Live, description: str) -> tuple[str, int]:
    """A new forum added to the provider's first service, 40 days from now: the filing's URL and id."""
    page.goto(live.url + "/provider")
    page.select_option("form[action='/filings'] select[name=kind]", "add_capability")
    page.fill("form[action='/filings'] input[name=date]", (dt.date.today() + dt.timedelta(days=40)).isoformat())
    page.select_option("form[action='/filings'] select[name=capabilities]", ["forum"])
    page.fill("form[action='/filings'] textarea[name=description]", description)
    with page.expect_navigation():
        page.click("form[action='/filings'] button[type=submit]")
    url = page.url.split("?")[0]
    return url, int(re.search(r"/filings/(\d+)", url).group(1))  # type: ignore[union-attr]


def answer_all_met(page: Page) -> None:
    """Every checklist item answered 'met' and saved."""
    selects = page.locator("select[name^='status:']")
    for n in range(selects.count()):
        selects.nth(n).select_option("met")
    with page.expect_navigation():
        page.click("#answers button[type=submit]")


def test_a_filing_goes_round_the_whole_cycle_in_the_browser(browser: Browser, live: Live) -> None:
    provider = login(browser, live, "hz-admin")
    expect(provider.locator("h1")).to_contain_text("我的服务与案件")
    filing_url, filing_id = new_filing(provider, live, "新增话题论坛（浏览器测试）")
    expect(provider.locator("#filing-state")).to_have_attribute("data-state", "draft")
    expect(provider.locator("body")).to_contain_text("信息服务上线或者增设相关功能的安全评估")
    shot(provider, "1-provider-draft")

    selects = provider.locator("select[name^='status:']")
    for n in range(selects.count()):
        selects.nth(n).select_option("met")
    with provider.expect_navigation():
        provider.click("#answers button[type=submit]")
    act(provider, "submit")
    expect(provider.locator("#filing-state")).to_have_attribute("data-state", "submitted")
    expect(provider.locator("body")).to_contain_text("SHA-256")
    shot(provider, "2-provider-submitted")

    outsider = login(browser, live, "sz-cac")
    response = outsider.goto(filing_url)
    assert response is not None and response.status == 404
    expect(outsider.locator("h1")).to_contain_text("未找到")
    shot(outsider, "3-other-city-cannot-open")

    officer = login(browser, live, "hz-cac")
    officer.goto(live.url + "/regulator")
    expect(officer.locator(f"a[href='/filings/{filing_id}']")).to_be_visible()
    officer.goto(filing_url)
    act(officer, "start_review")
    expect(officer.locator("#filing-state")).to_have_attribute("data-state", "under_review")
    form = officer.locator("form[data-action=order_rectification]")
    form.locator("input[name=item_text]").first.fill("补齐论坛帖子的发布日志（含源端口）")
    form.locator("input[name=item_due]").first.fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    form.locator("input[name=note]").fill("日志留存措施不完整")
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    # Confirmed first, after a preview of the order as it will be issued; nothing has changed yet.
    expect(officer.locator("#preview")).to_contain_text("责令整改通知书")
    expect(officer.locator("#preview")).to_contain_text("补齐论坛帖子的发布日志（含源端口）")
    shot(officer, "4-officer-confirms-the-order")
    with officer.expect_navigation():
        officer.locator("form[data-confirm=order_rectification] button[value=yes]").click()
    expect(officer.locator("#filing-state")).to_have_attribute("data-state", "rectification_ordered")
    shot(officer, "4-officer-orders-rectification")

    provider.goto(filing_url)
    provider.locator("#rectification input[name=response]").first.fill("已改造日志系统并补录，附说明")
    with provider.expect_navigation():
        provider.locator("#rectification button[type=submit]").first.click()
    act(provider, "submit_rectification")
    expect(provider.locator("#filing-state")).to_have_attribute("data-state", "rectification_submitted")
    shot(provider, "5-provider-answers")

    officer.goto(filing_url)
    act(officer, "verify")
    act(officer, "close")
    # The CAC closed its own review; the public-security organ has not concluded, so the filing stays open.
    expect(officer.locator("#review-cac")).to_have_attribute("data-state", "closed")
    expect(officer.locator("#review-mps")).to_have_attribute("data-state", "submitted")
    expect(officer.locator("#filing-state")).not_to_have_attribute("data-state", "closed")
    expect(officer.locator("#reviews-waiting")).to_contain_text("公安机关")
    expect(officer.locator(".timeline")).to_contain_text("办结")
    shot(officer, "6-cac-closes-its-review")

    police = login(browser, live, "hz-mps")
    police.goto(filing_url)
    expect(police.locator("#review-cac")).to_contain_text("办结")  # sees what the CAC concluded
    expect(police.locator("form[data-action=close]")).to_have_count(0)
    act(police, "start_review")
    act(police, "accept")
    act(police, "close")
    expect(police.locator("#filing-state")).to_have_attribute("data-state", "closed")
    expect(police.locator("#review-mps")).to_have_attribute("data-state", "closed")
    shot(police, "6b-police-close-theirs-and-the-filing-closes")

    officer.goto(live.url + "/lang/en?next=" + f"/filings/{filing_id}")
    expect(officer.locator("#filing-state")).to_contain_text("Closed")
    expect(officer.locator(".timeline")).to_contain_text("Close the filing")
    shot(officer, "7-english")


def test_the_dashboard_draws_its_charts(browser: Browser, live: Live) -> None:
    officer = login(browser, live, "zj-cac")
    officer.goto(live.url + "/regulator/dashboard")
    expect(officer.locator("figure > svg[aria-label]")).to_have_count(4)
    shot(officer, "8-dashboard")


def test_a_provider_acknowledges_a_document_and_prints_it_but_another_cannot_open_it(
    browser: Browser, live: Live
) -> None:
    provider = login(browser, live, "hz-admin")
    provider.goto(live.url + "/provider")
    row = provider.locator("#documents tr[data-document]").filter(has=provider.locator("button")).first
    expect(row).to_be_visible()
    document = row.get_attribute("data-document")
    reference = row.locator("td").first.inner_text()
    assert re.fullmatch(r"杭(网信|公)评〔\d{4}〕\d+号", reference), reference
    with provider.expect_navigation():
        row.locator("button[type=submit]").click()
    provider.goto(live.url + "/provider")
    expect(provider.locator(f"#documents tr[data-document='{document}']")).to_contain_text("已签收")
    shot(provider, "documents-acknowledged")
    pdf = provider.request.get(live.url + f"/documents/{document}.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    outsider = login(browser, live, "sz-admin")
    response = outsider.goto(live.url + f"/documents/{document}.pdf")
    assert response is not None and response.status == 404


def test_the_provider_sees_the_polices_supplement_request_while_the_cac_has_accepted(
    browser: Browser, live: Live
) -> None:
    provider = login(browser, live, "hz-admin")
    filing_url, _ = new_filing(provider, live, "新增话题论坛（两部门并行审查）")
    answer_all_met(provider)
    act(provider, "submit")

    cac = login(browser, live, "hz-cac")
    cac.goto(filing_url)
    act(cac, "start_review")
    act(cac, "accept")
    police = login(browser, live, "hz-mps")
    police.goto(filing_url)
    act(police, "start_review")
    form = police.locator("form[data-action=request_supplement]")
    form.locator("input[name=note]").fill("请补充网络日志留存六个月的证明材料")
    with police.expect_navigation():
        form.locator("button[type=submit]").click()

    provider.goto(filing_url)
    expect(provider.locator("#filing-state")).to_have_attribute("data-state", "supplement_requested")
    expect(provider.locator("#review-cac")).to_have_attribute("data-state", "accepted")
    expect(provider.locator("#review-mps")).to_have_attribute("data-state", "supplement_requested")
    expect(provider.locator("#review-mps")).to_contain_text("请补充网络日志留存六个月的证明材料")
    expect(provider.locator("#reviews-waiting")).to_contain_text("公安机关")
    expect(provider.locator("form[data-action=submit]")).to_have_count(1)
    shot(provider, "9-provider-sees-the-polices-supplement-request")


def test_a_provider_records_a_judgement_in_the_browser_after_being_told_what_is_missing(
    browser: Browser, live: Live
) -> None:
    # 2018 rule Art. 3(3): is growth from 10 to 17 million monthly users "significant"? The provider decides.
    filing_id = open_growth_filing(live)
    provider = login(browser, live, "xa-admin")
    provider.goto(f"{live.url}/filings/{filing_id}")
    form = provider.locator("form[data-question=significant_growth]")
    expect(form).to_contain_text("用户规模是否显著增加")
    form.locator("input[name=answer][value=yes]").check()
    with provider.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(provider.locator("#judgement-error")).to_have_text("请填写理由：没有理由的判断不予记录。")
    form = provider.locator("form[data-question=significant_growth]")
    expect(form.locator("input[name=answer][value=yes]")).to_be_checked()  # kept, not lost
    shot(provider, "9-judgement-refused")
    form.locator("textarea[name=reasons]").fill("新增用户集中于时政与民生版块，跟帖量翻倍。")
    with provider.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(provider.locator("body")).to_contain_text("已记录的判断")
    expect(provider.locator("body")).to_contain_text("新增用户集中于时政与民生版块，跟帖量翻倍。")
    expect(provider.locator("#judgement-error")).to_have_count(0)
    shot(provider, "10-judgement-recorded")
    provider.goto(f"{live.url}/lang/en?next=/filings/{filing_id}")
    expect(provider.locator("#judgements")).to_contain_text("Record a judgement")
    expect(provider.locator("body")).to_contain_text("Rests on a judgement by")
