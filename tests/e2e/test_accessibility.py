"""Accessible and responsive (issue 19, item 10): Chromium opens every page of every demo role, in Chinese and
English, at a desktop width and at 390 CSS pixels (a phone), and axe-core finds no serious or critical WCAG 2
A/AA violation on any of them; at 390 pixels no page is wider than the screen. A screenshot of each page at 390
pixels goes to the test artifacts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.axe import missing_reason, serious_violations
from tests.e2e.conftest import ARTIFACTS, Live
from tests.e2e.demo_pages import PAGES, demo_ids, login

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "")

PHONE = 390
WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def ids(live: Live) -> dict[str, int]:
    return demo_ids(live)


def _audit(page: Page, where: str, width: int) -> list[str]:
    found = [f"{where}: {v}" for v in serious_violations(page)]
    if width == PHONE:
        overflow = page.evaluate(WIDER_THAN_SCREEN)
        if overflow > 0:
            found.append(f"{where}: the page is {overflow}px wider than a {PHONE}px screen")
        name = "a11y-" + where.replace(" ", "-").replace("/", "-") + ".png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    return found


@pytest.mark.parametrize("width", [1280, PHONE])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_has_a_serious_accessibility_violation(
    browser: Browser, live: Live, ids: dict[str, int], lang: str, width: int
) -> None:
    page = browser.new_context(locale=lang, viewport={"width": width, "height": 800}).new_page()
    page.goto(f"{live.url}/lang/{lang}?next=/login")
    found = _audit(page, f"{lang} {width}px /login", width)
    page.context.close()
    for user, paths in PAGES.items():
        page = login(browser, live, user, lang, width=width)
        for template in paths:
            path = template.format(**ids)
            response = page.goto(live.url + path)
            assert response is not None and response.status == 200, (user, path)
            found += _audit(page, f"{lang} {width}px {user} {path}", width)
        page.context.close()
    assert not found, "accessibility violations:\n" + "\n".join(found)
