"""report versions and follow-up deadlines: each submission a sealed version; supplement and
re-assessment due dates in their own rows, the filing's statutory due date left alone

Existing filings' single report becomes version 1 (its digest unchanged, so the checkpoints that named
it still cover it). Each supplement or re-assessment request in a filing's timeline becomes a deadline
row (met when a later submission followed it), and a statutory due date a request had overwritten is
recomputed from the filing's stored obligations, as the filing's own due date was when it opened.

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0006"
branch_labels = None
depends_on = None

FOLLOW_UPS = {"request_supplement": "supplement", "order_reassessment": "reassessment"}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _statutory_due(obligations: Any) -> tuple[dt.date | None, bool]:
    """services/filings._due on the stored obligations: the earliest dated security assessment (or any
    dated obligation), ongoing duties left out."""
    dated = []
    for o in _json(obligations) or []:
        due = o.get("due") if isinstance(o, dict) else None
        if not isinstance(due, dict):
            continue
        when = _date(due.get("date"))
        if when is not None and due.get("rule") != "ongoing":
            dated.append((o.get("kind") == "security_assessment", when, bool(due.get("provisional"))))
    chosen = [d for d in dated if d[0]] or dated
    if not chosen:
        return None, False
    _, when, provisional = min(chosen, key=lambda d: d[1])
    return when, provisional


def _create_tables() -> None:
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_by_name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.id"], name=op.f("fk_report_versions_filing_id_filings")),
        sa.ForeignKeyConstraint(["submitted_by"], ["users.id"], name=op.f("fk_report_versions_submitted_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_versions")),
        sa.UniqueConstraint("filing_id", "number", name="uq_report_versions_filing_id_number"),
    )
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_versions_filing_id"), ["filing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_versions_digest"), ["digest"], unique=False)
    op.create_table(
        "follow_up_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.id"], name=op.f("fk_follow_up_deadlines_filing_id_filings")),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_follow_up_deadlines_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_deadlines")),
    )
    with op.batch_alter_table("follow_up_deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_deadlines_filing_id"), ["filing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_deadlines_due"), ["due"], unique=False)


def _versions(conn: sa.Connection) -> None:
    filings = sa.table(
        "filings",
        sa.column("id", sa.Integer()),
        sa.column("report", sa.JSON()),
        sa.column("report_digest", sa.String()),
        sa.column("submitted_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    versions = sa.table(
        "report_versions",
        sa.column("filing_id", sa.Integer()),
        sa.column("number", sa.Integer()),
        sa.column("report", sa.JSON()),
        sa.column("digest", sa.String()),
        sa.column("submitted_at", sa.DateTime(timezone=True)),
        sa.column("submitted_by_name", sa.String()),
    )
    rows = conn.execute(sa.select(filings).where(filings.c.report_digest.is_not(None))).all()
    for fid, report, digest, submitted_at, updated_at in rows:
        conn.execute(
            versions.insert().values(
                filing_id=fid,
                number=1,
                report=_json(report),
                digest=digest,
                submitted_at=submitted_at or updated_at,
                submitted_by_name="",
            )
        )


def _follow_ups(conn: sa.Connection) -> None:
    events = sa.table(
        "filing_events",
        sa.column("id", sa.Integer()),
        sa.column("filing_id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("data", sa.JSON()),
    )
    filings = sa.table(
        "filings",
        sa.column("id", sa.Integer()),
        sa.column("obligations", sa.JSON()),
        sa.column("due_date", sa.Date()),
        sa.column("due_provisional", sa.Boolean()),
    )
    deadlines = sa.table(
        "follow_up_deadlines",
        sa.column("filing_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("due", sa.Date()),
        sa.column("requested_at", sa.DateTime(timezone=True)),
        sa.column("requested_by", sa.Integer()),
        sa.column("met_at", sa.DateTime(timezone=True)),
    )
    timeline: dict[int, list[Any]] = {}
    for row in conn.execute(
        sa.select(events).where(events.c.action.in_([*FOLLOW_UPS, "submit"])).order_by(events.c.filing_id, events.c.id)
    ):
        timeline.setdefault(row.filing_id, []).append(row)
    for fid, rows in timeline.items():
        requests = [r for r in rows if r.action in FOLLOW_UPS]
        if not requests:
            continue
        for request in requests:
            due = _date((_json(request.data) or {}).get("due"))
            met = next((r.at for r in rows if r.action == "submit" and r.id > request.id), None)
            if due is not None:
                conn.execute(
                    deadlines.insert().values(
                        filing_id=fid,
                        kind=FOLLOW_UPS[request.action],
                        due=due,
                        requested_at=request.at,
                        requested_by=request.actor_id,
                        met_at=met,
                    )
                )
        obligations = conn.execute(sa.select(filings.c.obligations).where(filings.c.id == fid)).scalar()
        statutory, provisional = _statutory_due(obligations)
        conn.execute(
            filings.update().where(filings.c.id == fid).values(due_date=statutory, due_provisional=provisional)
        )


def upgrade() -> None:
    _create_tables()
    conn = op.get_bind()
    _versions(conn)
    _follow_ups(conn)


def downgrade() -> None:
    """Back to one report per filing (the latest, which Filing.report already holds) and one due date:
    a running supplement or re-assessment due date moves back onto the filing, as before."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT filing_id, due FROM follow_up_deadlines WHERE met_at IS NULL")).all()
    for fid, due in rows:
        conn.execute(
            sa.text("UPDATE filings SET due_date = :due, due_provisional = :no WHERE id = :fid"),
            {"due": due, "no": False, "fid": fid},
        )
    with op.batch_alter_table("follow_up_deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_deadlines_due"))
        batch_op.drop_index(batch_op.f("ix_follow_up_deadlines_filing_id"))
    op.drop_table("follow_up_deadlines")
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_versions_digest"))
        batch_op.drop_index(batch_op.f("ix_report_versions_filing_id"))
    op.drop_table("report_versions")
