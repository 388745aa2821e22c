"""The pages each demo role opens, and how a browser logs in as that role in a language; shared by the browser
tests that walk every page (words, accessibility)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page
from sqlalchemy import select

from redline.demo.seed import DEMO_PASSWORD
from redline.store.models import Campaign, Filing, Summons
from tests.e2e.conftest import Live

PAGES = {
    "hz-admin": [
        "/provider",
        "/filings/{draft}",
        "/filings/{filing}",
        "/filings/{filing}/versions",
        "/summonses",
        "/summonses/{summons}",
        "/rectifications",
        "/account",
        "/campaigns",
    ],
    "hz-cac": [
        "/regulator",
        "/regulator/dashboard",
        "/notices/new",
        "/regulator/impact",
        "/filings/{filing}",
        "/summonses",
        "/rectifications",
        "/campaigns",
        "/campaigns/{campaign}",
        "/account",
    ],
    "assessor": ["/assessor", "/account"],
    "admin": ["/admin", "/admin/users", "/admin/organisations", "/admin/audit", "/account"],
}


def demo_ids(live: Live) -> dict[str, int]:
    """The demo rows the page paths name: a reported filing and a draft in Hangzhou, a summons, a campaign."""
    with live.ctx.reader() as uow:
        s = uow.session
        filing = s.scalars(
            select(Filing.id).where(Filing.region.startswith("3301"), Filing.report.is_not(None)).order_by(Filing.id)
        ).first()
        draft = s.scalars(select(Filing.id).where(Filing.region.startswith("3301"), Filing.state == "draft")).first()
        summons = s.scalars(select(Summons.id).where(Summons.region.startswith("3301"))).first()
        campaign = s.scalars(select(Campaign.id).order_by(Campaign.id)).first()
    assert filing and draft and summons and campaign
    return {"filing": filing, "draft": draft, "summons": summons, "campaign": campaign}


def login(browser: Browser, live: Live, user: str, lang: str, width: int = 1280, height: int = 800) -> Page:
    """A new browser context in `lang`, `width` CSS pixels wide, logged in as `user` with the demo password."""
    context = browser.new_context(locale=lang, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live.url}/lang/{lang}?next=/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page
