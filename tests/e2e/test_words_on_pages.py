"""Every word a person reads is a word, in both languages (issue 19, item 6): Chromium opens the pages of every
role on the demo data and reads their visible text; no identifier in snake_case (`add_capability`,
`audio_video`, `notice_issued`) and no bare region code may show, and the English pages name regulations and
places in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import Live
from tests.e2e.demo_pages import PAGES, demo_ids, login
from tests.e2e.shown_codes import REGION_CODE, SNAKE

PAGES_ONLY = True  # how pages look and read: SQLite only (tests/e2e/conftest.py `live`)

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
    return demo_ids(live)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_shows_a_code_instead_of_a_word(browser: Browser, live: Live, ids: dict[str, int], lang: str) -> None:
    found: list[str] = []
    for user, paths in PAGES.items():
        page = login(browser, live, user, lang)
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
