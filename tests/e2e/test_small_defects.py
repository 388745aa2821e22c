"""Issue 17, point 7: small defects a new user met, each through the real server (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from redline.store.models import Filing, Service
from tests.e2e.conftest import Live
from tests.e2e.html_form import form_fields


def _service_id(live: Live) -> int:
    with live.ctx.reader() as uow:
        found = uow.session.scalar(select(Service.id).where(Service.name.like("声浪%")))
    assert found is not None
    return int(found)


def _filings(live: Live) -> int:
    with live.ctx.reader() as uow:
        return len(uow.session.scalars(select(Filing.id)).all())


FALL = {
    "kind": "user_growth",
    "date": "2027-06-01",
    "mau_before": "2000000",
    "mau_after": "1500000",
    "description": "月活下降",
}


def test_a_claimed_growth_with_fewer_users_after_is_refused_by_the_api_with_problem_json(live: Live) -> None:
    before = _filings(live)
    refused = live.api("hz-admin").post(
        "/api/v1/filings",
        json={"service_id": _service_id(live), "change": {**FALL, "mau_before": 2_000_000, "mau_after": 1_500_000}},
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["field"] == "mau_after" and "not growth" in refused.json()["detail"]
    assert _filings(live) == before


def test_a_claimed_growth_with_fewer_users_after_is_shown_again_on_the_change_form(live: Live) -> None:
    before = _filings(live)
    browser = live.browser_login("hz-admin")
    fields = form_fields(browser.get("/provider").text, "record-change")
    fields.update(FALL, service_id=str(_service_id(live)))
    shown = browser.post("/filings", data=fields)
    assert shown.status_code == 422
    assert 'id="change-error"' in shown.text and "用户减少或不变不是用户规模增加" in shown.text
    again = form_fields(shown.text, "record-change")
    assert (again["kind"], again["mau_before"], again["mau_after"]) == ("user_growth", "2000000", "1500000")
    assert again["description"] == "月活下降"
    assert _filings(live) == before
