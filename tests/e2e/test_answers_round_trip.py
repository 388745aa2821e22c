"""The checklist answers round-trip exactly (issue 17, point 1), through the real HTTP form and the API, on
SQLite and PostgreSQL: the form shows what is stored, saving it unchanged changes nothing, every finding keeps
its own severity, a finding without a severity is refused (never read as "medium"), and submission is decided
on what is stored."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from redline.store.models import Filing, FilingEvent
from tests.e2e.conftest import Live
from tests.e2e.drafts import new_draft
from tests.e2e.html_form import form_fields


def _stored(live: Live, filing_id: int) -> tuple[dict[str, Any], int, str | None]:
    """The answers as stored, how many timeline events the filing has, and its state."""
    with live.ctx.reader() as uow:
        filing = uow.session.get(Filing, filing_id)
        assert filing is not None
        events = uow.session.scalar(
            select(func.count()).select_from(FilingEvent).where(FilingEvent.filing_id == filing_id)
        )
        return dict(filing.answers), int(events or 0), filing.state


def _page_form(client: httpx.Client, filing_id: int) -> dict[str, str]:
    page = client.get(f"/filings/{filing_id}")
    assert page.status_code == 200, page.text
    return form_fields(page.text, "answers")


def _post_form(client: httpx.Client, filing_id: int, fields: dict[str, str]) -> httpx.Response:
    return client.post(f"/filings/{filing_id}/answers", data=fields)


def test_a_high_finding_survives_saving_the_unchanged_form_and_blocks_submission(live: Live) -> None:
    filing_id, items = new_draft(live, "round trip by form")
    first = items[0]
    browser = live.browser_login("hz-admin")
    fields = _page_form(browser, filing_id)
    for item in items:
        fields[f"status:{item}"] = "met"
    fields[f"status:{first}"], fields[f"reason:{first}"] = "partly_met", "日志只留存三个月"
    fields[f"fsev:{first}:0"], fields[f"ftext:{first}:0"] = "high", "登录日志缺少源端口"
    assert _post_form(browser, filing_id, fields).status_code == 303

    fields = _page_form(browser, filing_id)
    assert fields[f"fsev:{first}:0"] == "high"  # the stored severity is what the page shows
    assert fields[f"ftext:{first}:0"] == "登录日志缺少源端口"
    assert fields[f"status:{first}"] == "partly_met" and fields[f"reason:{first}"] == "日志只留存三个月"
    fields[f"fsev:{first}:1"], fields[f"ftext:{first}:1"] = "low", "日志页面说明不清"  # the "add finding" row
    assert _post_form(browser, filing_id, fields).status_code == 303
    stored, events, _ = _stored(live, filing_id)
    assert stored[first] == {
        "status": "partly_met",
        "reason": "日志只留存三个月",
        "findings": [
            {"severity": "high", "text": "登录日志缺少源端口"},
            {"severity": "low", "text": "日志页面说明不清"},
        ],
    }

    for _ in range(2):
        assert _post_form(browser, filing_id, _page_form(browser, filing_id)).status_code == 303
        assert _stored(live, filing_id)[:2] == (stored, events)

    refused = live.api("hz-admin").post(f"/api/v1/filings/{filing_id}/actions/submit", json={})
    assert refused.status_code == 422, refused.text
    assert _stored(live, filing_id)[2] == "draft"


def test_saving_the_answers_the_api_returned_changes_nothing(live: Live) -> None:
    filing_id, items = new_draft(live, "round trip by api")
    api = live.api("hz-admin")
    findings = [
        {"severity": "critical", "text": "未留存日志"},
        {"severity": "medium", "text": "制度未公开"},
        {"severity": "critical", "text": "未留存日志"},
    ]  # the same finding twice stays twice
    answers = {i: {"status": "met"} for i in items} | {
        items[1]: {"status": "partly_met", "reason": "部分", "findings": findings}
    }
    assert api.put(f"/api/v1/filings/{filing_id}/answers", json={"answers": answers}).status_code == 200
    stored, events, _ = _stored(live, filing_id)
    assert [f["severity"] for f in stored[items[1]]["findings"]] == ["critical", "medium", "critical"]

    returned = api.get(f"/api/v1/filings/{filing_id}").json()["answers"]
    assert api.put(f"/api/v1/filings/{filing_id}/answers", json={"answers": returned}).status_code == 200
    assert _stored(live, filing_id)[:2] == (stored, events)
    browser = live.browser_login("hz-admin")
    assert _post_form(browser, filing_id, _page_form(browser, filing_id)).status_code == 303
    assert _stored(live, filing_id)[:2] == (stored, events)
    assert api.post(f"/api/v1/filings/{filing_id}/actions/submit", json={}).status_code == 422


def test_a_finding_without_a_severity_is_refused_by_the_form_and_the_api_and_nothing_changes(live: Live) -> None:
    filing_id, items = new_draft(live, "no severity")
    first = items[0]
    api = live.api("hz-admin")
    assert (
        api.put(
            f"/api/v1/filings/{filing_id}/answers", json={"answers": {i: {"status": "met"} for i in items}}
        ).status_code
        == 200
    )
    before = _stored(live, filing_id)

    no_severity = ({"text": "未留存日志"}, {"severity": "", "text": "未留存日志"}, {"severity": "severe", "text": "x"})
    for finding in no_severity:
        refused = api.put(
            f"/api/v1/filings/{filing_id}/answers",
            json={"answers": {first: {"status": "partly_met", "findings": [finding]}}},
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "severity" in refused.text
    assert _stored(live, filing_id) == before

    browser = live.browser_login("hz-admin")
    fields = _page_form(browser, filing_id)
    fields[f"status:{first}"], fields[f"ftext:{first}:0"] = "partly_met", "未留存日志"
    assert fields[f"fsev:{first}:0"] == ""  # the "add finding" row starts without a severity
    shown = _post_form(browser, filing_id, fields)
    assert shown.status_code == 422
    assert 'role="alert"' in shown.text and "严重程度" in shown.text  # the form again, with the message
    again = form_fields(shown.text, "answers")
    assert again[f"ftext:{first}:0"] == "未留存日志" and again[f"status:{first}"] == "partly_met"
    assert _stored(live, filing_id) == before


def test_a_finding_is_removed_only_when_its_removal_is_ticked(live: Live) -> None:
    filing_id, items = new_draft(live, "removal")
    first = items[0]
    api = live.api("hz-admin")
    answers = {
        first: {
            "status": "partly_met",
            "findings": [{"severity": "medium", "text": "一"}, {"severity": "low", "text": "二"}],
        }
    }
    assert api.put(f"/api/v1/filings/{filing_id}/answers", json={"answers": answers}).status_code == 200
    browser = live.browser_login("hz-admin")

    fields = _page_form(browser, filing_id)
    fields[f"ftext:{first}:0"] = ""  # emptied, not removed: refused, kept
    assert _post_form(browser, filing_id, fields).status_code == 422
    assert len(_stored(live, filing_id)[0][first]["findings"]) == 2

    fields = _page_form(browser, filing_id)
    fields[f"fdel:{first}:0"] = "on"
    assert _post_form(browser, filing_id, fields).status_code == 303
    assert _stored(live, filing_id)[0][first]["findings"] == [{"severity": "low", "text": "二"}]
