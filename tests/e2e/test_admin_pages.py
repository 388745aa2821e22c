"""The administrator's screens in Debian's Chromium, against a live server with the demo data: an account
made and its password reset, its owner logging in with that password and made to choose another; a token
revoked that the API then refuses; "log out everywhere" ending a session held elsewhere; the audit log
showing what was just done, its chain intact, and its CSV; and every other role refused."""

from __future__ import annotations

import csv
import io
import re

import httpx
from playwright.sync_api import Browser, Page, expect

from redline.demo.seed import DEMO_PASSWORD
from redline.services.access import accounts
from tests.e2e.conftest import ARTIFACTS, Live

OWN_PASSWORD = "a-quiet-harbour-at-dawn"


def login(browser: Browser, live: Live, username: str, password: str = DEMO_PASSWORD) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.goto(live.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def submit(page: Page, section: str) -> None:
    with page.expect_navigation():
        page.locator(f"{section} button[type=submit]").first.click()


def _user_id(live: Live, username: str) -> int:
    return accounts.principal_named(live.ctx, username).user_id


def test_an_account_is_made_reset_and_used_and_the_audit_log_shows_it(browser: Browser, live: Live) -> None:
    admin = login(browser, live, "admin")
    assert admin.url.endswith("/admin")  # the administrator's home
    admin.click("#admin-links a[href='/admin/users']")
    form = admin.locator("#new-account form")
    form.locator("input[name=username]").fill("e2e-wu")
    form.locator("input[name=display_name]").fill("吴桐（测试）")
    form.locator("select[name=role]").select_option("provider_member")
    form.locator("select[name=organisation_id]").select_option(label="杭州声浪网络科技有限公司（虚构） · 服务提供者")
    submit(admin, "#new-account")
    first = admin.locator("#new-password").inner_text().strip()
    expect(admin.locator("#user-table tr[data-username='e2e-wu']")).to_contain_text("须设置新密码")

    admin.click("#user-table a:text-is('e2e-wu')")
    expect(admin.locator("#account-facts")).to_contain_text("服务提供者成员")
    submit(admin, "#reset-password")  # empty: the platform generates one
    second = admin.locator("#new-password").inner_text().strip()
    assert second != first and len(second) >= 10
    admin.screenshot(path=str(ARTIFACTS / "admin-one-time-password.png"), full_page=True)

    refused = login(browser, live, "e2e-wu", first)  # the first one ended with the reset
    expect(refused.locator("p.error")).to_be_visible()
    owner = login(browser, live, "e2e-wu", second)
    assert owner.url.endswith("/account/new-password")
    owner.goto(live.url + "/provider")
    assert owner.url.endswith("/account/new-password")  # nothing else until the owner chooses a password
    owner.fill("input[name=current]", second)
    owner.fill("input[name=new]", OWN_PASSWORD)
    submit(owner, "#new-password-form")
    expect(owner.locator("h1")).to_contain_text("我的服务与案件")

    user_id = _user_id(live, "e2e-wu")
    admin.goto(f"{live.url}/admin/audit?kind=user&object={user_id}")
    expect(admin.locator("#chain-check")).to_have_attribute("data-ok", "true")
    actions = admin.locator("#audit-table tr[data-action]")
    done = {actions.nth(n).get_attribute("data-action") for n in range(actions.count())}
    assert {"user.create", "user.password_reset", "user.login", "user.password_change"} <= done
    expect(admin.locator("#audit-table")).to_contain_text("管理员设置密码")
    expect(admin.locator("#audit-table")).not_to_contain_text("user.password_reset")
    admin.screenshot(path=str(ARTIFACTS / "admin-audit-log.png"), full_page=True)

    with admin.expect_download() as download:
        admin.click("#audit-csv")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    seqs = admin.locator("#audit-table tr[data-seq]")
    shown = [seqs.nth(n).get_attribute("data-seq") for n in range(seqs.count())]
    assert [r[0] for r in rows[1:]] == shown
    assert any(r[3] == "管理员设置密码" and r[2] == "admin" for r in rows[1:])


def test_a_token_the_administrator_revokes_is_refused_by_the_api(browser: Browser, live: Live) -> None:
    api = live.api("sz-mps")
    assert api.get("/api/v1/me").status_code == 200
    admin = login(browser, live, "admin")
    admin.goto(f"{live.url}/admin/users/{_user_id(live, 'sz-mps')}")
    row = admin.locator("#account-tokens tr[data-token]", has_text="tests")
    with admin.expect_navigation():
        row.locator("button[type=submit]").click()
    expect(admin.locator("p.ok")).to_contain_text("令牌已吊销")
    assert api.get("/api/v1/me").status_code == 401


def test_log_out_everywhere_ends_a_session_held_elsewhere(browser: Browser, live: Live) -> None:
    elsewhere = live.browser_login("nb-admin")
    assert elsewhere.get("/provider").status_code == 200
    admin = login(browser, live, "admin")
    admin.goto(f"{live.url}/admin/users/{_user_id(live, 'nb-admin')}")
    assert int(admin.locator("#open-sessions").inner_text()) >= 1
    submit(admin, "#end-sessions")
    expect(admin.locator("#open-sessions")).to_have_text("0")
    gone = elsewhere.get("/provider")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    assert live.api("nb-admin").get("/api/v1/me").status_code == 401


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_a_provider_and_a_regulator_are_refused_every_admin_screen(live: Live) -> None:
    for username in ("hz-admin", "zj-cac"):
        client = live.browser_login(username)
        for path in ("/admin", "/admin/users", "/admin/organisations", "/admin/audit", "/admin/audit.csv"):
            assert client.get(path).status_code == 403, (username, path)
        token = _csrf(client.get("/account"))
        made = client.post(
            "/admin/users",
            data={"csrf_token": token, "username": "mole-" + username, "role": "platform_admin", "password": ""},
        )
        assert made.status_code == 403
        # refused for the role before the form is read: the answer names the role, not the missing token
        bare = client.post("/admin/users", data={"username": "mole"})
        assert bare.status_code == 403 and "platform administrator" in bare.text and "security token" not in bare.text
    assert not any(u.username.startswith("mole") for u in accounts.list_accounts(live.ctx))
