"""The core tables: organisations, accounts, filings and their events, evidence, audit, jobs, campaigns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from redline.store.models.base import Base, utcnow
from redline.store.models.review import FilingReview


class Organisation(Base):
    """A provider, an assessment body or a regulator's office."""

    __tablename__ = "organisations"
    # The queue's search by provider name (ILIKE '%text%'), by trigrams: PostgreSQL only.
    __table_args__ = (
        Index(
            "ix_organisations_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(6), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # a regulator's office as document issuer: "cac:330100" (agency and jurisdiction), and its 文号 pattern
    issuer_key: Mapped[str | None] = mapped_column(String(20), unique=True)
    reference_pattern: Mapped[str | None] = mapped_column(String(100))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    jurisdiction: Mapped[str | None] = mapped_column(String(6))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when an administrator chose the password (a new account, a reset): the owner must replace it at login.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where deadline reminders go; None: no e-mail for this account.
    email: Mapped[str | None] = mapped_column(String(254))
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    # None only for rows the 0008 migration could not date; such a token is refused.
    expires_at: Mapped[dt.datetime | None] = mapped_column()


class Service(Base):
    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Filing(Base):
    """One assessment case: from the change (or notice) to closure."""

    __tablename__ = "filings"
    __table_args__ = (
        # A regulator's filings: those shown to regulators in a range of division codes (services/principal.py),
        # with what the queue sorts, searches and the dashboard counts by, so all read the index alone (docs/adr/0025).
        # The deadline owed now is its last key column (docs/adr/0027).
        Index(
            "ix_filings_office",
            "visible_to_regulator",
            "region",
            "state",
            "due_date",
            "id",
            "owed_due",
            postgresql_include=["provider_id", "technologies", "title"],
        ),
        # The filings owing something, by office and the deadline owed: the overdue count, the overdue filter
        # and the escalation list read the office's owing filings alone (docs/adr/0027).
        Index(
            "ix_filings_owed",
            "visible_to_regulator",
            "region",
            "owed_due",
            postgresql_where=sql_text("owed_due IS NOT NULL"),
            sqlite_where=sql_text("owed_due IS NOT NULL"),
        ),
        # The queue's search (ILIKE '%text%'), by trigrams: PostgreSQL only (SQLite scans the office's rows).
        Index(
            "ix_filings_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    # active_history: the value before a change is loaded, so the running totals (store/filing_totals.py) know
    # which count to take the filing from
    region: Mapped[str] = mapped_column(String(6), index=True, active_history=True)
    state: Mapped[str] = mapped_column(String(30), index=True, active_history=True)
    visible_to_regulator: Mapped[bool] = mapped_column(Boolean, default=False, index=True, active_history=True)
    title: Mapped[str] = mapped_column(String(300))
    change: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    obligations: Mapped[list[Any]] = mapped_column(default=list)
    technologies: Mapped[list[Any]] = mapped_column(default=list, active_history=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # The deadline the provider owes now (a running follow-up's, else the statutory one before submission; NULL
    # in every other state), kept by store/filing_totals.py whenever the state, the due date or a follow-up
    # changes, so that the queue sorts and the dashboard counts overdue filings by a column (docs/adr/0027).
    owed_due: Mapped[dt.date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    # Digest of the rulebook the obligations and checklist were worked out with (models/rulebooks.py); set
    # when the filing opens and again with each report; null for filings from before rulebooks had versions.
    rulebook_version: Mapped[str | None] = mapped_column(String(200), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessor_signed_at: Mapped[dt.datetime | None] = mapped_column()
    # SHA-256 of what the signature covers (services/filing/assessor_signature.py): statement, answers, evidence.
    assessor_signed_digest: Mapped[str | None] = mapped_column(String(64))
    assessor_statement: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report_digest: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    provider: Mapped[Organisation] = relationship(lazy="joined")
    service: Mapped[Service | None] = relationship(lazy="joined")
    events: Mapped[list[FilingEvent]] = relationship(
        order_by="FilingEvent.id", lazy="selectin", cascade="all, delete-orphan"
    )
    # Each authority's review (models/review.py); read-only here, written under the filing's lock.
    reviews: Mapped[list[FilingReview]] = relationship(
        order_by="FilingReview.authority", lazy="selectin", viewonly=True
    )


class FilingEvent(Base):
    """A line of the filing's timeline: who did what, when, why."""

    __tablename__ = "filing_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReviewComment(Base):
    __tablename__ = "review_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Inspection(Base):
    __tablename__ = "inspections"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    inspectors: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Summons(Base):
    """约谈: a recorded summons of a provider's responsible persons."""

    __tablename__ = "summonses"
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"))
    region: Mapped[str] = mapped_column(String(6), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    agencies: Mapped[str] = mapped_column(Text)
    attendees: Mapped[str] = mapped_column(Text)
    problems: Mapped[str] = mapped_column(Text)
    demands: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    provider: Mapped[Organisation] = relationship(lazy="joined")


class RectificationItem(Base):
    """One item of a rectification order, with the provider's answer and its verification."""

    __tablename__ = "rectification_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[dt.date] = mapped_column(Date)
    response: Mapped[str] = mapped_column(Text, default="")
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    responded_at: Mapped[dt.datetime | None] = mapped_column()
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # The authority that ordered the item (domain/parallel_review.py); None for orders made before 0011.
    authority: Mapped[str | None] = mapped_column(String(10))


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    item_id: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Append-only; each entry holds the SHA-256 of the previous one."""

    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(100))
    data: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The one row appends lock, so the chain never forks under concurrent writers."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class WebhookEndpoint(Base):
    """An organisation's address for signed reminder webhooks (HMAC-SHA256 with `secret`)."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Job(Base):
    """A background job (probe run, PDF rendering, reminders): its state and progress for the pages."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    # Touched by the process running the job (services/background/jobs_heartbeat.py): an old one means it stopped.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column()


class Reminder(Base):
    """One reminder sent (or tried) for one deadline at one stage, on one channel, to one recipient.
    The unique key makes a second pass over the same day send nothing twice."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("key", "channel", "recipient", name="uq_reminders_key_channel_recipient"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"), index=True)
    due: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Campaign(Base):
    """A patrol inspection (巡查检查) campaign of a regulator's office."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(6), index=True)
    basis: Mapped[list[Any]] = mapped_column(default=list)
    technologies: Mapped[list[Any]] = mapped_column(default=list)
    provider_ids: Mapped[list[Any]] = mapped_column(default=list)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    probes: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CampaignSample(Base):
    """A file under patrol: uploaded by the regulator or supplied by the provider on order."""

    __tablename__ = "campaign_samples"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="file")
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CampaignFile(Base):
    """A file a campaign's probe options name by digest (a term list, a log mapping), uploaded by an officer:
    options never name a path on the server."""

    __tablename__ = "campaign_files"
    __table_args__ = (UniqueConstraint("campaign_id", "sha256", name="uq_campaign_files_campaign_id_sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CampaignRun(Base):
    """One probe run over a campaign's samples; the sealed run document is kept as a blob."""

    __tablename__ = "campaign_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    probe: Mapped[str] = mapped_column(String(60))
    probe_version: Mapped[str] = mapped_column(String(40), default="")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    backend: Mapped[str] = mapped_column(String(200), default="local")
    state: Mapped[str] = mapped_column(String(20), default="queued")
    files_total: Mapped[int] = mapped_column(Integer, default=0)
    files_done: Mapped[int] = mapped_column(Integer, default=0)
    files_failed: Mapped[int] = mapped_column(Integer, default=0)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()


class CampaignFinding(Base):
    """A probe finding about one provider's sample, and what the regulator did with it."""

    __tablename__ = "campaign_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("campaign_runs.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    sample_sha256: Mapped[str] = mapped_column(String(64))
    probe: Mapped[str] = mapped_column(String(60))
    probe_version: Mapped[str] = mapped_column(String(40))
    item: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20), index=True)
    # The finding's code (`log.retention.gap`); rows stored before codes hold a kind guessed from the message.
    category: Mapped[str] = mapped_column(String(60), default="")
    location: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text)
    # The values the code's words are filled with; None on rows stored before codes (they show `message`).
    params: Mapped[dict[str, str] | None] = mapped_column(JSON)
    clause: Mapped[str] = mapped_column(String(200), default="")
    evidence: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str | None] = mapped_column(String(20))
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"))
    action_ref: Mapped[int | None] = mapped_column(Integer)
    acted_at: Mapped[dt.datetime | None] = mapped_column()


class LoginAttempt(Base):
    """Failed logins from one client address in the current window, kept in the database so that every
    worker process counts the same failures (per-IP throttling, services/access/login_throttle.py)."""

    __tablename__ = "login_attempts"
    client_ip: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column()
    blocked_until: Mapped[dt.datetime | None] = mapped_column()
