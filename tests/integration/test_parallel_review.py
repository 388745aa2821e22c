"""Parallel review through the services, on SQLite and PostgreSQL: the CAC office and the public-security organ
of the jurisdiction each review the report within their own duties (Art. 7 of the 2018 rule)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, FilingState, Role
from redline.errors import PermissionDeniedError, RedlineError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries, review
from redline.services.principal import Principal
from redline.store.db import make_engine
from redline.store.migrate import alembic_config, upgrade
from redline.store.models import Filing, FilingEvent, FilingReview, Organisation

PASSWORD = "correct-horse-42"
SERVICE = {"service": {"name": "声浪", "capabilities": ["voice_chat_room", "group_chat"]}}


@dataclasses.dataclass
class World:
    ctx: Context
    provider: Principal
    cac: Principal
    mps: Principal
    service_id: int


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, f"{name} officer", org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    ctx = dataclasses.replace(
        ctx, today=lambda: dt.date(2026, 3, 2), now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    hz = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    provider = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, hz)
    w = World(
        ctx,
        provider,
        _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100"),
        _user(ctx, "hz-mps", Role.MPS_OFFICER, juris="330100"),
        filings.add_service(ctx, provider, SERVICE),
    )
    yield w


def _submitted(w: World, *, both_reviewing: bool = True) -> int:
    fid = filings.record_change(
        w.ctx,
        w.provider,
        w.service_id,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    items = queries.get_filing(w.ctx, w.provider, fid).items
    filings.save_answers(w.ctx, w.provider, fid, {i: {"status": "met"} for i in items})
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    if both_reviewing:
        review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
        review.act(w.ctx, w.mps, fid, Action.START_REVIEW)
    return fid


def _reviews(w: World, who: Principal, fid: int) -> dict[str, tuple[str, str, str]]:
    """authority -> (state, officer, note), as `who` is shown them."""
    return {r.authority: (r.state, r.officer_name, r.note) for r in queries.get_filing(w.ctx, who, fid).reviews}


def test_cac_accepts_and_the_police_have_not_so_the_filing_is_not_closed_and_waits_for_the_police(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.ACCEPT, "网信部门审查完毕")
    assert review.act(w.ctx, w.cac, fid, Action.CLOSE, "网信部门结案") is FilingState.UNDER_REVIEW
    view = queries.get_filing(w.ctx, w.provider, fid)
    assert view.filing.state != FilingState.CLOSED
    assert _reviews(w, w.provider, fid) == {
        "cac": ("closed", "hz-cac officer", "网信部门结案"),
        "mps": ("under_review", "hz-mps officer", ""),
    }
    cac_review = next(r for r in view.reviews if r.authority == "cac")
    assert cac_review.at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_police_request_a_supplement_while_cac_accepted_and_the_provider_sees_the_polices_request(
    world: World,
) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.ACCEPT)
    review.act(w.ctx, w.mps, fid, Action.REQUEST_SUPPLEMENT, "请补充日志留存六个月的证明")
    view = queries.get_filing(w.ctx, w.provider, fid)
    assert view.filing.state == FilingState.SUPPLEMENT_REQUESTED
    assert "submit" in view.actions
    assert _reviews(w, w.provider, fid)["mps"] == (
        "supplement_requested",
        "hz-mps officer",
        "请补充日志留存六个月的证明",
    )
    assert _reviews(w, w.provider, fid)["cac"][0] == "accepted"
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)  # the supplement goes to the police; CAC's acceptance stands
    assert {a: s for a, (s, _, _) in _reviews(w, w.provider, fid).items()} == {"cac": "accepted", "mps": "submitted"}


def test_each_authority_closes_only_its_own_review_and_the_filing_closes_with_the_second(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.ACCEPT)
    review.act(w.ctx, w.mps, fid, Action.ACCEPT)
    assert review.act(w.ctx, w.mps, fid, Action.CLOSE) is FilingState.ACCEPTED
    assert _reviews(w, w.cac, fid)["cac"][0] == "accepted"
    assert review.act(w.ctx, w.cac, fid, Action.CLOSE) is FilingState.CLOSED


def test_an_officer_of_the_other_authority_cannot_act_for_the_first_and_nothing_is_written(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.ACCEPT)
    before = _reviews(w, w.cac, fid)
    with w.ctx.reader() as uow:
        events = uow.session.scalar(select(func.count()).select_from(FilingEvent).where(FilingEvent.filing_id == fid))
    with pytest.raises(PermissionDeniedError, match="other authority") as refused:
        review.act(w.ctx, w.mps, fid, Action.CLOSE, "关闭")
    assert "mps" in refused.value.message and "cac" in refused.value.message
    assert _reviews(w, w.cac, fid) == before
    with w.ctx.reader() as uow:
        assert (
            uow.session.scalar(select(func.count()).select_from(FilingEvent).where(FilingEvent.filing_id == fid))
            == events
        )
    assert "close" not in queries.get_filing(w.ctx, w.mps, fid).actions
    assert "close" in queries.get_filing(w.ctx, w.cac, fid).actions


def test_an_officer_sees_what_the_other_authority_concluded(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.REQUEST_SUPPLEMENT, "请补充算法备案材料")
    assert _reviews(w, w.mps, fid)["cac"] == ("supplement_requested", "hz-cac officer", "请补充算法备案材料")


def test_a_rectification_is_verified_only_by_the_authority_that_ordered_it(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.mps, fid, Action.ACCEPT)
    review.act(
        w.ctx,
        w.cac,
        fid,
        Action.ORDER_RECTIFICATION,
        "标识不全",
        {"items": [review.RectificationDemand("补齐显式标识", dt.date(2026, 4, 30))]},
    )
    (item,) = queries.get_filing(w.ctx, w.provider, fid).rectification
    review.answer_rectification(w.ctx, w.provider, fid, item.id, "已补齐")
    review.act(w.ctx, w.provider, fid, Action.SUBMIT_RECTIFICATION)
    with pytest.raises(PermissionDeniedError, match="other authority"):
        review.act(w.ctx, w.mps, fid, Action.VERIFY)
    review.act(w.ctx, w.cac, fid, Action.VERIFY)
    assert queries.get_filing(w.ctx, w.provider, fid).rectification[0].verified
    review.act(w.ctx, w.cac, fid, Action.CLOSE)
    assert review.act(w.ctx, w.mps, fid, Action.CLOSE) is FilingState.CLOSED


def test_a_comment_is_made_within_the_officers_own_review(world: World) -> None:
    w = world
    fid = _submitted(w, both_reviewing=False)
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    item = queries.get_filing(w.ctx, w.cac, fid).items[0]
    review.comment(w.ctx, w.cac, fid, item, "请补充排班表")
    with pytest.raises(RedlineError, match="your authority's review is in state 'submitted'"):
        review.comment(w.ctx, w.mps, fid, item, "公安意见")


def _at_once(calls: list[Callable[[], object]]) -> list[BaseException | None]:
    gate = threading.Barrier(len(calls))
    errors: list[BaseException | None] = [None] * len(calls)

    def run(n: int) -> None:
        gate.wait()
        try:
            calls[n]()
        except BaseException as e:  # reported to the test below
            errors[n] = e

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_two_officers_of_the_two_authorities_concluding_at_the_same_moment_are_both_recorded(world: World) -> None:
    w = world
    for attempt in range(4):
        fid = _submitted(w)
        errors = _at_once(
            [
                lambda f=fid: review.act(w.ctx, w.cac, f, Action.ACCEPT, "网信接收"),  # type: ignore[misc]
                lambda f=fid: review.act(
                    w.ctx,
                    w.mps,
                    f,
                    Action.REQUEST_SUPPLEMENT,  # type: ignore[misc]
                    "公安要求补充",
                ),
            ]
        )
        assert errors == [None, None], (attempt, errors)
        view = queries.get_filing(w.ctx, w.provider, fid)
        assert {r.authority: r.state for r in view.reviews} == {"cac": "accepted", "mps": "supplement_requested"}
        assert view.filing.state == FilingState.SUPPLEMENT_REQUESTED
        assert [e.action for e in view.filing.events][-2:] in (
            ["accept", "request_supplement"],
            ["request_supplement", "accept"],
        )


def test_existing_filings_are_migrated_to_both_authorities_at_their_state(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    before = ScriptDirectory.from_config(alembic_config(database_url)).get_revision("0011").down_revision
    assert isinstance(before, str)
    upgrade(database_url, before)
    engine = make_engine(database_url)
    with Session(engine) as session:
        org = Organisation(kind="provider", name="旧数据（虚构）", location="330106")
        session.add(org)
        session.flush()
        # a Core insert names only the columns given or defaulted: later columns (the rulebook a filing was made
        # under, migration 0018) do not exist at this revision
        session.execute(
            insert(Filing),
            [
                {"provider_id": org.id, "region": "330106", "state": s, "title": s, "visible_to_regulator": True}
                for s in ("under_review", "accepted", "closed")
            ],
        )
        session.commit()
    upgrade(database_url, "0011")
    with Session(engine) as session:
        rows = session.execute(
            select(Filing.state, FilingReview.authority, FilingReview.state).join(
                FilingReview, FilingReview.filing_id == Filing.id
            )
        ).all()
    engine.dispose()
    assert sorted(rows) == sorted((s, a, s) for s in ("under_review", "accepted", "closed") for a in ("cac", "mps"))
