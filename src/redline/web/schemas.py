"""API request and response bodies (they make the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from redline.domain.assessment import AnswerStatus, Severity
from redline.services.filing.filing_deadlines import DeadlineLine
from redline.services.filing.party_views import ServiceOut as ServiceOut
from redline.services.filing.queries import FilingView
from redline.services.filing.snapshots import (
    CommentOut,
    EventOut,
    EvidenceOut,
    InspectionOut,
    RectificationOut,
)
from redline.services.filing.snapshots import (
    FilingOut as FilingOut,
)
from redline.services.filing.snapshots import ReviewOut as ReviewOut
from redline.services.filing.snapshots import SummonsOut as SummonsOut

MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# Free text in request bodies is bounded, so a client cannot store megabytes in one field (422 beyond).
MAX_TEXT = 20_000
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Line = Annotated[str, Field(max_length=1_000)]
Name = Annotated[str, Field(max_length=200)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceIn(In):
    service: dict[str, Any] = Field(description="name, description, capabilities, ... as in a service YAML")
    basic_info: dict[str, Any] = {}


class ChangeIn(In):
    service_id: Id
    change: dict[str, Any] = Field(description="kind, date, ... as in a change YAML")


class FindingIn(In):
    severity: Severity = Field(description="chosen for each finding; there is no default")
    text: Text = Field(min_length=1)


class AnswerIn(In):
    status: AnswerStatus | None = None
    reason: Text = ""
    findings: list[FindingIn] = Field(
        default=[], max_length=100, description="every finding on the item, each with its own severity"
    )


class AnswersIn(In):
    answers: dict[Name, AnswerIn] = Field(
        description="per checklist item, its whole answer (replacing the stored "
        "one); the `answers` of a filing read back unchanged "
        "change nothing"
    )

    def as_dicts(self) -> dict[str, dict[str, Any]]:
        return {item: answer.model_dump(mode="json") for item, answer in self.answers.items()}


class AssessorIn(In):
    username: Name


class SignIn(In):
    statement: Text


class InspectionIn(In):
    date: dt.date | None = None
    inspectors: Line
    findings: Text = ""


class DemandIn(In):
    text: Text = Field(min_length=1)
    due: dt.date


class ActionIn(In):
    note: Text = ""
    due: dt.date | None = Field(default=None, description="for a supplement or re-assessment")
    inspection: InspectionIn | None = None
    items: list[DemandIn] = []


class JudgementBody(In):
    """A provider's judgement on an open question of the filing (by and date: the caller, today)."""

    question: Name
    answer: bool
    reasons: Text


class CommentIn(In):
    item_id: Name
    text: Text


class RectificationAnswerIn(In):
    response: Text
    evidence_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class NoticeIn(In):
    service_id: Id
    reference: Line = ""
    note: Text = ""
    due: dt.date | None = None


class SummonsIn(In):
    provider_id: Id
    date: dt.date
    agencies: Line
    attendees: Text
    problems: Text
    demands: Text
    deadline: dt.date | None = None
    filing_id: Id | None = None


class Created(BaseModel):
    id: int


class StateOut(BaseModel):
    id: int
    state: str


class MeOut(BaseModel):
    username: str
    display_name: str
    role: str
    organisation_id: int | None
    jurisdiction: str | None


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool


class FilingList(BaseModel):
    total: int
    items: list[FilingOut]


class DeadlineOut(BaseModel):
    """One deadline of a filing: kind statutory | supplement | reassessment | rectification; clock running |
    due_today | overdue | stopped (met, or the case closed), with working days left or past."""

    kind: str
    due: dt.date
    provisional: bool
    clock: str
    working_days: int
    estimated: bool
    text: str
    met_at: dt.datetime | None

    @classmethod
    def of(cls, d: DeadlineLine) -> DeadlineOut:
        return cls(
            kind=d.kind.value,
            due=d.due,
            provisional=d.provisional,
            clock=d.clock.state.value,
            working_days=d.clock.working_days,
            estimated=d.clock.provisional,
            text=d.text,
            met_at=d.met_at,
        )


class FilingDetail(FilingOut):
    actions: list[str]
    checklist_items: list[str]
    answers: dict[str, Any]
    events: list[EventOut]
    evidence: list[EvidenceOut]
    comments: list[CommentOut]
    inspections: list[InspectionOut]
    rectification: list[RectificationOut]
    assessor_id: int | None
    assessor_signed_at: dt.datetime | None
    deadlines: list[DeadlineOut] = Field(default_factory=list)

    @classmethod
    def of_view(cls, v: FilingView) -> FilingDetail:
        f = v.filing
        return cls(
            **f.as_list_row().model_dump(),
            actions=v.actions,
            checklist_items=v.items,
            answers=f.answers,
            events=f.events,
            evidence=v.evidence,
            comments=v.comments,
            inspections=v.inspections,
            rectification=v.rectification,
            assessor_id=f.assessor_id,
            assessor_signed_at=f.assessor_signed_at,
            deadlines=[DeadlineOut.of(d) for d in v.deadlines],
        )


class ChainOut(BaseModel):
    ok: bool
    entries: int
    first_broken: int | None
    reason: str


class DocumentOut(BaseModel):
    """An issued document as frozen: its 文号, digest, content, and the provider's signed acknowledgement."""

    id: int
    reference: str
    kind: str
    title: str
    issued_at: str
    sha256: str
    filing_id: int | None
    summons_id: int | None
    content: dict[str, Any]
    acknowledgement: dict[str, Any] | None


class PatternIn(In):
    pattern: Annotated[str, Field(max_length=100)] = Field(description="文号 pattern with {abbr}, {year}, {number}")
