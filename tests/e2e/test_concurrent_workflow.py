"""Workflow steps sent at the same moment to a server with three worker processes (the production shape), on
SQLite and PostgreSQL: the filing is decided on under lock, so exactly one step wins, the others are refused
with 409 from the state the winner left, and nothing of a losing step is written (issue 23, breaks 1 and 3);
steps of the two authorities, each in its own review, are both recorded (issue 17, point 4)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services import audit
from redline.services.access import accounts
from redline.services.context import Context
from redline.store.migrate import upgrade
from redline.store.models import Filing, FilingEvent, RectificationItem, Service
from tests.conftest import POSTGRES_URL, fresh_database
from tests.e2e.conftest import redline_serve


@dataclass
class World:
    url: str
    ctx: Context
    tokens: dict[str, str]

    def client(self, user: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.tokens[user]}"}, timeout=60)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("concurrent")
    with fresh_database(request.param, tmp, prefix="redline_race") as url:
        upgrade(url)
        ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
        load_demo(ctx)
        tokens = {}
        for user in ("hz-admin", "hz-cac", "hz-mps"):
            _, principal = accounts.login(ctx, user, DEMO_PASSWORD)
            tokens[user] = accounts.create_api_token(ctx, principal, "race")
        with redline_serve(url, tmp / "blobs", workers=3) as base:
            yield World(base, ctx, tokens)


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run every call in its own thread, released together."""
    gate = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)

    def run(n: int) -> None:
        gate.wait()
        answers[n] = calls[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def _draft(world: World, note: str, status: str = "met") -> tuple[int, list[str]]:
    provider = world.client("hz-admin")
    with world.ctx.reader() as uow:
        service_id = uow.session.scalar(select(Service.id).where(Service.name.like("声浪%")))
    created = provider.post(
        "/api/v1/filings",
        json={
            "service_id": service_id,
            "change": {"kind": "add_capability", "date": "2027-06-01", "capabilities": ["forum"], "description": note},
        },
    )
    assert created.status_code == 201, created.text
    filing_id = int(created.json()["id"])
    items = provider.get(f"/api/v1/filings/{filing_id}").json()["checklist_items"]
    saved = provider.put(
        f"/api/v1/filings/{filing_id}/answers", json={"answers": {i: {"status": status} for i in items}}
    )
    assert saved.status_code == 200, saved.text
    return filing_id, items


def _timeline_matches(world: World, filing_id: int) -> FilingEvent:
    with world.ctx.reader() as uow:
        filing = uow.session.get(Filing, filing_id)
        last = uow.session.scalars(
            select(FilingEvent).where(FilingEvent.filing_id == filing_id).order_by(FilingEvent.id.desc())
        ).first()
        assert filing is not None and last is not None and last.to_state == filing.state
        assert audit.verify(uow.session).ok
        return last


def test_eight_submits_at_once_seal_one_report_and_the_rest_are_409(world: World) -> None:
    filing_id, _ = _draft(world, "eight submits")
    clients = [world.client("hz-admin") for _ in range(8)]
    answers = at_once(
        [
            lambda c=c: c.post(f"/api/v1/filings/{filing_id}/actions/submit", json={})  # type: ignore[misc]
            for c in clients
        ]
    )
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7, [a.text for a in answers]
    assert all(
        a.headers["content-type"].startswith("application/problem+json") for a in answers if a.status_code == 409
    )
    with world.ctx.reader() as uow:
        submits = uow.session.scalar(
            select(func.count())
            .select_from(FilingEvent)
            .where(FilingEvent.filing_id == filing_id, FilingEvent.action == "submit")
        )
    assert submits == 1
    _timeline_matches(world, filing_id)


def test_five_different_review_decisions_at_once_leave_one_decision_and_only_its_effects(world: World) -> None:
    filing_id, _ = _draft(world, "five decisions")
    assert world.client("hz-admin").post(f"/api/v1/filings/{filing_id}/actions/submit", json={}).status_code == 200
    officer = world.client("hz-cac")
    accepted = officer.post(f"/api/v1/filings/{filing_id}/actions/start_review", json={})
    if accepted.status_code != 200:  # the workflow may start review on its own; then it is under review already
        assert accepted.status_code == 409, accepted.text
    decisions = {
        "accept": {"note": "无异议"},
        "request_supplement": {"note": "补充材料"},
        "order_rectification": {"note": "整改", "items": [{"text": "补齐日志留存", "due": "2027-12-31"}]},
        "start_inspection": {"note": "现场检查"},
        "order_reassessment": {"note": "重新评估"},
    }
    state_before = officer.get(f"/api/v1/filings/{filing_id}").json()["state"]
    answers = at_once(
        [
            lambda a=a, b=b: world.client("hz-cac").post(  # type: ignore[misc]
                f"/api/v1/filings/{filing_id}/actions/{a}", json=b
            )
            for a, b in decisions.items()
        ]
    )
    codes = {action: answer.status_code for action, answer in zip(decisions, answers, strict=True)}
    winners = [action for action, code in codes.items() if code == 200]
    allowed_from_state = [action for action, code in codes.items() if code != 422]
    assert len(winners) == 1, (state_before, codes, [a.text for a in answers])
    assert all(code in (200, 409) for code in codes.values()), (codes, [a.text for a in answers])
    assert allowed_from_state
    last = _timeline_matches(world, filing_id)
    assert last.action == winners[0]
    with world.ctx.reader() as uow:
        rounds = uow.session.scalars(
            select(RectificationItem.round).where(RectificationItem.filing_id == filing_id)
        ).all()
    assert rounds == ([1] if winners[0] == "order_rectification" else [])


def test_a_high_finding_saved_while_the_report_is_submitted_is_never_lost_in_a_compliant_seal(world: World) -> None:
    for attempt in range(4):
        filing_id, items = _draft(world, f"finding race {attempt}")
        provider = world.client("hz-admin")
        finding = {items[0]: {"status": "partly_met", "findings": [{"severity": "high", "text": "日志缺失"}]}}
        path, submitter = f"/api/v1/filings/{filing_id}", world.client("hz-admin")
        save, submit = at_once(
            [
                lambda c=provider, p=path, f=finding: c.put(f"{p}/answers", json={"answers": f}),  # type: ignore[misc]
                lambda c=submitter, p=path: c.post(f"{p}/actions/submit", json={}),  # type: ignore[misc]
            ]
        )
        assert (save.status_code, submit.status_code) in ((200, 422), (409, 200)), (save.text, submit.text)
        with world.ctx.reader() as uow:
            filing = uow.session.get(Filing, filing_id)
            assert filing is not None
            if submit.status_code == 200:  # the report was sealed first; the finding was refused, not lost
                assert filing.report is not None and filing.answers[items[0]]["status"] == "met"
            else:
                assert filing.report is None and filing.answers[items[0]]["findings"][0]["severity"] == "high"
        _timeline_matches(world, filing_id)


def test_the_cac_and_the_police_concluding_at_the_same_moment_are_both_recorded(world: World) -> None:
    for attempt in range(3):
        filing_id, _ = _draft(world, f"parallel review {attempt}")
        assert world.client("hz-admin").post(f"/api/v1/filings/{filing_id}/actions/submit", json={}).status_code == 200
        for officer in ("hz-cac", "hz-mps"):
            started = world.client(officer).post(f"/api/v1/filings/{filing_id}/actions/start_review", json={})
            assert started.status_code == 200, started.text
        cac, mps = world.client("hz-cac"), world.client("hz-mps")
        path = f"/api/v1/filings/{filing_id}/actions"
        answers = at_once(
            [
                lambda c=cac, p=path: c.post(f"{p}/accept", json={"note": "网信接收"}),  # type: ignore[misc]
                lambda c=mps, p=path: c.post(f"{p}/request_supplement", json={"note": "公安要求补充"}),  # type: ignore[misc]
            ]
        )
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        detail = world.client("hz-admin").get(f"/api/v1/filings/{filing_id}").json()
        assert {r["authority"]: (r["state"], r["note"]) for r in detail["reviews"]} == {
            "cac": ("accepted", "网信接收"),
            "mps": ("supplement_requested", "公安要求补充"),
        }
        assert detail["state"] == "supplement_requested"
        _timeline_matches(world, filing_id)


def test_an_officer_closing_for_the_other_authority_gets_403_with_the_reason(world: World) -> None:
    filing_id, _ = _draft(world, "close for the other")
    assert world.client("hz-admin").post(f"/api/v1/filings/{filing_id}/actions/submit", json={}).status_code == 200
    cac = world.client("hz-cac")
    for step in ("start_review", "accept"):
        assert cac.post(f"/api/v1/filings/{filing_id}/actions/{step}", json={}).status_code == 200
    refused = world.client("hz-mps").post(f"/api/v1/filings/{filing_id}/actions/close", json={"note": "结案"})
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "other authority" in refused.json()["detail"]
    reviews = {r["authority"]: r["state"] for r in cac.get(f"/api/v1/filings/{filing_id}").json()["reviews"]}
    assert reviews == {"cac": "accepted", "mps": "submitted"}
