"""Issue 21 (national scale), docs/adr/0027: the deadline a provider owes now is kept on the filing and the
dashboard's counts in running totals, so that a province's pages read a few rows. What an officer sees must not
change for it: after every kind of workflow step, on SQLite and PostgreSQL, the queue's order and the dashboard's
figures are those recounted here from the filings and their follow-up deadlines as they stand (the rules of
the queue: overdue first, then by the deadline owed, then by the statutory date, the newest first); and on
PostgreSQL, steps made at the same moment by many officers leave the totals equal to a recount."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, update
from sqlalchemy import text as sa_text

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.rulebook.schema import CapabilityTag
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import dashboards, filings, queries, review
from redline.services.filing.queue_filter import FilingFilter
from redline.services.principal import Principal
from redline.store import filing_totals
from redline.store.db import make_engine
from redline.store.migrate import downgrade, upgrade
from redline.store.models import Base, Filing, FilingCount, FilingTagCount, FollowUpDeadline
from redline.store.models.base import on_dialect

PASSWORD = "correct-horse-42"
MONDAY = dt.date(2026, 3, 2)
# From the rules (services/filing/filing_deadlines.py's docstring): the provider owes a submission in these states;
# before any submission the statutory date runs, unless a supplement or re-assessment date runs instead.
OWES = {"notice_issued", "draft", "supplement_requested", "reassessment_ordered"}
BEFORE_SUBMISSION = {"notice_issued", "draft"}


@dataclasses.dataclass
class Office:
    ctx: Context
    provider: Principal
    cac: Principal
    province: Principal
    service: int
    items: list[str]
    day: list[dt.date]

    def on(self, day: dt.date) -> None:
        self.day[0] = day


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[Office]:
    upgrade(database_url)
    day = [MONDAY]
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(
        ctx, today=lambda: day[0], now=lambda: dt.datetime.combine(day[0], dt.time(9), tzinfo=dt.UTC)
    )
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    provider = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, org)
    cac = _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100")
    province = _user(ctx, "zj-cac", Role.CAC_OFFICER, juris="330000")
    service = filings.add_service(ctx, provider, {"service": {"name": "声浪", "capabilities": ["voice_chat_room"]}})
    yield Office(ctx, provider, cac, province, service, [], day)


def _opened(o: Office) -> int:
    """A change recorded by the provider (a draft the regulators do not see yet), its checklist answered."""
    fid = filings.record_change(
        o.ctx,
        o.provider,
        o.service,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    items = queries.get_filing(o.ctx, o.provider, fid).items
    filings.save_answers(o.ctx, o.provider, fid, {i: {"status": "met", "reason": "制度已建立"} for i in items})
    return fid


def _recount(o: Office) -> tuple[dict[int, Any], list[Any], set[int]]:
    """Each filing's deadline owed now, recounted from its state, statutory date and follow-ups; the rows; and the
    filings with a follow-up running."""
    with o.ctx.reader() as uow:
        rows = list(uow.session.scalars(select(Filing)))
        follow_ups: dict[int, list[dt.date]] = {}
        for f in uow.session.scalars(select(FollowUpDeadline).where(FollowUpDeadline.met_at.is_(None))):
            follow_ups.setdefault(f.filing_id, []).append(f.due)
        owed: dict[int, Any] = {}
        for f in rows:
            if f.state in OWES and follow_ups.get(f.id):
                owed[f.id] = min(follow_ups[f.id])
            elif f.state in BEFORE_SUBMISSION:
                owed[f.id] = f.due_date
            else:
                owed[f.id] = None
        rows_out = [
            (f.id, f.region, f.state, f.visible_to_regulator, list(f.technologies or []), f.due_date) for f in rows
        ]
        return owed, rows_out, set(follow_ups)


def _check(o: Office) -> None:
    """The queue's order and the dashboard's figures of both offices equal a recount of the filings."""
    owed, rows, following = _recount(o)
    today = o.ctx.today()
    with o.ctx.reader() as uow:  # the totals themselves: every division's count equals a recount
        kept = {(c.region, c.state): c.n for c in uow.session.scalars(select(FilingCount)) if c.n}
        kept_tags = {(c.region, c.tag): c.n for c in uow.session.scalars(select(FilingTagCount)) if c.n}
    visible = [r for r in rows if r[3]]
    assert kept == dict(Counter((r[1], r[2]) for r in visible))
    vocabulary = {c.value for c in CapabilityTag}  # only the vocabulary's tags are counted
    assert kept_tags == dict(Counter((r[1], t) for r in visible for t in set(r[4]) if t in vocabulary))
    for officer in (o.cac, o.province):
        prefix = (officer.jurisdiction or "").rstrip("0")
        seen = [r for r in visible if r[1].startswith(prefix)]
        d = dashboards.dashboard(o.ctx, officer, escalations=0)
        assert d.by_state == dict(Counter(r[2] for r in seen))
        assert d.by_region == dict(Counter(dashboards.district_of(o.ctx, officer, r[1]) for r in seen))
        tags = Counter(t for r in seen for t in set(r[4]) if t in {c.value for c in CapabilityTag})
        assert d.by_technology == dict(tags)
        late = [r for r in seen if owed[r[0]] is not None and owed[r[0]] < today]
        assert (d.total, d.overdue) == (len(seen), len(late))
        assert sum(n for _, n in d.overdue_by_month) == len(late)
        days = {c.day: c.counts.get("statutory", 0) for c in d.calendar}
        statutory = Counter(r[5] for r in seen if r[2] in BEFORE_SUBMISSION and r[0] not in following and r[5] in days)
        assert {day: n for day, n in days.items() if n} == dict(statutory)

        def rank(r: Any) -> tuple[Any, ...]:
            due, statutory = owed[r[0]], r[5]
            overdue = due is not None and due < today
            return (not overdue, due is None, due or dt.date.min, statutory is None, statutory or dt.date.min, -r[0])

        listed, total = queries.list_filings(o.ctx, officer, FilingFilter(limit=500))
        assert [f.id for f in listed] == [r[0] for r in sorted(seen, key=rank)]
        assert total == len(seen)
        overdue_only, _ = queries.list_filings(o.ctx, officer, FilingFilter(limit=500, overdue_only=True))
        assert {f.id for f in overdue_only} == {r[0] for r in late}


def test_the_queue_and_the_dashboard_match_a_recount_after_every_kind_of_step(office: Office) -> None:
    o = office
    _check(o)
    first = _opened(o)  # a draft: not shown to regulators, nothing counted
    _check(o)
    notice = filings.notify(
        o.ctx, o.cac, o.service, "浙网信评〔2026〕1号", "请开展安全评估", MONDAY + dt.timedelta(days=10)
    )
    _check(o)
    review.act(o.ctx, o.provider, notice, Action.START)
    _check(o)
    review.act(o.ctx, o.provider, first, Action.SUBMIT)
    _check(o)
    review.act(o.ctx, o.cac, first, Action.START_REVIEW)
    review.act(o.ctx, o.cac, first, Action.REQUEST_SUPPLEMENT, "请补充排班表", {"due": MONDAY + dt.timedelta(days=3)})
    _check(o)
    o.on(MONDAY + dt.timedelta(days=5))  # the supplement is overdue: first in the queue
    _check(o)
    review.act(o.ctx, o.provider, first, Action.SUBMIT)  # the resubmission meets the supplement
    _check(o)
    review.act(o.ctx, o.cac, first, Action.START_REVIEW)
    review.act(o.ctx, o.cac, first, Action.ORDER_REASSESSMENT, "重新评估", {"due": MONDAY + dt.timedelta(days=20)})
    _check(o)
    o.on(MONDAY + dt.timedelta(days=12))  # the notice's statutory date passed: overdue, before the re-assessment
    _check(o)
    review.act(o.ctx, o.provider, first, Action.REOPEN)  # a draft again: the re-assessment's date still owed
    _check(o)
    review.act(o.ctx, o.provider, first, Action.SUBMIT)
    review.act(o.ctx, o.cac, first, Action.START_REVIEW)
    review.act(o.ctx, o.cac, first, Action.START_INSPECTION)
    _check(o)
    review.act(o.ctx, o.cac, first, Action.FINISH_INSPECTION, "", {"inspectors": "张三、李四"})
    _check(o)
    demand = review.RectificationDemand("完善投诉处置记录", MONDAY + dt.timedelta(days=30))
    review.act(o.ctx, o.cac, first, Action.ORDER_RECTIFICATION, "投诉处置不到位", {"items": [demand]})
    _check(o)
    _answer_all(o, first)
    review.act(o.ctx, o.provider, first, Action.SUBMIT_RECTIFICATION)
    _check(o)
    review.act(o.ctx, o.cac, first, Action.REJECT_RECTIFICATION, "证据不足")
    _check(o)
    _answer_all(o, first)
    review.act(o.ctx, o.provider, first, Action.SUBMIT_RECTIFICATION)
    review.act(o.ctx, o.cac, first, Action.VERIFY, "已核验")
    _check(o)
    review.act(o.ctx, o.cac, first, Action.CLOSE, "结案")
    _check(o)
    filings.save_answers(
        o.ctx,
        o.provider,
        notice,
        {i: {"status": "met", "reason": "已落实"} for i in queries.get_filing(o.ctx, o.provider, notice).items},
    )
    review.act(o.ctx, o.provider, notice, Action.SUBMIT)
    review.act(o.ctx, o.cac, notice, Action.START_REVIEW)
    review.act(o.ctx, o.cac, notice, Action.ACCEPT, "通过")
    _check(o)


def _answer_all(o: Office, fid: int) -> None:
    for item in queries.get_filing(o.ctx, o.provider, fid).rectification:
        if not item.response:
            review.answer_rectification(o.ctx, o.provider, fid, item.id, "已整改，见附件")


def test_steps_made_at_the_same_moment_leave_the_totals_equal_to_a_recount(office: Office, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers: PostgreSQL (SQLite has one writer at a time)")
    o = office
    ids = [_opened(o) for _ in range(12)]
    for fid in ids:
        review.act(o.ctx, o.provider, fid, Action.SUBMIT)
    _check(o)
    # half move submitted -> under_review, half under_review -> supplement requested then back: the same two
    # count rows taken in opposite directions by transactions running at once
    for fid in ids[6:]:
        review.act(o.ctx, o.cac, fid, Action.START_REVIEW)
    start = threading.Barrier(len(ids))
    failures: list[BaseException] = []

    def step(fid: int, action: Action, extra: dict[str, Any] | None) -> None:
        try:
            start.wait()
            review.act(o.ctx, o.cac, fid, action, "并发", extra)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=step, args=(fid, Action.START_REVIEW, None)) for fid in ids[:6]]
    due = {"due": MONDAY + dt.timedelta(days=9)}
    threads += [threading.Thread(target=step, args=(fid, Action.REQUEST_SUPPLEMENT, due)) for fid in ids[6:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    _check(o)


def test_a_database_from_before_the_kept_totals_is_filled_by_the_migration(office: Office, database_url: str) -> None:
    o = office
    review.act(o.ctx, o.provider, _opened(o), Action.SUBMIT)
    supplement = _opened(o)
    review.act(o.ctx, o.provider, supplement, Action.SUBMIT)
    review.act(o.ctx, o.cac, supplement, Action.START_REVIEW)
    review.act(o.ctx, o.cac, supplement, Action.REQUEST_SUPPLEMENT, "补充", {"due": MONDAY + dt.timedelta(days=2)})
    filings.notify(o.ctx, o.cac, o.service, "浙网信评〔2026〕2号", "请开展安全评估", MONDAY + dt.timedelta(days=1))
    _opened(o)
    o.on(MONDAY + dt.timedelta(days=4))  # the supplement and the notice are overdue
    before = queries.list_filings(o.ctx, o.province, FilingFilter(limit=500))[0]
    figures = dashboards.dashboard(o.ctx, o.province, escalations=0)

    downgrade(database_url, "0019")  # the schema of docs/adr/0025: no deadline kept, no totals
    upgrade(database_url)
    _check(o)
    assert [f.id for f in queries.list_filings(o.ctx, o.province, FilingFilter(limit=500))[0]] == [f.id for f in before]
    assert dashboards.dashboard(o.ctx, o.province, escalations=0) == figures
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": on_dialect(conn.dialect.name)})
            assert compare_metadata(context, Base.metadata) == []  # the models say what the migration made
    finally:
        engine.dispose()


def test_an_update_of_filings_sent_as_one_statement_keeps_them_too(office: Office) -> None:
    """An administrator's repair or an import may change many filings in one ORM statement, not by loading them."""
    o = office
    notice = filings.notify(
        o.ctx, o.cac, o.service, "浙网信评〔2026〕3号", "请开展安全评估", MONDAY + dt.timedelta(days=9)
    )
    review.act(o.ctx, o.provider, _opened(o), Action.SUBMIT)
    with o.ctx.uow() as uow:  # the notice's date moved into the past: overdue
        uow.session.execute(update(Filing).where(Filing.id == notice).values(due_date=MONDAY - dt.timedelta(days=1)))
        uow.commit()
    _check(o)
    with o.ctx.uow() as uow:  # every filing under review at once, and one moved to another district
        uow.session.execute(update(Filing).where(Filing.visible_to_regulator.is_(True)).values(state="under_review"))
        uow.session.execute(update(Filing).where(Filing.id == notice).values(region="330108"))
        uow.commit()
    _check(o)


def test_an_imported_tag_outside_the_vocabulary_is_not_counted_and_breaks_nothing(office: Office) -> None:
    """A provider's package may carry tags of up to 500 characters (package_checks.Line): they used to be counted
    into a 60-character column, and on PostgreSQL the import, the recount and migration 0020 then failed."""
    o = office
    filing_id = _opened(o)
    review.act(o.ctx, o.provider, filing_id, Action.SUBMIT)
    long_tag = "由导入的评估包带来的自定义标签" * 13  # 195 characters
    with o.ctx.uow() as uow:
        filing = uow.session.get(Filing, filing_id)
        assert filing is not None and filing.visible_to_regulator
        filing.technologies = [long_tag, "deep_synthesis", "not-a-tag", "deep_synthesis"]
        uow.commit()
    _check(o)
    with o.ctx.uow() as uow:  # a recount from the rows gives the same totals, and does not fail either
        before = sorted((c.region, c.tag, c.n) for c in uow.session.scalars(select(FilingTagCount)) if c.n)
        filing_totals.recount(uow.session.connection())
        uow.commit()
    with o.ctx.reader() as uow:
        after = sorted((c.region, c.tag, c.n) for c in uow.session.scalars(select(FilingTagCount)) if c.n)
    assert after == before and ("deep_synthesis" in {t for _, t, _ in after})
    assert not {t for _, t, _ in after} - {c.value for c in CapabilityTag}


def test_a_savepoint_rolled_back_takes_its_changes_to_the_totals_with_it(office: Office) -> None:
    o = office
    first, second = _opened(o), _opened(o)
    review.act(o.ctx, o.provider, first, Action.SUBMIT)
    review.act(o.ctx, o.provider, second, Action.SUBMIT)
    with o.ctx.uow() as uow:
        savepoint = uow.session.begin_nested()
        filing = uow.session.get(Filing, first)
        assert filing is not None
        filing.state = "under_review"
        uow.session.flush()
        savepoint.rollback()  # the change is undone: its totals must not count it
        kept = uow.session.begin_nested()
        other = uow.session.get(Filing, second)
        assert other is not None
        other.state = "under_review"
        uow.session.flush()
        kept.commit()  # released: its change stays and is counted at the commit
        uow.commit()
    with o.ctx.reader() as uow:
        states = {f.id: f.state for f in uow.session.scalars(select(Filing).where(Filing.id.in_([first, second])))}
    assert states == {first: "submitted", second: "under_review"}
    _check(o)


def test_a_transaction_takes_the_count_rows_only_when_it_commits(office: Office, database_url: str) -> None:
    """A batch of impact notices takes the audit head, then changes more filings: had it locked count rows at each
    flush, a provider's step in the same county (count rows, then the audit head) could deadlock with it. The
    count rows are taken at the commit, after every other lock."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL (SQLite has one writer at a time)")
    o = office
    fid = _opened(o)
    review.act(o.ctx, o.provider, fid, Action.SUBMIT)
    engine = make_engine(database_url)
    try:
        with o.ctx.uow() as uow:
            filing = uow.session.get(Filing, fid)
            assert filing is not None
            region, was = filing.region, filing.state
            filing.state = "under_review"
            uow.session.flush()
            with engine.connect() as other:  # another transaction may take both count rows at once: not held
                other.execute(sa_text("SET lock_timeout = '2s'"))
                for state in (was, "under_review"):
                    other.execute(
                        sa_text("SELECT n FROM filing_counts WHERE region = :r AND state = :s FOR UPDATE NOWAIT"),
                        {"r": region, "s": state},
                    )
                other.rollback()
            uow.commit()
    finally:
        engine.dispose()
    _check(o)
