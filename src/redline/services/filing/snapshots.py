"""A filing and what hangs off it, as typed rows read once from the database: what the API, the pages and the
CLI show, so no entry point holds a live table row (`web/templating.render` refuses one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from redline.domain.workflow import BEFORE_SUBMISSION, FilingState
from redline.services.filing import review_tracks
from redline.services.view_model import ViewModel
from redline.store.models import (
    Evidence,
    Filing,
    FilingEvent,
    Inspection,
    RectificationItem,
    ReviewComment,
    Summons,
)


def _tags(value: Any) -> list[str]:
    """A filing's tags as strings; a malformed stored value (an old import) shows as none, never fails a list."""
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [o for o in value if isinstance(o, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


class ReviewOut(ViewModel):
    """One authority's review of the filing: its state, and the officer who last took a step in it."""

    authority: str
    state: str
    officer: str
    at: dt.datetime | None
    note: str


class FilingOut(ViewModel):
    """A filing as every list shows it."""

    id: int
    title: str
    state: str
    provider_id: int
    provider: str
    region: str
    service_id: int | None
    due_date: dt.date | None
    due_provisional: bool
    overdue: bool
    technologies: list[str]
    obligations: list[dict[str, Any]]
    submitted_at: dt.datetime | None
    report_digest: str | None
    reviews: list[ReviewOut]
    # digest of the rulebook the obligations and checklist came from; None before versions were recorded
    rulebook_version: str | None = None

    @property
    def review_lines(self) -> list[ReviewOut]:
        """The review tracks a list of filings shows: none before the report went to the regulators (both
        would only repeat the filing's own state)."""
        return [] if FilingState(self.state) in BEFORE_SUBMISSION else self.reviews

    @classmethod
    def of(cls, f: Filing, overdue: bool) -> FilingOut:
        return cls(**_list_fields(f, overdue))

    def as_list_row(self) -> FilingOut:
        """Only what a list shows (a `FilingSnapshot` carries more)."""
        return FilingOut(**self.model_dump(include=set(FilingOut.model_fields)))


def _list_fields(f: Filing, overdue: bool) -> dict[str, Any]:
    return {
        "id": f.id,
        "title": f.title,
        "state": f.state,
        "provider_id": f.provider_id,
        "provider": f.provider.name,
        "region": f.region,
        "service_id": f.service_id,
        "due_date": f.due_date,
        "due_provisional": f.due_provisional,
        "overdue": overdue,
        "technologies": _tags(f.technologies),
        "obligations": _dicts(f.obligations),
        "submitted_at": f.submitted_at,
        "report_digest": f.report_digest,
        "rulebook_version": f.rulebook_version,
        "reviews": [
            ReviewOut(authority=r.authority, state=r.state, officer=r.officer_name, at=r.at, note=r.note)
            for r in review_tracks.read(f)
        ],
    }


class EventOut(ViewModel):
    """One step in the filing's timeline."""

    at: dt.datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str
    authority: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, exclude=True)  # the step's details, for the services

    @classmethod
    def of(cls, e: FilingEvent) -> EventOut:
        authority = _dict(e.data).get("authority")
        return cls(
            at=e.at,
            actor=e.actor_name,
            action=e.action,
            from_state=e.from_state,
            to_state=e.to_state,
            note=e.note,
            authority=authority if isinstance(authority, str) else None,
            data=_dict(e.data),
        )


class FilingSnapshot(FilingOut):
    """One filing whole, as its page and the API show it (the submitted report itself is read apart:
    `queries.submitted_report`)."""

    change: dict[str, Any]
    answers: dict[str, Any]
    assessor_id: int | None
    assessor_signed_at: dt.datetime | None
    assessor_statement: str
    events: list[EventOut]

    @property
    def judgement_questions(self) -> list[str]:
        """Question ids the filing's duties wait on, then those already judged (a judgement may be revised)."""
        waiting = [
            q
            for o in self.obligations
            if o.get("outcome") == "depends_on_judgement"
            for q in o.get("questions", []) or []
        ]
        judged = [j.get("question") for j in _dicts(self.change.get("judgements"))]
        return list(dict.fromkeys(str(q) for q in [*waiting, *judged] if q))

    @classmethod
    def of_row(cls, f: Filing, overdue: bool) -> FilingSnapshot:
        return cls(
            **_list_fields(f, overdue),
            change=_dict(f.change),
            answers=_dict(f.answers),
            assessor_id=f.assessor_id,
            assessor_signed_at=f.assessor_signed_at,
            assessor_statement=f.assessor_statement,
            events=[EventOut.of(e) for e in f.events],
        )


class EvidenceOut(ViewModel):
    sha256: str
    filename: str
    item_id: str | None
    media_type: str
    size: int
    description: str

    @classmethod
    def of(cls, e: Evidence) -> EvidenceOut:
        return cls.model_validate(e)


class CommentOut(ViewModel):
    """A regulator's written review comment on one checklist item."""

    item_id: str
    author: str
    text: str
    at: dt.datetime

    @classmethod
    def of(cls, c: ReviewComment) -> CommentOut:
        return cls(item_id=c.item_id, author=c.author_name, text=c.text, at=c.at)


class InspectionOut(ViewModel):
    date: dt.date
    inspectors: str
    findings: str

    @classmethod
    def of(cls, i: Inspection) -> InspectionOut:
        return cls.model_validate(i)


class RectificationOut(ViewModel):
    """One demand of a rectification order, and the provider's answer to it."""

    id: int
    round: int
    authority: str | None
    text: str
    due: dt.date
    response: str
    evidence_sha256: str | None
    verified: bool

    @classmethod
    def of(cls, r: RectificationItem) -> RectificationOut:
        return cls.model_validate(r)


class SummonsOut(ViewModel):
    id: int
    provider_id: int
    provider: str  # the provider's name
    filing_id: int | None
    date: dt.date
    agencies: str
    attendees: str
    problems: str
    demands: str
    deadline: dt.date | None

    @classmethod
    def of(cls, s: Summons) -> SummonsOut:
        return cls(
            id=s.id,
            provider_id=s.provider_id,
            provider=s.provider.name,
            filing_id=s.filing_id,
            date=s.date,
            agencies=s.agencies,
            attendees=s.attendees,
            problems=s.problems,
            demands=s.demands,
            deadline=s.deadline,
        )
