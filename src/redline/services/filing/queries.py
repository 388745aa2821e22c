"""Read side: filing lists for queues and dashboards, one filing with its timeline, summonses."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, String, case, cast, func, select
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.domain.parallel_review import standing, waiting_for
from redline.domain.workflow import Permissions, permissions
from redline.errors import NotFoundError
from redline.services.context import Context
from redline.services.filing import assessor_signature, review_tracks
from redline.services.filing.deadlines import Escalation, escalated
from redline.services.filing.filing_deadlines import DeadlineLine, deadlines_of, owed_due, owed_due_expr
from redline.services.filing.filings import checklist_items
from redline.services.filing.snapshots import (
    CommentOut,
    EvidenceOut,
    FilingSnapshot,
    InspectionOut,
    RectificationOut,
    SummonsOut,
)
from redline.services.principal import Principal, actor, filing_scope, require_filing, summons_scope
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


@dataclass(frozen=True)
class FilingFilter:
    state: str | None = None
    region: str | None = None
    technology: str | None = None
    overdue_only: bool = False
    limit: int = 50
    offset: int = 0


def _overdue_expr(today: dt.date) -> Any:
    """1 when the deadline the provider owes now (statutory, supplement or re-assessment) has passed."""
    return case((owed_due_expr() < today, 1), else_=0)


def _filtered(p: Principal, f: FilingFilter, today: dt.date) -> Select[Any]:
    query = select(Filing).where(filing_scope(p))
    if f.state:
        query = query.where(Filing.state == f.state)
    if f.region:
        query = query.where(Filing.region.startswith(jurisdiction.prefix(f.region)))
    if f.technology:
        # tags are stored as a JSON list; a quoted match is exact on both SQLite and PostgreSQL
        query = query.where(cast(Filing.technologies, String).contains(f'"{f.technology}"'))
    if f.overdue_only:
        query = query.where(_overdue_expr(today) == 1)
    return query


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
    """Filings `p` may see, overdue first, then by due date; and how many match in all."""
    today = ctx.today()
    query = _filtered(p, f, today)
    with ctx.reader() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        owed = owed_due_expr()
        ordered = query.order_by(
            _overdue_expr(today).desc(),
            owed.is_(None),
            owed,
            Filing.due_date.is_(None),
            Filing.due_date,
            Filing.id.desc(),
        )
        rows = uow.session.scalars(ordered.limit(f.limit).offset(f.offset)).unique().all()
        return list(rows), total


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
            query = query.where(Organisation.location.startswith(under))
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


@dataclass(frozen=True)
class Dashboard:
    by_state: dict[str, int]
    by_region: dict[str, int]
    by_technology: dict[str, int]
    overdue_by_month: list[tuple[str, int]]
    total: int
    overdue: int
    escalated: list[Escalation] = field(default_factory=list)  # overdue deadlines, for the regulator's list


def dashboard(ctx: Context, p: Principal) -> Dashboard:
    """Counts for the regulator's charts, over the filings `p` may see."""
    today = ctx.today()
    with ctx.reader() as uow:
        rows = uow.session.execute(
            select(Filing.state, Filing.region, Filing.technologies, owed_due_expr()).where(filing_scope(p))
        ).all()
    by_state: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    by_tech: Counter[str] = Counter()
    overdue_months: Counter[str] = Counter()
    overdue = 0
    for state, region, tags, due in rows:
        by_state[state] += 1
        by_region[region[:2] + "0000"] += 1
        if isinstance(tags, list):  # a malformed stored value never fails the dashboard
            by_tech.update(t for t in tags if isinstance(t, str))
        if due is not None and due < today:
            overdue += 1
            overdue_months[due.strftime("%Y-%m")] += 1
    return Dashboard(
        dict(by_state),
        dict(by_region),
        dict(by_tech),
        sorted(overdue_months.items()),
        len(rows),
        overdue,
        escalated(ctx, p),
    )
