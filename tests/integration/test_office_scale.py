"""A regulator's office at national scale (issue 21, docs/adr/0025 and 0027), on SQLite and PostgreSQL: the queue
is answered from the office-scope index without reading the filings table, the dashboard's counts from the running
totals and its overdue count from the owing filings' index, the queue reads
whole rows for its page only, the dashboard lists a bounded number of overdue deadlines and says when there are
more, and on PostgreSQL the search by title or provider name can use trigram indexes. The plans are read with
statistics of a table of a few thousand filings, most of them another province's, as the planner would have them
in production: a test fails when the index no longer covers what the office asks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, insert, text
from sqlalchemy.engine import Engine

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import FilingState, Role
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import dashboards, queries
from redline.services.filing.queue_filter import FilingFilter
from redline.services.principal import Principal
from redline.store.db import make_engine
from redline.store.migrate import upgrade
from redline.store.models import Filing, Organisation, User

TODAY = dt.date(2026, 3, 2)
FILLER = 3000  # filings of another province


@dataclasses.dataclass
class Office:
    ctx: Context
    officer: Principal
    late: list[int]  # the overdue filings, most overdue first


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[Office]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    ctx = dataclasses.replace(ctx, today=lambda: TODAY)
    with ctx.uow() as uow:
        s = uow.session
        here = Organisation(kind="provider", name="杭州晨星网络（虚构）", location="330106")
        elsewhere = Organisation(kind="provider", name="宁波潮声（虚构）", location="330203")
        s.add_all([here, elsewhere])
        s.flush()
        late = []
        for n in range(5):  # notices whose submission deadline passed 1..5 days ago, the oldest first
            late.append(_filing(s, here, f"逾期案件 {n}", FilingState.NOTICE_ISSUED, TODAY - dt.timedelta(days=5 - n)))
        _filing(s, here, "审查中案件", FilingState.UNDER_REVIEW, None, tags=["generative_ai"])
        _filing(s, elsewhere, "外市逾期案件", FilingState.NOTICE_ISSUED, TODAY - dt.timedelta(days=30))
        _country(s)
        uow.commit()
    _vacuum(database_url)
    new = accounts.NewUser("hz-office", "correct-horse-42", Role.CAC_OFFICER, "杭州官员", None, "330100")
    user_id = accounts.create_user(ctx, new)
    with ctx.reader() as uow:
        user = uow.session.get(User, user_id)
        assert user is not None
        yield Office(ctx, Principal.of(user), late)


def _country(s: Any) -> None:
    """Filings of other provinces' providers, enough for the planner to choose as it would in production."""
    orgs = [Organisation(kind="provider", name=f"外省公司 {n}", location="440305") for n in range(FILLER // 10)]
    s.add_all(orgs)
    s.flush()
    rows = [
        {"provider_id": orgs[n % len(orgs)].id, "region": "440305", "state": "closed", "title": f"外省案件 {n}"}
        for n in range(FILLER)
    ]
    s.execute(insert(Filing), [{**r, "visible_to_regulator": True, "technologies": [], "due_date": None} for r in rows])


def _vacuum(database_url: str) -> None:
    """Statistics for the planner, and on PostgreSQL the visibility map that lets it read an index alone."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            postgresql = conn.dialect.name == "postgresql"
            conn.exec_driver_sql("VACUUM ANALYZE filings, organisations" if postgresql else "ANALYZE")
    finally:
        engine.dispose()


def _filing(s: Any, org: Organisation, title: str, state: FilingState, due: dt.date | None, **more: Any) -> int:
    row = Filing(
        provider_id=org.id,
        region=org.location,
        state=state.value,
        title=title,
        technologies=more.get("tags", ["public_opinion"]),
        due_date=due,
        visible_to_regulator=True,
    )
    s.add(row)
    s.flush()
    return row.id


def _statements(ctx: Context, run: Any) -> list[tuple[str, Any]]:
    """The SELECTs over the office's filings (those naming its range of division codes) that `run()` sends."""
    seen: list[tuple[str, Any]] = []

    def grab(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "filings.region >=" in statement:
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", grab)
    return seen


def _plan(ctx: Context, statement: str, parameters: Any) -> str:
    with ctx.reader() as uow:
        conn = uow.session.connection()
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            return "\n".join(r[0] for r in rows)
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(str(r[-1]) for r in rows)


def _reads_the_office_index_alone(plan: str, *, postgresql: bool) -> bool:
    if postgresql:
        table_read = ("Seq Scan on filings", "Heap Scan on filings", "Index Scan using")
        only = "Index Only Scan using ix_filings_office on filings" in plan
        return only and not any(t in line for line in plan.splitlines() for t in table_read if "filings " in line)
    return "USING COVERING INDEX ix_filings_office" in plan and "SCAN filings" not in plan


def _postgresql(ctx: Context) -> bool:
    with ctx.reader() as uow:
        return uow.session.get_bind().dialect.name == "postgresql"


def test_the_queue_counts_and_sorts_its_filings_from_the_office_index_and_reads_rows_for_its_page_only(
    office: Office,
) -> None:
    f = FilingFilter(limit=2)
    statements = _statements(office.ctx, lambda: queries.list_filings(office.ctx, office.officer, f))
    assert len(statements) == 2  # how many match, then the page's ids; the page's rows are read by id
    for statement, parameters in statements:
        plan = _plan(office.ctx, statement, parameters)
        assert _reads_the_office_index_alone(plan, postgresql=_postgresql(office.ctx))
    rows, total = queries.list_filings(office.ctx, office.officer, f)
    assert total == 6  # five overdue notices and the one under review, not the other city's
    assert [r.id for r in rows] == office.late[:2]  # the most overdue first


def test_the_dashboard_reads_its_counts_from_the_running_totals_and_its_overdue_filings_from_the_owing_index(
    office: Office,
) -> None:
    statements = _statements(office.ctx, lambda: dashboards.dashboard(office.ctx, office.officer, escalations=0))
    postgresql = _postgresql(office.ctx)
    # by state, district and technology: the running totals (docs/adr/0027), no count over the office's filings
    assert not [s for s, _ in statements if "GROUP BY filings.state" in s or "CAST(filings.technologies" in s]
    late = [(s, p) for s, p in statements if "filings.owed_due <" in s and "GROUP BY filings.owed_due" in s]
    assert len(late) == 1
    plan = _plan(office.ctx, *late[0])
    if postgresql:
        assert "Index Only Scan using ix_filings_owed on filings" in plan, plan
    else:
        assert "USING COVERING INDEX ix_filings_owed" in plan, plan
    d = dashboards.dashboard(office.ctx, office.officer, escalations=0)
    assert d.by_state == {"notice_issued": 5, "under_review": 1}
    assert d.by_region == {"330106": 6}
    assert d.by_technology == {"public_opinion": 5, "generative_ai": 1}
    assert (d.total, d.overdue, d.escalated, d.escalated_more) == (6, 5, [], False)


def test_the_dashboard_lists_the_most_overdue_deadlines_up_to_its_limit_and_says_there_are_more(
    office: Office,
) -> None:
    short = dashboards.dashboard(office.ctx, office.officer, escalations=3)
    assert [e.deadline.filing_id for e in short.escalated] == office.late[:3]
    assert [e.days_overdue for e in short.escalated] == [5, 4, 3]
    assert short.escalated_more and short.overdue == 5  # the count still covers every overdue filing
    full = dashboards.dashboard(office.ctx, office.officer, escalations=50)
    assert [e.deadline.filing_id for e in full.escalated] == office.late
    assert not full.escalated_more


def test_search_by_title_or_provider_can_use_trigram_indexes_on_postgresql_only(office: Office) -> None:
    by_provider = queries.list_filings(office.ctx, office.officer, FilingFilter(search="晨星"))
    by_title = queries.list_filings(office.ctx, office.officer, FilingFilter(search="审查中"))
    assert (by_provider[1], by_title[1]) == (6, 1)
    with office.ctx.reader() as uow:
        conn = uow.session.connection()
        if conn.dialect.name != "postgresql":
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
            assert not {"ix_filings_title_trgm", "ix_organisations_name_trgm"} & names
            return
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for table, column, index in (
            ("filings", "title", "ix_filings_title_trgm"),
            ("organisations", "name", "ix_organisations_name_trgm"),
        ):
            query = f"EXPLAIN SELECT id FROM {table} WHERE {column} ILIKE %(q)s"
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(query, {"q": "%晨星网络%"}).all())
            assert f"Bitmap Index Scan on {index}" in plan
