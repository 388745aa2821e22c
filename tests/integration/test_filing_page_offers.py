"""The filing page offers each viewer exactly what the workflow allows them now: every step button and every
form (answers, invitation, signature, comments, judgements, rectification answers) corresponds to the domain's
`allowed_actions` and tasks, at each stage of one filing taken through both authorities' reviews."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.parallel_review import Authority, standing
from redline.domain.workflow import Action, Actor, FilingState, Role, Task, allowed_actions, may_do
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries, review
from redline.services.filing.review import RectificationDemand
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.web.app import create_app

PASSWORD = "correct-horse-42"
SERVICE = {"service": {"name": "声浪", "capabilities": ["voice_chat_room", "group_chat"]}}
TODAY = dt.date(2026, 3, 2)


@dataclasses.dataclass
class Viewer:
    principal: Principal
    client: TestClient


@dataclasses.dataclass
class World:
    ctx: Context
    viewers: dict[str, Viewer]
    filing_id: int

    def p(self, name: str) -> Principal:
        return self.viewers[name].principal


def _viewer(
    ctx: Context, app: object, name: str, role: Role, org: int | None = None, juris: str | None = None
) -> Viewer:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    client = TestClient(app)  # type: ignore[arg-type]
    csrf = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    login = client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf, "next": "/"}, follow_redirects=False
    )
    assert login.status_code == 303, login.text
    return Viewer(accounts.login(ctx, name, PASSWORD)[1], client)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    ctx = dataclasses.replace(ctx, today=lambda: TODAY, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    app = create_app(ctx)
    hz = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    firm = filings.create_organisation(ctx, "assessor", "某测评机构（虚构）", "330106")
    viewers = {
        "admin": _viewer(ctx, app, "hz-admin", Role.PROVIDER_ADMIN, hz),
        "member": _viewer(ctx, app, "hz-member", Role.PROVIDER_MEMBER, hz),
        "assessor": _viewer(ctx, app, "tp-assessor", Role.ASSESSOR, firm),
        "cac": _viewer(ctx, app, "hz-cac", Role.CAC_OFFICER, juris="330100"),
        "mps": _viewer(ctx, app, "hz-mps", Role.MPS_OFFICER, juris="330100"),
    }
    service_id = filings.add_service(ctx, viewers["admin"].principal, SERVICE)
    fid = filings.record_change(
        ctx,
        viewers["admin"].principal,
        service_id,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    yield World(ctx, viewers, fid)


FORMS = {
    "answers": Task.EDIT_ASSESSMENT,
    "assessor": Task.INVITE_ASSESSOR,
    "sign": Task.SIGN_CONCLUSION,
    "comments": Task.COMMENT,
    "judgements": Task.RECORD_JUDGEMENT,
}


def _offered(html: str, fid: int) -> tuple[set[str], set[str]]:
    """The steps and the other forms the page offers, read from the forms' targets."""
    targets = re.findall(rf'<form [^>]*action="/filings/{fid}/([^"]+)"', html)
    steps = {t.removeprefix("actions/") for t in targets if t.startswith("actions/")}
    forms = {re.sub(r"/\d+$", "", t) for t in targets if not t.startswith("actions/")}
    return steps, forms


def _check_page(w: World) -> dict[str, set[str]]:
    """For every viewer who may see the filing: the page's offer equals the domain's; returns the steps offered."""
    view = queries.get_filing(w.ctx, w.p("admin"), w.filing_id)
    tracks = {Authority(r.authority): FilingState(r.state) for r in view.reviews}
    offered_steps = {}
    for name, v in w.viewers.items():
        response = v.client.get(f"/filings/{w.filing_id}")
        if response.status_code == 404:  # out of reach: regulators before submission, assessors uninvited
            assert (v.principal.is_regulator and view.filing.submitted_at is None) or (
                name == "assessor" and view.filing.assessor_id is None
            ), name
            continue
        assert response.status_code == 200, response.text
        steps, forms = _offered(response.text, w.filing_id)
        role = v.principal.role
        where, actor = standing(tracks, role), Actor(role, invited=name == "assessor")
        assert steps == {a.value for a in allowed_actions(where, role)}, (name, tracks)
        expected_forms = {form for form, task in FORMS.items() if may_do(task, actor, where)}
        expected_forms -= {"judgements"}  # this change leaves no question to judgement: no form to show
        if "answers" in expected_forms:
            expected_forms.add("evidence")
        if may_do(Task.ANSWER_RECTIFICATION, actor, where) and any(not r.verified for r in view.rectification):
            expected_forms.add("rectification")
        assert forms - {"report-pdf-job"} == expected_forms, (name, tracks)
        offered_steps[name] = steps
    return offered_steps


def test_at_every_stage_the_page_offers_what_the_workflow_allows(world: World) -> None:
    w, ctx = world, world.ctx
    offered = _check_page(w)
    assert offered == {"admin": {"submit"}, "member": set()}
    assert "review-line" not in w.viewers["admin"].client.get("/provider").text  # not before submission
    filings.invite_assessor(ctx, w.p("admin"), w.filing_id, "tp-assessor")
    _check_page(w)
    items = queries.get_filing(ctx, w.p("admin"), w.filing_id).items
    filings.save_answers(ctx, w.p("assessor"), w.filing_id, {i: {"status": "met"} for i in items})
    filings.sign_conclusion(ctx, w.p("assessor"), w.filing_id, "符合要求")
    review.act(ctx, w.p("admin"), w.filing_id, Action.SUBMIT)
    offered = _check_page(w)
    assert offered["cac"] == offered["mps"] == {"start_review"} and offered["admin"] == set()
    assert w.viewers["admin"].client.get("/provider").text.count('class="muted review-line"') == 2
    review.act(ctx, w.p("cac"), w.filing_id, Action.START_REVIEW)
    _check_page(w)
    review.act(ctx, w.p("mps"), w.filing_id, Action.START_REVIEW)
    review.act(ctx, w.p("cac"), w.filing_id, Action.START_INSPECTION)
    offered = _check_page(w)
    assert offered["cac"] == {"finish_inspection"}
    assert offered["mps"] == {
        "accept",
        "request_supplement",
        "order_reassessment",
        "start_inspection",
        "order_rectification",
    }
    review.act(ctx, w.p("cac"), w.filing_id, Action.FINISH_INSPECTION, extra={"inspectors": "张三、李四"})
    review.act(
        ctx,
        w.p("cac"),
        w.filing_id,
        Action.ORDER_RECTIFICATION,
        "请整改",
        {"items": [RectificationDemand("补充日志留存", TODAY + dt.timedelta(days=20))]},
    )
    review.act(ctx, w.p("mps"), w.filing_id, Action.REQUEST_SUPPLEMENT, "请补充说明")
    offered = _check_page(w)
    assert offered["admin"] == {"submit", "submit_rectification"} and offered["member"] == set()
    assert offered["cac"] == offered["mps"] == set()
    (item,) = queries.get_filing(ctx, w.p("admin"), w.filing_id).rectification
    review.answer_rectification(ctx, w.p("admin"), w.filing_id, item.id, "已整改")
    _check_page(w)
    review.act(ctx, w.p("admin"), w.filing_id, Action.SUBMIT_RECTIFICATION)
    review.act(ctx, w.p("admin"), w.filing_id, Action.SUBMIT)
    _check_page(w)
    review.act(ctx, w.p("cac"), w.filing_id, Action.VERIFY)
    review.act(ctx, w.p("cac"), w.filing_id, Action.CLOSE)
    review.act(ctx, w.p("mps"), w.filing_id, Action.START_REVIEW)
    _check_page(w)
    review.act(ctx, w.p("mps"), w.filing_id, Action.ACCEPT)
    review.act(ctx, w.p("mps"), w.filing_id, Action.CLOSE)
    offered = _check_page(w)
    assert all(steps == set() for steps in offered.values())
