"""Pages kept in the page cache (web/templating.render_cached) over real HTTP, as users and an attacker meet
them: a kept page serves only the principal it was made for, each session gets its own CSRF token in it, a
write shows at once, and the other language is its own page. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from redline.web.templating import CSRF_STAND_IN
from tests.e2e.conftest import Live
from tests.e2e.drafts import new_draft
from tests.e2e.html_form import form_fields


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_each_session_reads_the_kept_page_with_its_own_csrf_token_and_can_post_with_it(live: Live) -> None:
    filing_id, items = new_draft(live, "page cache: two sessions")
    first, second = live.browser_login("hz-admin"), live.browser_login("hz-member")
    again = live.browser_login("hz-admin")  # the same user in a second browser
    pages = {name: c.get(f"/filings/{filing_id}") for name, c in [("a", first), ("b", second), ("c", again)]}
    for page in pages.values():
        assert page.status_code == 200
        assert CSRF_STAND_IN not in page.text
        assert len(_tokens(page.text)) == 1
    assert len({next(iter(_tokens(p.text))) for p in pages.values()}) == 3  # three sessions, three tokens

    fields = form_fields(pages["c"].text, "answers") | {f"status:{items[0]}": "met", f"reason:{items[0]}": "二号会话"}
    saved = again.post(f"/filings/{filing_id}/answers", data=fields)
    assert saved.status_code == 303, saved.text
    stale = first.post(f"/filings/{filing_id}/answers", data=fields)  # another session's token: refused
    assert stale.status_code == 403


def test_a_kept_page_is_never_served_to_another_provider_or_to_an_office_elsewhere(live: Live) -> None:
    filing_id, _ = new_draft(live, "page cache: who may see")
    # Everybody logs in first: a login is a write, and would let the kept page go.
    owner = live.browser_login("hz-admin")
    strangers = {name: live.browser_login(name) for name in ("nb-admin", "sz-cac", "assessor")}
    assert owner.get(f"/filings/{filing_id}").status_code == 200  # now kept
    for name, stranger in strangers.items():
        page = stranger.get(f"/filings/{filing_id}")
        assert page.status_code == 404, (name, page.status_code)
        assert "page cache: who may see" not in page.text

    hz, sz = live.browser_login("hz-cac"), live.browser_login("sz-cac")
    hz_queue, sz_queue = hz.get("/regulator"), sz.get("/regulator")
    assert "杭州市" in hz_queue.text and "深圳市" in sz_queue.text
    assert "杭州市" not in sz_queue.text.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_a_write_shows_at_once_on_the_kept_page(live: Live) -> None:
    filing_id, items = new_draft(live, "page cache: a write")
    client = live.browser_login("hz-admin")
    before = client.get(f"/filings/{filing_id}")
    assert "保存之后立即可见" not in before.text
    fields = form_fields(before.text, "answers") | {f"reason:{items[1]}": "保存之后立即可见"}
    assert client.post(f"/filings/{filing_id}/answers", data=fields).status_code == 303
    assert "保存之后立即可见" in client.get(f"/filings/{filing_id}").text
    assert "保存之后立即可见" in live.browser_login("hz-member").get(f"/filings/{filing_id}").text


def test_the_other_language_is_its_own_page(live: Live) -> None:
    filing_id, _ = new_draft(live, "page cache: languages")
    client = live.browser_login("hz-admin")
    zh = client.get(f"/filings/{filing_id}").text
    client.cookies.set("redline_lang", "en")
    en = client.get(f"/filings/{filing_id}").text
    assert '<html lang="zh-CN"' in zh and '<html lang="en"' in en
    assert zh != en


def test_with_the_page_cache_off_pages_are_the_same(live: Live) -> None:
    filing_id, _ = new_draft(live, "page cache: off")
    client = live.browser_login("hz-admin")
    kept = client.get(f"/filings/{filing_id}").text
    pages, size = live.ctx.pages, live.ctx.pages.maxsize
    live.ctx.pages.maxsize = 0
    try:
        fresh = client.get(f"/filings/{filing_id}").text
    finally:
        live.ctx.pages.maxsize = size
    assert pages is live.ctx.pages
    assert _without_tokens(kept) == _without_tokens(fresh)


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)
