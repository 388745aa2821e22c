"""Read side: filing lists for queues and dashboards, one filing with its timeline, summonses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, cast, func, select
from sqlalchemy.orm import Session, lazyload

from redline.domain import jurisdiction
from redline.domain.parallel_review import standing, waiting_for
from redline.domain.workflow import FilingState, Permissions, permissions
from redline.errors import NotFoundError
from redline.services.context import Context
from redline.services.filing import assessor_signature, assignments, review_tracks
from redline.services.filing.filing_deadlines import (
    DeadlineLine,
    deadlines_of,
    falls_due_between,
    next_due_expr,
    next_kind_expr,
    owed_due,
    owed_due_expr,
)
from redline.services.filing.filings import checklist_items
from redline.services.filing.queue_filter import Assignee, QueueSort
from redline.services.filing.queue_filter import FilingFilter as FilingFilter
from redline.services.filing.report_versions import first_submitted_expr
from redline.services.filing.snapshots import (
    CommentOut,
    EvidenceOut,
    FilingSnapshot,
    InspectionOut,
    RectificationOut,
    SummonsOut,
)
from redline.services.principal import (
    Principal,
    actor,
    filing_scope,
    located_under,
    require_filing,
    summons_scope,
)
from redline.store.models import (
    Evidence,
    Filing,
    Inspection,
    Organisation,
    RectificationItem,
    ReviewComment,
    Service,
    Summons,
)

MAX_ID = 2_147_483_647  # PostgreSQL INTEGER: no filing has a larger number
ROWS_PER_READ = 500  # filings read in full by one statement (SQLite may bound the parameters of one to 999)
STATE_ORDER = {s.value: n for n, s in enumerate(FilingState)}  # the workflow's order, for sorting by state


def _filtered(p: Principal, f: FilingFilter, today: dt.date) -> Select[Any]:
    """The ids of the filings `p` may see that `f` matches: filings only, so that a count or a sort by the
    office-scope index reads that index alone (docs/adr/0025); `_listed` joins the providers when it sorts by them."""
    query = select(Filing.id).where(filing_scope(p))
    if f.state:
        query = query.where(Filing.state == f.state)
    if f.region:
        query = query.where(located_under(Filing.region, jurisdiction.prefix(f.region)))
    if f.technology:
        # tags are stored as a JSON list; a quoted match is exact on both SQLite and PostgreSQL
        query = query.where(cast(Filing.technologies, String).contains(f'"{f.technology}"', autoescape=True))
    if f.overdue_only:
        # the deadline owed now (statutory, supplement or re-assessment) has passed: the owing filings' index
        query = query.where(owed_due_expr() < today)
    if f.search:
        query = query.where(_matches(f.search))
    if f.assignee is not Assignee.ANYONE:
        query = query.where(assignments.assigned_in_office(p, None if f.assignee is Assignee.NOBODY else p.user_id))
    if f.due_from or f.due_to:
        query = query.where(falls_due_between(f.due_from or dt.date.min, f.due_to or dt.date.max))
    return query


def _matches(text: str) -> ColumnElement[bool]:
    """The title or the provider's name holds `text` (any case; % and _ are plain characters), or the filing's
    number is `text` (with or without a leading #). The providers are a subquery, not a join, so that each side
    can use its own trigram index on PostgreSQL."""
    named = select(Organisation.id).where(Organisation.name.icontains(text, autoescape=True))
    found = Filing.title.icontains(text, autoescape=True) | Filing.provider_id.in_(named)
    number = text.removeprefix("#")
    if number.isascii() and number.isdigit() and 0 < int(number) <= MAX_ID:
        found = found | (Filing.id == int(number))
    return found


def _sort_values(f: FilingFilter, dialect: str) -> list[Any]:
    """What `f.sort` orders by, each computed once per row in `_listed`'s inner query."""
    if f.sort is QueueSort.PRIORITY:
        return [owed_due_expr(), Filing.due_date]
    return [
        {
            QueueSort.AGE: first_submitted_expr(),
            QueueSort.TIME_LEFT: next_due_expr(),
            QueueSort.DUE: Filing.due_date,
            QueueSort.STATE: case(STATE_ORDER, value=Filing.state, else_=len(STATE_ORDER)),
            # code-point order on both databases (PostgreSQL would otherwise use the database's collation)
            QueueSort.PROVIDER: Organisation.name.collate("C") if dialect == "postgresql" else Organisation.name,
        }[f.sort]
    ]


def _sort_key(f: FilingFilter, today: dt.date, values: list[Any]) -> list[Any]:
    """The ORDER BY of `f.sort` over its `_sort_values`: a value missing (nothing submitted, no deadline running)
    sorts last either way, then the newest filing first, so every order is total and a page never repeats or
    skips a row."""
    if f.sort is QueueSort.PRIORITY:
        # overdue first, then by the deadline owed, then by the statutory one: an overdue deadline is earlier than
        # any other owed, so "overdue first" is the deadline owed ascending with the filings owing nothing last
        owed, due = values
        return [owed.asc().nulls_last(), due.asc().nulls_last()]
    (column,) = values
    # an older submission is a larger age: age ascending is the newest submission first
    ascending = f.descending if f.sort is QueueSort.AGE else not f.descending
    return [column.is_(None), column.asc() if ascending else column.desc()]


def is_overdue(session: Session, filing: Filing, today: dt.date) -> bool:
    due = owed_due(session, filing)
    return due is not None and due < today


def overdue_among(ctx: Context, rows: list[Filing]) -> set[int]:
    """Which of `rows` are overdue on the deadline the provider owes now."""
    ids = [f.id for f in rows]
    if not ids:
        return set()
    with ctx.reader() as uow:
        return set(uow.session.scalars(select(Filing.id).where(Filing.id.in_(ids), owed_due_expr() < ctx.today())))


def list_filings(ctx: Context, p: Principal, f: FilingFilter) -> tuple[list[Filing], int]:
    """Filings `p` may see, in the order `f.sort` names (by default overdue first, then by due date); and how
    many match in all."""
    rows, total = _listed(ctx, p, f)
    return [row for row, *_ in rows], total


@dataclass(frozen=True)
class QueueEntry:
    """A filing of the queue with what the queue shows besides: its next running deadline and when the report
    was first submitted."""

    filing: Filing
    next_due: dt.date | None
    next_kind: str | None
    first_submitted: dt.datetime | None


def queue_entries(ctx: Context, p: Principal, f: FilingFilter) -> tuple[list[QueueEntry], int]:
    """`list_filings` with each filing's next running deadline and first submission, read in the same query."""
    rows, total = _listed(ctx, p, f)
    return [QueueEntry(row, due, kind, _aware(first)) for row, due, kind, first in rows], total


def _listed(ctx: Context, p: Principal, f: FilingFilter) -> tuple[list[Any], int]:
    """A page of `f` in two steps: the page's ids, sorted over narrow rows (no table but filings unless the sort
    is by provider), then those filings in full; a wide row is never sorted (docs/adr/0025)."""
    today = ctx.today()
    query = _filtered(p, f, today)
    with ctx.reader() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        if f.sort is QueueSort.PROVIDER:
            query = query.join(Organisation, Organisation.id == Filing.provider_id)
        values = _sort_values(f, uow.session.get_bind().dialect.name)
        # OFFSET 0 keeps the inner query apart, so each value is computed once per row, not once per use
        rows = query.add_columns(*(v.label(f"sort_{n}") for n, v in enumerate(values))).offset(0).subquery()
        order = _sort_key(f, today, [rows.c[f"sort_{n}"] for n in range(len(values))])
        ordered = select(rows.c.id).order_by(*order, rows.c.id.desc()).limit(f.limit).offset(f.offset)
        page = list(uow.session.scalars(ordered))
        if not page:
            return [], total
        found: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(page), ROWS_PER_READ):  # an export's page is thousands of ids
            listed = (
                select(Filing, next_due_expr(), next_kind_expr(), first_submitted_expr())
                .where(Filing.id.in_(page[start : start + ROWS_PER_READ]))
                .options(lazyload(Filing.events))
            )
            found |= {row[0].id: tuple(row) for row in uow.session.execute(listed).unique().all()}
        return [found[i] for i in page if i in found], total


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    """A timestamp read through a raw SQL expression (SQLite keeps no zone): UTC, as the column type gives."""
    return at.replace(tzinfo=dt.UTC) if at is not None and at.tzinfo is None else at


@dataclass(frozen=True)
class FilingView:
    """One filing with everything its page shows, as typed rows (no table row leaves the session)."""

    filing: FilingSnapshot
    overdue: bool
    actions: list[str]
    items: list[str]
    evidence: list[EvidenceOut]
    comments: list[CommentOut]
    inspections: list[InspectionOut]
    rectification: list[RectificationOut]
    may: Permissions  # what the viewer may do now, from `domain/workflow.py`
    summonses: list[SummonsOut] = field(default_factory=list)
    deadlines: list[DeadlineLine] = field(default_factory=list)
    reviews: list[review_tracks.TrackView] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # authorities that have not concluded yet
    assessor_signature_holds: bool = False  # an invited assessor signed exactly what is there now


def get_filing(ctx: Context, p: Principal, filing_id: int) -> FilingView:
    with ctx.reader() as uow:
        s = uow.session
        filing = require_filing(p, s.get(Filing, filing_id), filing_id)
        _ = filing.events
        reviews = review_tracks.read(filing)
        tracks = review_tracks.tracks(reviews)
        may = permissions(actor(p, filing), standing(tracks, p.role))
        overdue = is_overdue(s, filing, ctx.today())
        return FilingView(
            filing=FilingSnapshot.of_row(filing, overdue),
            overdue=overdue,
            deadlines=deadlines_of(ctx, s, filing),
            actions=[a.value for a in may.actions],
            items=checklist_items(ctx, filing),
            evidence=[EvidenceOut.of(e) for e in s.scalars(select(Evidence).where(Evidence.filing_id == filing.id))],
            comments=[
                CommentOut.of(c)
                for c in s.scalars(
                    select(ReviewComment).where(ReviewComment.filing_id == filing.id).order_by(ReviewComment.id)
                )
            ],
            inspections=[
                InspectionOut.of(i) for i in s.scalars(select(Inspection).where(Inspection.filing_id == filing.id))
            ],
            rectification=[
                RectificationOut.of(r)
                for r in s.scalars(
                    select(RectificationItem)
                    .where(RectificationItem.filing_id == filing.id)
                    .order_by(RectificationItem.round, RectificationItem.id)
                )
            ],
            summonses=[SummonsOut.of(x) for x in s.scalars(select(Summons).where(Summons.filing_id == filing.id))],
            reviews=reviews,
            waiting=[a.value for a in waiting_for(tracks)],
            may=may,
            assessor_signature_holds=assessor_signature.holds(s, filing),
        )


def submitted_report(ctx: Context, p: Principal, filing_id: int) -> dict[str, Any]:
    """The sealed report the provider submitted, if `p` may see the filing; 'not found' before submission."""
    with ctx.reader() as uow:
        filing = require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        if filing.report is None:
            raise NotFoundError(f"filing {filing_id} has no submitted report yet")
        return dict(filing.report)


def filing_state(ctx: Context, p: Principal, filing_id: int) -> str:
    """The filing's state, if `p` may see it."""
    with ctx.reader() as uow:
        return require_filing(p, uow.session.get(Filing, filing_id), filing_id).state


def evidence_for(ctx: Context, p: Principal, sha256: str) -> EvidenceOut:
    """An evidence file's record, if `p` may see a filing it belongs to."""
    with ctx.reader() as uow:
        for row in uow.session.scalars(select(Evidence).where(Evidence.sha256 == sha256)):
            filing = uow.session.get(Filing, row.filing_id)
            if filing is not None:
                try:
                    require_filing(p, filing, filing.id)
                except NotFoundError:
                    continue
                return EvidenceOut.of(row)
    raise NotFoundError(f"no evidence {sha256}")


def services_of(ctx: Context, p: Principal) -> list[Service]:
    if not p.is_provider:
        return []
    with ctx.reader() as uow:
        return list(uow.session.scalars(select(Service).where(Service.provider_id == p.organisation_id)))


def services_of_provider(ctx: Context, provider_id: int) -> list[Service]:
    with ctx.reader() as uow:
        return list(uow.session.scalars(select(Service).where(Service.provider_id == provider_id)))


def providers_under(ctx: Context, p: Principal) -> list[Organisation]:
    if not p.is_regulator or not p.jurisdiction:
        return []
    with ctx.reader() as uow:
        query = select(Organisation).where(Organisation.kind == "provider")
        under = jurisdiction.prefix(p.jurisdiction)
        if under:
            query = query.where(located_under(Organisation.location, under))
        return list(uow.session.scalars(query.order_by(Organisation.name)))


def list_summonses(ctx: Context, p: Principal) -> list[Summons]:
    with ctx.reader() as uow:
        return list(uow.session.scalars(select(Summons).where(summons_scope(p)).order_by(Summons.date.desc())))


def get_summons(ctx: Context, p: Principal, summons_id: int) -> Summons:
    with ctx.reader() as uow:
        row = uow.session.scalar(select(Summons).where(summons_scope(p), Summons.id == summons_id))
        if row is None:
            raise NotFoundError(f"no summons {summons_id}")
        return row
