"""The regulators' queue and dashboard in Debian's Chromium, as a city officer (杭州市网信办): search, sort,
filter, assign to oneself, save a view and reopen it, export CSV and XLSX and find in them exactly what the page
showed, drill down from a dashboard bar and a calendar day, and read every chart's text at 11 px or more."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Live
from tests.e2e.test_browser import login, shot


def _flat(text: str) -> str:
    return " ".join(text.split())


def _table(page: Page) -> list[list[str]]:
    """The queue as the officer reads it: the header row, then each row's cells (the checkbox column left out)."""
    headings = [_flat(t) for t in page.locator("#queue thead th[data-col]").all_inner_texts()]
    rows = [
        [_flat(t) for t in row.locator("td[data-col]").all_inner_texts()]
        for row in page.locator("#queue tbody tr[data-filing]").all()
    ]
    return [headings, *rows]


def _column(page: Page, key: str) -> list[str]:
    return [_flat(t) for t in page.locator(f"#queue tbody td[data-col={key}]").all_inner_texts()]


def _go(page: Page, selector: str) -> None:
    """Click what loads a new page and wait until it has loaded, so what is read next is the new page."""
    with page.expect_navigation():
        page.click(selector)


def _params(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _download(page: Page, link: str) -> Path:
    with page.expect_download() as info:
        page.click(link)
    path = info.value.path()
    assert path is not None
    return Path(path)


def test_a_city_officer_searches_sorts_filters_assigns_and_saves_a_view(browser: Browser, live: Live) -> None:
    officer = login(browser, live, "hz-cac")
    officer.goto(live.url + "/regulator")
    expect(officer.locator("h1")).to_contain_text("杭州市")
    everything = int(officer.locator("#total").inner_text())
    assert everything >= 3

    officer.fill("#filters input[name=q]", "书面通知")
    _go(officer, "#filters button[type=submit]")
    titles = _column(officer, "title")
    assert titles and all("书面通知" in t for t in titles)
    assert int(officer.locator("#total").inner_text()) == len(titles)

    officer.goto(live.url + "/regulator")
    _go(officer, "#queue th[data-col=due] a")
    assert _params(officer) == {"sort": "due", "order": "asc"}
    dues = [d for d in _column(officer, "due") if d != "—"]
    assert dues == sorted(dues)
    _go(officer, "#queue th[data-col=due] a")  # again: the other way round
    assert _params(officer)["order"] == "desc"
    assert [d for d in _column(officer, "due") if d != "—"] == sorted(dues, reverse=True)

    officer.select_option("#filters select[name=region]", label="西湖区")
    _go(officer, "#filters button[type=submit]")
    assert _params(officer)["region"] == "330106" and _params(officer)["sort"] == "due"
    assert set(_column(officer, "district")) == {"西湖区"}

    # tick the first row, assign it to oneself (the officer's own name is chosen first)
    first = officer.locator("#queue tbody tr[data-filing]").first
    filing = first.get_attribute("data-filing")
    first.locator("input[type=checkbox]").check()
    _go(officer, "#bulk button[type=submit]")
    expect(officer.locator("#done")).to_have_text("承办人已保存。")
    assert _params(officer)["region"] == "330106"  # back to the queue as it was
    row = officer.locator(f"#queue tr[data-filing='{filing}'] td[data-col=assignee]")
    expect(row).to_have_text("杭州市网信办（演示）")

    officer.select_option("#filters select[name=assignee]", "me")
    _go(officer, "#filters button[type=submit]")
    mine = [r.get_attribute("data-filing") for r in officer.locator("#queue tbody tr[data-filing]").all()]
    assert filing in mine and set(_column(officer, "assignee")) == {"杭州市网信办（演示）"}
    shown = _table(officer)

    officer.fill("#save-view input[name=name]", "我承办的 · 西湖区")
    _go(officer, "#save-view button[type=submit]")
    expect(officer.locator("#done")).to_have_text("视图已保存。")
    officer.goto(live.url + "/regulator")
    with officer.expect_navigation():
        officer.locator("#views a", has_text="我承办的 · 西湖区").click()
    assert _params(officer) == {"region": "330106", "assignee": "me", "sort": "due", "order": "desc"}
    assert _table(officer) == shown
    shot(officer, "queue-saved-view")


def test_the_csv_and_xlsx_exports_hold_exactly_what_the_queue_shows(browser: Browser, live: Live) -> None:
    officer = login(browser, live, "hz-cac")
    officer.goto(live.url + "/regulator?sort=time_left&order=asc")
    shown = _table(officer)
    assert len(shown) > 1 and shown[0][0] == "案件编号"

    with _download(officer, "#export-csv").open(encoding="utf-8-sig", newline="") as handle:
        from_csv = [[_flat(c) for c in row] for row in csv.reader(handle)]
    assert from_csv == shown

    book = load_workbook(io.BytesIO(_download(officer, "#export-xlsx").read_bytes()))
    sheet = book["待办队列"]
    from_xlsx = [[_flat(str(c.value)) for c in row] for row in sheet.iter_rows()]
    assert from_xlsx == shown


def test_a_dashboard_bar_and_a_calendar_day_open_the_queue_they_count(browser: Browser, live: Live) -> None:
    officer = login(browser, live, "hz-cac")
    officer.goto(live.url + "/regulator/dashboard")
    expect(officer.locator("figure figcaption")).to_have_count(4)
    district = officer.locator("#chart-district svg a").first
    name = district.locator("text.label").text_content() or ""
    count = int(district.locator("text.value").text_content() or "")
    assert re.fullmatch(r".+[区县市]", name), name  # a district of the city, not the province
    shot(officer, "dashboard-city")
    with officer.expect_navigation():
        district.locator("rect.bar").click()
    assert urlparse(officer.url).path == "/regulator" and "region" in _params(officer)
    assert int(officer.locator("#total").inner_text()) == count
    assert set(_column(officer, "district")) == {name}

    officer.goto(live.url + "/regulator/dashboard")
    day = officer.locator("#deadline-calendar td[data-total]:has(a.due)").first
    expected = int(day.get_attribute("data-total") or "0")
    date = day.get_attribute("data-day")
    with officer.expect_navigation():
        day.locator("a.due").click()
    assert _params(officer)["due_from"] == _params(officer)["due_to"] == date
    assert int(officer.locator("#total").inner_text()) == expected >= 1


def test_every_chart_text_reads_at_eleven_pixels_or_more(browser: Browser, live: Live) -> None:
    for who in ("hz-cac", "zj-cac"):
        officer = login(browser, live, who)
        officer.goto(live.url + "/regulator/dashboard")
        sizes = officer.eval_on_selector_all(
            "figure > svg[aria-label] text",
            """texts => texts.map(t => {
                const size = parseFloat(getComputedStyle(t).fontSize);
                const m = t.getScreenCTM();
                return [t.textContent, size, size * Math.hypot(m.a, m.b)];
            })""",
        )
        assert len(sizes) > 10
        small = [s for s in sizes if s[1] < 11 or s[2] < 11]
        assert not small, small


def test_the_queue_reads_in_english_with_place_names_not_codes(browser: Browser, live: Live) -> None:
    officer = login(browser, live, "hz-cac")
    officer.goto(live.url + "/lang/en?next=/regulator")
    expect(officer.locator("h1")).to_contain_text("Hangzhou")
    headings = _table(officer)[0]
    assert headings[:5] == ["Filing No.", "Filing", "Provider", "District", "State"]
    districts = set(_column(officer, "district"))
    assert districts and all(not re.search(r"\d", d) for d in districts), districts
    assert not any("_" in t for t in _column(officer, "technology"))


def test_hostile_queue_parameters_over_http_change_nothing(live: Live) -> None:
    client = live.browser_login("hz-cac")
    for query in ("sort=title%3B%20DROP%20TABLE%20filings", "order=desc%3B--", "region=33%25", "state=x%27"):
        response = client.get(f"/regulator?{query}")
        assert response.status_code == 422, query
    everything = client.get("/regulator").text.count("<tr data-filing=")
    for text in ("%", "_", "' OR '1'='1", '"; DELETE FROM filings; --'):
        response = client.get("/regulator", params={"q": text})
        assert response.status_code == 200, text
        rows = re.findall(r'<tr data-filing="\d+".*?</tr>', response.text, re.S)
        assert len(rows) < everything and all(html.escape(text) in r for r in rows), text
    csrf = client.get("/regulator").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    row = re.search(r'data-filing="(\d+)"', client.get("/regulator").text)
    assert row is not None
    # a tampered hidden field is refused before the assignment is written
    tampered = {"csrf_token": csrf, "filing_id": row.group(1), "officer": "", "sort": "id; --"}
    assert client.post("/regulator/assign", data=tampered).status_code == 422
    assert client.post("/regulator/assign", data={"filing_id": row.group(1), "officer": ""}).status_code == 403
    provider = live.browser_login("hz-admin")
    assert provider.get("/regulator/export.csv").status_code == 403
    token = provider.get("/provider").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert provider.post("/regulator/views", data={"csrf_token": token, "name": "x"}).status_code == 403
