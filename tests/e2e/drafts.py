"""A provider's fresh draft on the demo platform, made through the API as hz-admin (杭州声浪): shared by the e2e
tests that then work on it through the pages."""

from __future__ import annotations

from sqlalchemy import select

from redline.store.models import Service
from tests.e2e.conftest import Live


def new_draft(live: Live, note: str) -> tuple[int, list[str]]:
    """A draft filing for adding a forum to 声浪, described by `note`: its id and its checklist items."""
    with live.ctx.reader() as uow:
        service_id = uow.session.scalar(select(Service.id).where(Service.name.like("声浪%")))
    created = live.api("hz-admin").post(
        "/api/v1/filings",
        json={
            "service_id": service_id,
            "change": {"kind": "add_capability", "date": "2027-06-01", "capabilities": ["forum"], "description": note},
        },
    )
    assert created.status_code == 201, created.text
    filing_id = int(created.json()["id"])
    return filing_id, live.api("hz-admin").get(f"/api/v1/filings/{filing_id}").json()["checklist_items"]
