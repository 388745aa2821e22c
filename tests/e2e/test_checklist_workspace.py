"""The checklist as a provider's compliance team works through it, in Chromium (issue 19, items 1 and 7): items
grouped by the article they rest on, with its words; filters; a progress bar that names what still blocks the
submission; evidence attached on its item (plain upload, and dropped where JavaScript runs); answers saved by
themselves; the submission confirmed on a summary; a regulator's acceptance written and confirmed on a preview."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import ARTIFACTS, Live
from tests.e2e.test_browser import act, login, new_filing

PAGES_ONLY = True  # how pages look and read: SQLite only (tests/e2e/conftest.py `live`)


def _stored_answers(live: Live, filing_id: int) -> dict[str, dict[str, object]]:
    from redline.store.models import Filing

    with live.ctx.reader() as uow:
        filing = uow.session.get(Filing, filing_id)
        assert filing is not None
        return dict(filing.answers)


def test_a_provider_works_through_the_checklist_and_submits_after_a_summary(browser: Browser, live: Live) -> None:
    page = login(browser, live, "hz-admin")
    _, filing_id = new_filing(page, live, "新增话题论坛（工作台测试）")
    items = page.locator("article.item")
    total = items.count()
    assert total > 3

    # Grouped by regulation and article, each group titled with the regulation's name and the article.
    legends = page.locator("fieldset.group > legend")
    assert legends.count() >= 2
    expect(legends.first).to_contain_text("《")
    expect(legends.first).to_contain_text("条")
    expect(items.first.locator(".basis blockquote").first).to_contain_text("“")

    # Nothing answered: the bar says 0 of N, the blockers name the unanswered items, submitting is not offered.
    expect(page.locator("#progress-bar")).to_have_attribute("value", "0")
    expect(page.locator("#progress-bar")).to_have_attribute("max", str(total))
    expect(page.locator("#blockers")).to_contain_text(f"{total} 项尚未答复")
    expect(page.locator("form[data-action=submit] button[type=submit]")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "workspace-empty.png"), full_page=True)

    # Answers save themselves: choose "met" for the first item, wait, reload from the server.
    first = items.first.get_attribute("data-item") or ""
    page.select_option(f"select[name='status:{first}']", "met")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10_000)
    assert _stored_answers(live, filing_id)[first]["status"] == "met"
    page.reload()
    expect(page.locator("#progress-bar")).to_have_attribute("value", "1")

    # A refused autosave says why and saves nothing: "not applicable" needs a reason.
    second = items.nth(1).get_attribute("data-item") or ""
    page.select_option(f"select[name='status:{second}']", "not_applicable")
    expect(page.locator("#autosave-status")).to_have_class("muted error", timeout=10_000)
    assert second not in _stored_answers(live, filing_id)
    page.fill(f"[name='reason:{second}']", "本服务不提供语音功能")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10_000)
    assert _stored_answers(live, filing_id)[second]["status"] == "not_applicable"

    # The filter lists only the unanswered items.
    with page.expect_navigation():
        page.click("#checklist-filters a[data-show=unanswered]")
    assert page.locator("article.item").count() == total - 2
    expect(page.locator(f"#item-{first}")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "workspace-filter-unanswered.png"), full_page=True)

    # Evidence attached on its item, by the plain upload form (no script needed).
    page.goto(f"{live.url}/filings/{filing_id}")
    evidence = ARTIFACTS / "workspace-policy.txt"
    evidence.write_text("日志留存制度（测试）", encoding="utf-8")
    page.locator(f"#item-{first} form[data-dropzone] input[type=file]").set_input_files(str(evidence))
    with page.expect_navigation():
        page.locator(f"#item-{first} form[data-dropzone] button[type=submit]").click()
    expect(page.locator(f"#item-{first} .evidence")).to_contain_text("workspace-policy.txt")
    expect(page.locator(f"#item-{second} .evidence")).not_to_contain_text("workspace-policy.txt")

    # ... and by dropping a file on the item's box, where JavaScript runs.
    third = items.nth(2).get_attribute("data-item") or ""
    zone = page.locator(f"#item-{third} form[data-dropzone]")
    handle = page.evaluate_handle(
        """() => { const t = new DataTransfer();
                   t.items.add(new File(["截图（测试）"], "dropped-screenshot.txt", {type: "text/plain"}));
                   return t; }"""
    )
    zone.dispatch_event("dragover", {"dataTransfer": handle})
    with page.expect_navigation():
        zone.dispatch_event("drop", {"dataTransfer": handle})
    expect(page.locator(f"#item-{third} .evidence")).to_contain_text("dropped-screenshot.txt")

    # Everything answered: nothing blocks, and the submission goes through a summary first.
    selects = page.locator("select[name^='status:']")
    for n in range(selects.count()):
        if not selects.nth(n).input_value():
            selects.nth(n).select_option("met")
    with page.expect_navigation():
        page.click("#answers button[type=submit]")
    expect(page.locator("#progress-bar")).to_have_attribute("value", str(total))
    expect(page.locator("#blockers-none")).to_be_visible()
    with page.expect_navigation():
        page.locator("form[data-action=submit] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("确认")
    expect(page.locator("#summary")).to_contain_text("不适用")
    expect(page.locator("#summary")).to_contain_text("证据文件: 2")
    page.screenshot(path=str(ARTIFACTS / "workspace-confirm-submit.png"), full_page=True)
    expect(page.locator("#filing-state")).to_have_count(0)  # nothing happened yet
    with page.expect_navigation():
        page.locator("form[data-confirm=submit] button[value=yes]").click()
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "submitted")


def test_a_regulator_must_write_the_opinion_and_sees_what_it_issues_before_it_is_issued(
    browser: Browser, live: Live
) -> None:
    provider = login(browser, live, "hz-admin")
    filing_url, _ = new_filing(provider, live, "新增话题论坛（受理确认测试）")
    selects = provider.locator("select[name^='status:']")
    for n in range(selects.count()):
        selects.nth(n).select_option("met")
    with provider.expect_navigation():
        provider.click("#answers button[type=submit]")
    act(provider, "submit")
    expect(provider.locator("#filing-state")).to_have_attribute("data-state", "submitted")

    officer = login(browser, live, "hz-cac")
    officer.goto(filing_url)
    act(officer, "start_review")
    form = officer.locator("form[data-action=accept]")
    expect(form.locator("textarea[name=note]")).to_have_attribute("required", "")
    # A hostile or script-less post without the opinion is refused, on the same page, saying why.
    response = officer.request.post(
        f"{filing_url}/actions/accept",
        form={"csrf_token": form.locator("input[name=csrf_token]").input_value(), "note": ""},
    )
    assert response.status == 422 and "审查意见" in response.text()

    form.locator("textarea[name=note]").fill("报告内容完整，同意通过。")
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(officer.locator("#preview")).to_contain_text("书面审查意见")
    expect(officer.locator("#preview")).to_contain_text("报告内容完整，同意通过。")
    officer.screenshot(path=str(ARTIFACTS / "accept-preview.png"), full_page=True)
    # Back to change it: the form comes back with the words kept.
    with officer.expect_navigation():
        officer.locator("form[data-confirm=accept] button[value=edit]").click()
    expect(officer.locator("form[data-action=accept] textarea[name=note]")).to_have_value("报告内容完整，同意通过。")
    with officer.expect_navigation():
        officer.locator("form[data-action=accept] button[type=submit]").click()
    with officer.expect_navigation():
        officer.locator("form[data-confirm=accept] button[value=yes]").click()
    expect(officer.locator("#review-cac")).to_have_attribute("data-state", "accepted")


def test_a_refused_order_comes_back_with_what_was_typed(browser: Browser, live: Live) -> None:
    provider = login(browser, live, "hz-admin")
    filing_url, _ = new_filing(provider, live, "新增话题论坛（整改表单测试）")
    selects = provider.locator("select[name^='status:']")
    for n in range(selects.count()):
        selects.nth(n).select_option("met")
    with provider.expect_navigation():
        provider.click("#answers button[type=submit]")
    act(provider, "submit")
    officer = login(browser, live, "hz-cac")
    officer.goto(filing_url)
    act(officer, "start_review")
    form = officer.locator("form[data-action=order_rectification]")
    form.locator("input[name=item_text]").first.fill("补齐发布日志")
    past = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    form.locator("input[name=item_due]").first.fill(past)
    form.locator("input[name=note]").fill("日志不全")
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    kept = officer.locator("form[data-action=order_rectification]")
    expect(kept.locator("#action-error")).to_be_visible()
    expect(kept.locator("input[name=item_text]").first).to_have_value("补齐发布日志")
    expect(kept.locator("input[name=item_due]").first).to_have_value(past)
    expect(kept.locator("input[name=note]")).to_have_value("日志不全")
    officer.screenshot(path=str(ARTIFACTS / "order-refused-kept.png"), full_page=True)
    expect(officer.locator("#filing-state")).to_have_attribute("data-state", "under_review")


def test_the_header_fits_a_phone_screen(browser: Browser, live: Live) -> None:
    """On a 390 px wide phone the header wraps: no link runs past the screen's edge, none hides another."""
    from redline.demo.seed import DEMO_PASSWORD

    for user, path in (("hz-admin", "/provider"), ("hz-cac", "/regulator")):
        page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
        page.goto(live.url + "/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(live.url + path)
        boxes = page.eval_on_selector_all(
            "header.top a, header.top button",
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; })",
        )
        assert boxes and all(left >= 0 and right <= 390 + 0.5 for left, right, _, _ in boxes), boxes
        for i, a in enumerate(boxes):  # no two header links overlap
            for b in boxes[i + 1 :]:
                assert a[1] <= b[0] + 0.5 or b[1] <= a[0] + 0.5 or a[3] <= b[2] + 0.5 or b[3] <= a[2] + 0.5, (a, b)
        page.screenshot(path=str(ARTIFACTS / f"phone-header-{user}.png"))
        page.context.close()


def test_a_refused_upload_or_invitation_comes_back_on_the_filing_page_with_what_was_typed(
    browser: Browser, live: Live
) -> None:
    page = login(browser, live, "hz-admin")
    _, filing_id = new_filing(page, live, "新增话题论坛（表单保留测试）")
    item = page.locator("article.item").first.get_attribute("data-item") or ""
    zone = page.locator(f"#item-{item} form[data-dropzone]")
    zone.locator("input[name=description]").fill("制度文件扫描件")
    # A file name that reverses the text direction (it would display as "...exe.txt") is refused.
    zone.locator("input[type=file]").set_input_files(
        {"name": "policy\u202etxt.exe", "mimeType": "text/plain", "buffer": "制度".encode()}
    )
    with page.expect_navigation():
        zone.locator("button[type=submit]").click()
    expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator(f"#item-{item} input[name=description]")).to_have_value("制度文件扫描件")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "draft")
    expect(page.locator(f"#item-{item} .evidence")).to_contain_text("本项尚无证据")

    invite = page.locator(f"form[action='/filings/{filing_id}/assessor']")
    invite.locator("input[name=username]").fill("nobody-such")
    with page.expect_navigation():
        invite.locator("button[type=submit]").click()
    expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator(f"form[action='/filings/{filing_id}/assessor'] input[name=username]")).to_have_value(
        "nobody-such"
    )


def test_the_workspace_speaks_english_too(browser: Browser, live: Live) -> None:
    """The same workspace in English: the groups name the regulations in English, the blockers and the autosave
    say so in English, and the confirmation page too."""
    page = login(browser, live, "hz-admin")
    _, filing_id = new_filing(page, live, "新增话题论坛（英文工作台）")
    page.goto(f"{live.url}/lang/en?next=/filings/{filing_id}")
    page.wait_for_load_state()
    total = page.locator("article.item").count()
    expect(page.locator("fieldset.group > legend").first).to_contain_text("Art.")
    expect(page.locator("#blockers")).to_contain_text(f"{total} items have no answer yet")
    first = page.locator("article.item").first.get_attribute("data-item") or ""
    page.select_option(f"select[name='status:{first}']", "met")
    expect(page.locator("#autosave-status")).to_contain_text("Saved automatically", timeout=10_000)
    selects = page.locator("select[name^='status:']")
    for n in range(selects.count()):
        selects.nth(n).select_option("met")
    with page.expect_navigation():
        page.click("#answers button[type=submit]")
    expect(page.locator("#blockers-none")).to_contain_text("Nothing in the answers blocks the submission.")
    with page.expect_navigation():
        page.locator("form[data-action=submit] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Confirm")
    expect(page.locator("#summary")).to_contain_text("Met")
    page.screenshot(path=str(ARTIFACTS / "workspace-confirm-submit-en.png"), full_page=True)
