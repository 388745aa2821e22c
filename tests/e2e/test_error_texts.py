"""Issue 15, B12: a 403/404/422 answer names nothing outside the caller's reach. A regulator who names
another jurisdiction's service or provider gets the answer an id that does not exist gets, without the
other side's location or name."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from redline.store.models import Organisation, Service
from tests.e2e.conftest import Live

MISSING = 2_000_000_000


def _beijing(live: Live) -> tuple[Organisation, int]:
    with live.ctx.reader() as uow:
        org = uow.session.scalars(
            select(Organisation).where(Organisation.location.startswith("11"), Organisation.kind == "provider")
        ).one()
        service = uow.session.scalars(select(Service.id).where(Service.provider_id == org.id)).one()
        uow.session.expunge(org)
    return org, service


def _same_but_the_id(a: dict[str, object], b: dict[str, object], ids: tuple[int, int]) -> None:
    assert a["status"] == b["status"]
    assert str(a["detail"]).replace(str(ids[0]), "N") == str(b["detail"]).replace(str(ids[1]), "N")


def _names_nothing_of(body: str, org: Organisation) -> None:
    assert org.location not in body and org.name not in body and "110000" not in body


def test_a_notice_to_another_jurisdictions_service_reads_as_no_such_service(live: Live) -> None:
    org, service = _beijing(live)
    hz = live.api("hz-cac")
    other = hz.post("/api/v1/notices", json={"service_id": service, "reference": "x", "note": "x"})
    missing = hz.post("/api/v1/notices", json={"service_id": MISSING, "reference": "x", "note": "x"})
    _names_nothing_of(other.text, org)
    _same_but_the_id(other.json(), missing.json(), (service, MISSING))


def test_a_summons_of_another_jurisdictions_provider_reads_as_no_such_provider(live: Live) -> None:
    org, _ = _beijing(live)
    hz = live.api("hz-cac")
    body = {"date": dt.date.today().isoformat(), "agencies": "a", "attendees": "b", "problems": "c", "demands": "d"}
    other = hz.post("/api/v1/summonses", json={**body, "provider_id": org.id})
    missing = hz.post("/api/v1/summonses", json={**body, "provider_id": MISSING})
    _names_nothing_of(other.text, org)
    _same_but_the_id(other.json(), missing.json(), (org.id, MISSING))


def test_a_campaign_naming_another_jurisdictions_provider_reads_as_no_such_provider(live: Live) -> None:
    org, _ = _beijing(live)
    hz = live.api("hz-cac")
    today = dt.date.today().isoformat()
    spec = {
        "name": "x",
        "region": "330100",
        "basis": ["ailabel2025"],
        "period_start": today,
        "period_end": today,
        "probes": [{"name": "aigc-label"}],
    }
    other = hz.post("/api/v1/campaigns", json={**spec, "provider_ids": [org.id]})
    missing = hz.post("/api/v1/campaigns", json={**spec, "provider_ids": [MISSING]})
    assert other.status_code == 422
    _names_nothing_of(other.text, org)
    _same_but_the_id(other.json(), missing.json(), (org.id, MISSING))


def test_a_refusal_over_a_region_does_not_echo_the_callers_or_the_targets_codes(live: Live) -> None:
    today = dt.date.today().isoformat()
    spec = {
        "name": "x",
        "region": "110000",
        "basis": ["ailabel2025"],
        "period_start": today,
        "period_end": today,
        "probes": [{"name": "aigc-label"}],
    }
    response = live.api("hz-cac").post("/api/v1/campaigns", json=spec)
    assert response.status_code == 403
    assert not re.search(r"\d{6}", response.json()["detail"])
