"""Every word a person reads is a word, in both languages (issue 19, item 6): Chromium opens the pages of every
role on the demo data and reads their visible text; no identifier in snake_case (`add_capability`,
`audio_video`, `notice_issued`) and no bare region code may show, and the English pages name regulations and
places in English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from redline.demo.seed import DEMO_PASSWORD
from redline.store.models import Campaign, Filing, Summons
from tests.e2e.conftest import Live

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
REGION_CODE = re.compile(r"(?<![\d.#/-])\b[1-6]\d{5}\b(?![\d.])")
# Text that is an identifier on purpose: digests, item references, code samples.
SKIP = "code, .digest, kbd, pre, samp, [data-raw]"

VISIBLE_TEXT = f"""() => {{
  const root = document.body.cloneNode(true);
  for (const el of root.querySelectorAll("{SKIP}, script, style")) el.remove();
  document.body.appendChild(root); root.style.position = "absolute"; root.style.left = "-99999px";
  const text = root.innerText; root.remove(); return text;
}}"""


@pytest.fixture(scope="module")
def ids(live: Live) -> dict[str, int]:
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


def _pages() -> Iterator[tuple[str, str]]:
    for user, paths in PAGES.items():
        for path in paths:
            yield user, path


def _login(browser: Browser, live: Live, user: str, lang: str) -> Page:
    page = browser.new_context(locale=lang).new_page()
    page.goto(f"{live.url}/lang/{lang}?next=/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_shows_a_code_instead_of_a_word(browser: Browser, live: Live, ids: dict[str, int], lang: str) -> None:
    found: list[str] = []
    for user, paths in PAGES.items():
        page = _login(browser, live, user, lang)
        for template in paths:
            path = template.format(**ids)
            response = page.goto(live.url + path)
            assert response is not None and response.status == 200, (user, path)
            text = page.evaluate(VISIBLE_TEXT)
            for word in sorted(set(SNAKE.findall(text))):
                found.append(f"{lang} {user} {path}: {word}")
            for code in sorted(set(REGION_CODE.findall(text))):
                found.append(f"{lang} {user} {path}: region code {code}")
        page.context.close()
    assert not found, "codes shown to people:\n" + "\n".join(found)
