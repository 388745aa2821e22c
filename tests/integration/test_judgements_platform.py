"""Judgements on the platform: recorded with the filing (who, when, why), audited, and then deciding its duties.

Art. 3(3) of the 2018 rule: 用户规模显著增加，导致信息服务的舆论属性或者社会动员能力发生重大变化的 — a forum of
10 million monthly users reaching 17 million. Until the provider records its judgement, the assessment depends on it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, judging, queries
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry, Filing

PASSWORD = "correct-horse-42"
FORUM = {"service": {"name": "西湖论坛", "capabilities": ["forum"], "monthly_active_users": 10_000_000}}
GROWTH = {"date": "2026-03-02", "description": "月活跃用户增至 1700 万", "mau_after": 17_000_000}
REASONS = "新增用户集中于时政话题版块，公共讨论明显增多。"


@dataclasses.dataclass
class World:
    ctx: Context
    provider: Principal
    cac: Principal
    filing_id: int


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    ctx = dataclasses.replace(
        ctx, today=lambda: dt.date(2026, 3, 3), now=lambda: dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
    )
    org = filings.create_organisation(ctx, "provider", "杭州西湖论坛（虚构）", "330106")
    provider = _user(ctx, "wangmin", Role.PROVIDER_ADMIN, org)
    service_id = filings.add_service(ctx, provider, FORUM)
    filing_id = filings.record_change(ctx, provider, service_id, GROWTH)
    yield World(ctx, provider, _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100"), filing_id)


def _filing(w: World) -> Filing:
    return queries.get_filing(w.ctx, w.provider, w.filing_id).filing


def test_before_a_judgement_the_filing_says_the_assessment_depends_on_it(world: World) -> None:
    (ob,) = _filing(world).obligations
    assert ob["trigger_id"] == "sa2018-3-3" and ob["outcome"] == "depends_on_judgement"


def test_a_judgement_of_no_clears_the_duty_and_is_audited(world: World) -> None:
    judging.record_judgement(world.ctx, world.provider, world.filing_id, "significant_growth", False, REASONS)
    filing = _filing(world)
    assert filing.obligations == [] and filing.due_date is None
    (recorded,) = filing.change["judgements"]
    assert recorded == {
        "question": "significant_growth",
        "answer": False,
        "by": "wangmin",
        "date": "2026-03-03",
        "reasons": REASONS,
    }
    with world.ctx.uow() as uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "filing.judgement")).one()
    data = json.loads(entry.data)
    assert entry.actor == "wangmin" and entry.subject == f"filing:{world.filing_id}"
    assert data["question"] == "significant_growth" and data["answer"] is False and data["reasons"] == REASONS


def test_a_judgement_of_yes_makes_it_due_in_thirty_working_days_naming_who_judged(world: World) -> None:
    judging.record_judgement(world.ctx, world.provider, world.filing_id, "significant_growth", True, REASONS)
    filing = _filing(world)
    (ob,) = filing.obligations
    assert ob["outcome"] == "due" and ob["judgements"][0]["by"] == "wangmin"
    assert filing.due_date == dt.date(2026, 4, 14)  # 30 working days from Monday 2 March 2026 (清明 6 April)


def test_a_later_judgement_replaces_the_earlier_one(world: World) -> None:
    judging.record_judgement(world.ctx, world.provider, world.filing_id, "significant_growth", True, REASONS)
    judging.record_judgement(
        world.ctx, world.provider, world.filing_id, "significant_growth", False, "复核后认为不显著。"
    )
    filing = _filing(world)
    assert [j["answer"] for j in filing.change["judgements"]] == [False] and filing.obligations == []


@pytest.mark.parametrize(
    ("question", "reasons", "field"), [("significant_growth", "  ", "reasons"), ("big_enough", REASONS, "question")]
)
def test_a_judgement_without_reasons_or_of_an_unknown_question_is_refused(
    world: World, question: str, reasons: str, field: str
) -> None:
    with pytest.raises(InputError) as caught:
        judging.record_judgement(world.ctx, world.provider, world.filing_id, question, True, reasons)
    assert caught.value.field == field
    assert "judgements" not in _filing(world).change


def test_a_regulator_does_not_judge_for_the_provider(world: World) -> None:
    with pytest.raises((PermissionDeniedError, NotFoundError)):  # a draft is not even visible to the regulator
        judging.record_judgement(world.ctx, world.cac, world.filing_id, "significant_growth", True, REASONS)


def test_the_api_records_a_judgement_and_returns_the_filings_new_duties(world: World) -> None:
    from redline.web.app import create_app

    token = accounts.create_api_token(world.ctx, world.provider, "test")
    client = TestClient(create_app(world.ctx))
    response = client.post(
        f"/api/v1/filings/{world.filing_id}/judgements",
        headers={"Authorization": f"Bearer {token}"},
        json={"question": "significant_growth", "answer": True, "reasons": REASONS},
    )
    assert response.status_code == 200, response.text
    (ob,) = response.json()["obligations"]
    assert ob["outcome"] == "due" and ob["judgements"][0]["reasons"] == REASONS


def test_the_filing_page_shows_the_judgement_and_who_made_it(world: World) -> None:
    from redline.web.app import create_app

    judging.record_judgement(world.ctx, world.provider, world.filing_id, "significant_growth", True, REASONS)
    client = TestClient(create_app(world.ctx))
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    login = client.post(
        "/login",
        data={"username": "wangmin", "password": PASSWORD, "csrf_token": csrf, "next": "/"},
        follow_redirects=False,
    )
    assert login.status_code == 303, login.text
    html = client.get(f"/filings/{world.filing_id}").text
    assert "依据判断，判断人 wangmin" in html and "已记录的判断" in html and REASONS in html
    assert "已记录判断" in html  # the timeline entry
