"""The regulators' queue through the services, on SQLite and PostgreSQL: search, filters and sort done in SQL,
assignees per office, saved views, the dashboard's counts and deadline calendar agreeing with the queue they
link to. Hostile search text and sort keys change nothing and find nothing they should not."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import FilingState, Role
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import assignments, dashboards, queue_filter, saved_views
from redline.services.filing.queue_filter import FilingFilter
from redline.services.filing.views import queue_rows
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import (
    AuditEntry,
    Filing,
    FollowUpDeadline,
    Organisation,
    RectificationItem,
    SavedQueueView,
    User,
)

TODAY = dt.date(2026, 3, 2)  # a Monday
PASSWORD = "correct-horse-42"
D = dt.date


@cache
def _hash() -> str:
    return accounts.hash_password(PASSWORD)


@dataclasses.dataclass
class World:
    ctx: Context
    people: dict[str, Principal]
    ids: dict[str, int]  # our name of a filing -> its id

    def ids_of(self, *names: str) -> set[int]:
        return {self.ids[n] for n in names}

    def name_of(self, filing_id: int) -> str:
        return next(n for n, i in self.ids.items() if i == filing_id)


def _person(ctx: Context, name: str, role: Role, juris: str | None) -> Principal:
    new = accounts.NewUser(name, PASSWORD, role, f"{name} 官员", None, juris)
    user_id = accounts.create_user(ctx, new, password_hash=_hash())
    with ctx.reader() as uow:
        row = uow.session.get(User, user_id)
        assert row is not None
        return Principal.of(row)


def _filing(s: Session, org: Organisation, title: str, state: FilingState, due: dt.date | None, **more: Any) -> int:
    submitted = more.pop("submitted", None)
    row = Filing(
        provider_id=org.id,
        region=org.location,
        state=state.value,
        title=title,
        technologies=more.pop("tags", []),
        due_date=due,
        visible_to_regulator=more.pop("visible", True),
        submitted_at=dt.datetime.combine(submitted, dt.time(9), tzinfo=dt.UTC) if submitted else None,
        obligations=[],
        answers={},
    )
    s.add(row)
    s.flush()
    return row.id


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    ctx = dataclasses.replace(ctx, today=lambda: TODAY, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    with ctx.uow() as uow:
        s = uow.session
        xihu = Organisation(kind="provider", name="杭州声浪（虚构）", location="330106")
        yuhang = Organisation(kind="provider", name="Apex 余杭星河（虚构）", location="330110")
        ningbo = Organisation(kind="provider", name="宁波甬城（虚构）", location="330203")
        shenzhen = Organisation(kind="provider", name="深圳拾光（虚构）", location="440305")
        s.add_all([xihu, yuhang, ningbo, shenzhen])
        s.flush()
        ids = {
            "notice": _filing(
                s, xihu, "论坛上线评估", FilingState.NOTICE_ISSUED, D(2026, 2, 20), tags=["public_opinion"]
            ),
            "percent": _filing(
                s,
                yuhang,
                "直播 50% 折扣_活动",
                FilingState.SUBMITTED,
                D(2026, 4, 10),
                submitted=D(2026, 2, 10),
                tags=["audio_video", "public_opinion"],
            ),
            "quotes": _filing(
                s,
                xihu,
                'It\'s "quoted"; DROP TABLE filings; --',
                FilingState.SUPPLEMENT_REQUESTED,
                D(2026, 1, 15),
                submitted=D(2026, 1, 5),
                tags=["deep_synthesis"],
            ),
            "rectify": _filing(
                s,
                yuhang,
                "整改：算法推荐",
                FilingState.RECTIFICATION_ORDERED,
                D(2026, 1, 10),
                submitted=D(2025, 12, 20),
                tags=["algorithmic_recommendation"],
            ),
            "closed": _filing(s, xihu, "已办结案件", FilingState.CLOSED, D(2025, 11, 20), submitted=D(2025, 11, 1)),
            "ningbo": _filing(s, ningbo, "宁波案件", FilingState.NOTICE_ISSUED, D(2026, 3, 30)),
            "shenzhen": _filing(
                s, shenzhen, "深圳案件", FilingState.SUBMITTED, D(2026, 3, 30), submitted=D(2026, 2, 21)
            ),
            "draft": _filing(s, xihu, "草稿", FilingState.DRAFT, D(2026, 3, 3), visible=False),
        }
        s.add(FollowUpDeadline(filing_id=ids["quotes"], kind="supplement", due=D(2026, 3, 9), requested_at=ctx.now()))
        s.add(RectificationItem(filing_id=ids["rectify"], text="补齐日志", due=D(2026, 3, 4)))
        s.add(RectificationItem(filing_id=ids["rectify"], text="整改推荐", due=D(2026, 3, 11)))
        s.add(RectificationItem(filing_id=ids["rectify"], text="已答复", due=D(2026, 3, 5), response="已改"))
        uow.commit()
    people = {
        "hz-cac": _person(ctx, "hz-cac", Role.CAC_OFFICER, "330100"),
        "hz-cac-2": _person(ctx, "hz-cac-2", Role.CAC_OFFICER, "330100"),
        "hz-mps": _person(ctx, "hz-mps", Role.MPS_OFFICER, "330100"),
        "zj-cac": _person(ctx, "zj-cac", Role.CAC_OFFICER, "330000"),
        "sz-cac": _person(ctx, "sz-cac", Role.CAC_OFFICER, "440300"),
    }
    yield World(ctx, people, ids)


def _listed(w: World, who: str, **params: str) -> list[str]:
    rows, total = queue_rows(w.ctx, w.people[who], queue_filter.parse(params, limit=500))
    assert total == len(rows)
    return [w.name_of(r.id) for r in rows]


HANGZHOU = {"notice", "percent", "quotes", "rectify", "closed"}


def test_an_officer_sees_the_filings_of_the_jurisdiction_only(world: World) -> None:
    assert set(_listed(world, "hz-cac")) == HANGZHOU
    assert set(_listed(world, "zj-cac")) == HANGZHOU | {"ningbo"}
    assert _listed(world, "sz-cac") == ["shenzhen"]


SEARCHES = [
    ("论坛", {"notice"}),
    ("声浪", {"notice", "quotes", "closed"}),  # the provider's name
    ("apex", {"percent", "rectify"}),  # any case
    ("drop table", {"quotes"}),
    ("#0", set()),
    ("%", {"percent"}),  # a plain character, not a wildcard
    ("_", {"percent"}),
    ("50%", {"percent"}),
    ("5_%", set()),
    ("'", {"quotes"}),
    ('"quoted"', {"quotes"}),
    ("' OR '1'='1", set()),
    ("%' OR 1=1 --", set()),
    ("'; DELETE FROM filings; --", set()),
    ("\\", set()),
    ("99999999999999999999", set()),
]


def test_search_matches_title_provider_or_number_and_hostile_text_finds_only_itself(world: World) -> None:
    for text, found in SEARCHES:
        assert set(_listed(world, "hz-cac", q=text)) == found, text
    with world.ctx.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Filing)) == 8


def test_a_filing_is_found_by_its_number_with_or_without_a_hash(world: World) -> None:
    number = world.ids["closed"]
    assert "closed" in _listed(world, "hz-cac", q=str(number))
    assert "closed" in _listed(world, "hz-cac", q=f"#{number}")
    assert _listed(world, "sz-cac", q=str(number)) == []  # another jurisdiction's number finds nothing


def _expected_order(w: World, key: str, names: set[str], descending: bool) -> list[str]:
    """The order each sort key promises, computed here from the rows themselves: None last either way, ties
    broken by the newest filing first."""
    with w.ctx.reader() as uow:
        rows = {n: uow.session.get(Filing, w.ids[n]) for n in names}
        values: dict[str, Any] = {}
        for n, f in rows.items():
            assert f is not None
            values[n] = {
                "age": None if f.submitted_at is None else -f.submitted_at.timestamp(),
                "due": f.due_date,
                "state": list(FilingState).index(FilingState(f.state)),
                "provider": f.provider.name,
                "time_left": {"notice": D(2026, 2, 20), "quotes": D(2026, 3, 9), "rectify": D(2026, 3, 4)}.get(n),
            }[key]
    newest_first = sorted(names, key=lambda n: -w.ids[n])
    present = sorted((n for n in newest_first if values[n] is not None), key=lambda n: values[n], reverse=descending)
    return present + [n for n in newest_first if values[n] is None]


def test_each_sort_key_orders_the_queue_in_sql_both_ways(world: World) -> None:
    for key in ("age", "time_left", "due", "state", "provider"):
        for order in ("asc", "desc"):
            listed = _listed(world, "hz-cac", sort=key, order=order)
            assert listed == _expected_order(world, key, HANGZHOU, order == "desc"), (key, order)


def test_the_default_order_puts_overdue_first_then_the_deadline_owed(world: World) -> None:
    assert _listed(world, "hz-cac")[:2] == ["notice", "quotes"]


def test_filters_by_state_district_technology_overdue_and_deadline_day(world: World) -> None:
    assert _listed(world, "hz-cac", state="rectification_ordered") == ["rectify"]
    assert set(_listed(world, "hz-cac", region="330106")) == {"notice", "quotes", "closed"}
    assert set(_listed(world, "hz-cac", region="330110")) == {"percent", "rectify"}
    assert _listed(world, "hz-cac", region="330203") == []  # Ningbo lies outside Hangzhou
    assert set(_listed(world, "hz-cac", technology="public_opinion")) == {"notice", "percent"}
    assert _listed(world, "hz-cac", overdue="true") == ["notice"]
    assert _listed(world, "hz-cac", due_from="2026-03-04", due_to="2026-03-04") == ["rectify"]
    assert _listed(world, "hz-cac", due_from="2026-03-05", due_to="2026-03-05") == []  # that item was answered
    assert _listed(world, "hz-cac", due_from="2026-03-09", due_to="2026-03-09") == ["quotes"]
    assert set(_listed(world, "hz-cac", due_from="2026-03-01", due_to="2026-03-31")) == {"quotes", "rectify"}
    assert _listed(world, "hz-cac", region="330106", technology="deep_synthesis", q="quoted") == ["quotes"]


def test_each_row_shows_case_age_and_the_working_days_its_next_deadline_leaves(world: World) -> None:
    rows, _ = queue_rows(world.ctx, world.people["hz-cac"], FilingFilter(limit=50))
    by = {world.name_of(r.id): r for r in rows}
    assert by["percent"].age_days == 20 and by["notice"].age_days is None
    assert by["percent"].time_left is None  # submitted, under nobody's deadline
    late = by["notice"].time_left
    assert late is not None and (late.kind, late.clock, late.due) == ("statutory", "overdue", D(2026, 2, 20))
    assert by["notice"].overdue
    supplement = by["quotes"].time_left
    assert supplement is not None and (supplement.kind, supplement.clock) == ("supplement", "running")
    assert supplement.working_days == 5  # Tue 3 .. Mon 9 March 2026, the weekend off
    rectify = by["rectify"].time_left
    assert rectify is not None and (rectify.kind, rectify.due, rectify.working_days) == (
        "rectification",
        D(2026, 3, 4),
        2,
    )
    assert not by["rectify"].overdue


def test_pages_cover_every_matching_row_once_in_every_order(world: World) -> None:
    with world.ctx.uow() as uow:
        org = uow.session.scalars(select(Organisation).where(Organisation.location == "330106")).one()
        for n in range(57):
            due = D(2026, 3, 1) + dt.timedelta(days=n % 9) if n % 4 else None
            _filing(uow.session, org, f"批量 {n}", FilingState.SUBMITTED, due, submitted=D(2026, 1, 1 + n % 5))
        uow.commit()
    p = world.people["hz-cac"]
    for key in queue_filter.QueueSort:
        seen: list[int] = []
        for page in range(3):
            f = queue_filter.parse({"sort": key.value, "q": "批量"}, limit=25, offset=25 * page)
            rows, total = queue_rows(world.ctx, p, f)
            assert total == 57
            seen += [r.id for r in rows]
        assert len(seen) == len(set(seen)) == 57, key


def _audit(w: World, action: str) -> list[AuditEntry]:
    with w.ctx.reader() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_an_officer_assigns_filings_to_a_colleague_and_each_office_keeps_its_own_assignee(world: World) -> None:
    w, hz, colleague = world, world.people["hz-cac"], world.people["hz-cac-2"]
    before = w.ctx.version()
    assert assignments.assign(w.ctx, hz, [w.ids["notice"], w.ids["percent"]], colleague.user_id) == 2
    assert w.ctx.version() > before  # the write moved the data version: cached lists are read again
    assert set(_listed(w, "hz-cac-2", assignee="me")) == {"notice", "percent"}
    assert _listed(w, "hz-cac", assignee="me") == []
    assert set(_listed(w, "hz-cac", assignee="none")) == {"quotes", "rectify", "closed"}
    rows, _ = queue_rows(w.ctx, hz, queue_filter.parse({"q": "论坛"}))
    assert rows[0].assignee is not None and rows[0].assignee.username == "hz-cac-2"
    # the public-security organ of the same city is another office: none of this is its assignment
    assert set(_listed(w, "hz-mps", assignee="none")) == HANGZHOU
    # reassign to oneself, then take the assignee away
    assert assignments.assign(w.ctx, hz, [w.ids["notice"]], hz.user_id) == 1
    assert _listed(w, "hz-cac", assignee="me") == ["notice"]
    assert assignments.assign(w.ctx, hz, [w.ids["notice"], w.ids["percent"]], None) == 2
    assert set(_listed(w, "hz-cac", assignee="none")) == HANGZHOU
    trail = [(e.subject, e.actor) for e in _audit(w, "filing.assign")]
    assert trail.count((f"filing:{w.ids['notice']}", "hz-cac")) == 3


def test_nobody_outside_the_office_is_assigned_and_a_failed_batch_changes_nothing(world: World) -> None:
    w, hz = world, world.people["hz-cac"]
    for outsider in ("hz-mps", "zj-cac", "sz-cac"):
        with pytest.raises(InputError):
            assignments.assign(w.ctx, hz, [w.ids["notice"]], w.people[outsider].user_id)
    with pytest.raises(InputError):
        assignments.assign(w.ctx, hz, [w.ids["notice"]], 2_000_000_000)
    with pytest.raises(NotFoundError):  # Ningbo's filing is out of Hangzhou's reach: the batch fails whole
        assignments.assign(w.ctx, hz, [w.ids["notice"], w.ids["ningbo"]], hz.user_id)
    with pytest.raises(NotFoundError):
        assignments.assign(w.ctx, hz, [w.ids["draft"]], hz.user_id)
    provider = dataclasses.replace(hz, role=Role.PROVIDER_ADMIN, jurisdiction=None)
    with pytest.raises(PermissionDeniedError):
        assignments.assign(w.ctx, provider, [w.ids["notice"]], hz.user_id)
    assert set(_listed(w, "hz-cac", assignee="none")) == HANGZHOU
    assert _audit(w, "filing.assign") == []


def test_an_officer_saves_lists_reopens_and_deletes_own_views_only(world: World) -> None:
    w, hz, colleague = world, world.people["hz-cac"], world.people["hz-cac-2"]
    f = queue_filter.parse({"q": "50%", "region": "330110", "sort": "due", "order": "desc", "assignee": "none"})
    view_id = saved_views.save(w.ctx, hz, "余杭 到期倒序", f)
    (saved,) = saved_views.list_views(w.ctx, hz)
    assert saved.name == "余杭 到期倒序"
    assert queue_filter.parse(saved.params) == queue_filter.parse(queue_filter.params_of(f))
    assert _listed(w, "hz-cac", **saved.params) == ["percent"]
    assert saved_views.list_views(w.ctx, colleague) == []
    with pytest.raises(NotFoundError):
        saved_views.delete(w.ctx, colleague, view_id)
    # the same name again replaces the view
    assert saved_views.save(w.ctx, hz, "余杭 到期倒序", queue_filter.parse({"overdue": "true"})) == view_id
    assert [v.params for v in saved_views.list_views(w.ctx, hz)] == [{"overdue": "true"}]
    saved_views.delete(w.ctx, hz, view_id)
    assert saved_views.list_views(w.ctx, hz) == []
    assert [e.action for e in _audit(w, "queue_view.save")] == ["queue_view.save"] * 2
    assert len(_audit(w, "queue_view.delete")) == 1


def test_a_view_name_that_is_not_one_visible_line_is_refused(world: World) -> None:
    for name in ("", "   ", "a\nb", "x" * 101, "\u202e名称"):
        with pytest.raises(InputError):
            saved_views.save(world.ctx, world.people["hz-cac"], name, FilingFilter())
    assert saved_views.list_views(world.ctx, world.people["hz-cac"]) == []


def test_a_stored_view_the_queue_no_longer_understands_opens_the_plain_queue(world: World) -> None:
    hz = world.people["hz-cac"]
    with world.ctx.uow() as uow:
        uow.session.add(SavedQueueView(user_id=hz.user_id, name="old", query={"sort": "dropped_key", "q": "x"}))
        uow.commit()
    assert [v.params for v in saved_views.list_views(world.ctx, hz)] == [{}]


def test_the_dashboard_counts_by_district_one_level_below_the_officer(world: World) -> None:
    w = world
    city = dashboards.dashboard(w.ctx, w.people["hz-cac"])
    assert city.by_region == {"330106": 3, "330110": 2}
    province = dashboards.dashboard(w.ctx, w.people["zj-cac"])
    assert province.by_region == {"330100": 5, "330200": 1}
    assert "330106" in dashboards.districts(w.ctx, w.people["hz-cac"])
    assert "330100" in dashboards.districts(w.ctx, w.people["zj-cac"])
    assert city.total == 5 and city.overdue == 1
    assert city.by_technology == {
        "public_opinion": 2,
        "audio_video": 1,
        "deep_synthesis": 1,
        "algorithmic_recommendation": 1,
    }


def test_every_dashboard_count_is_the_total_of_the_queue_it_links_to(world: World) -> None:
    w = world
    for who in ("hz-cac", "zj-cac"):
        p = w.people[who]
        d = dashboards.dashboard(w.ctx, p)
        links = (
            [({"state": s}, n) for s, n in d.by_state.items()]
            + [({"region": r}, n) for r, n in d.by_region.items()]
            + [({"technology": t}, n) for t, n in d.by_technology.items()]
            + [({"overdue": "true"}, d.overdue)]
        )
        for params, count in links:
            assert queue_rows(w.ctx, p, queue_filter.parse(params))[1] == count, (who, params)


def test_the_deadline_calendar_counts_running_deadlines_per_day_and_each_day_is_its_queue(world: World) -> None:
    w, hz = world, world.people["hz-cac"]
    days = dashboards.dashboard(w.ctx, hz).calendar
    assert len(days) == 42 and days[0].day == TODAY and days[0].day.weekday() == 0
    busy = {d.day: d.counts for d in days if d.total}
    assert busy == {
        D(2026, 3, 4): {"rectification": 1},
        D(2026, 3, 9): {"supplement": 1},
        D(2026, 3, 11): {"rectification": 1},
    }
    for d in days:
        day = d.day.isoformat()
        assert queue_rows(w.ctx, hz, queue_filter.parse({"due_from": day, "due_to": day}))[1] == d.total
    province = {d.day: d.total for d in dashboards.dashboard(w.ctx, w.people["zj-cac"]).calendar if d.total}
    assert D(2026, 3, 30) in province  # Ningbo's filing is the province's, not the city's
