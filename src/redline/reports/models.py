"""The sealed assessment report as a typed, versioned document (schema `redline/assessment-report`).

Why typed: the report is what redline exists to produce and what other tools (a regulator's system, a
verifier in another language) read. The model is the one description of its shape: `build_report` fills it,
`docs/schemas/assessment-report.v2.schema.json` is generated from it, and every reader of a report that
comes from outside (`report verify`, `report sign`, `pdf`, `oscal`, package import) validates through it and
names the first bad field by its path.

Version 2 differs from version 1 only in its seal (RFC 8785, see reports/canonical.py); both load. The
change-and-obligations part reuses the domain's own dataclasses, so the schema follows them exactly and a
change there shows up as a changed schema file in review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from redline.document_models import DocumentModel, Seal, SealV1, validated
from redline.domain.applicability import Applicability
from redline.domain.assessment import AnswerStatus, Assessor, Conclusion, Evidence, Finding
from redline.domain.judgements import Judgement, Question
from redline.domain.obligations import CitedQuote, NotTriggered, Obligation
from redline.domain.service import BasicInfo, Change
from redline.domain.text import Text
from redline.errors import InputError

SCHEMA = "redline/assessment-report"
VERSION = 2


class Bilingual(DocumentModel):
    zh: str
    en: str


class BilingualList(DocumentModel):
    zh: list[str]
    en: list[str]


class Generator(DocumentModel):
    name: Literal["redline"]
    version: str
    rulebook: str = Field(description="the rulebook's content version the report was made with")


class ReportGenerator(Generator):
    """The generator of a version 2 report: with the rulebook's release label and date."""

    # Added within version 2 as optional members: reports sealed before them still load and verify.
    rulebook_label: str | None = Field(
        default=None, description="the rulebook's release label (data/rulebook.yaml); absent in earlier reports"
    )
    rulebook_date: dt.date | None = Field(default=None, description="the rulebook's release date")


class ReportProvider(DocumentModel):
    name: str
    location: str | None = Field(description="GB/T 2260 code of the provider's seat; null outside China")
    location_name: str
    location_name_en: str
    authority_seat: str | None
    credit_code: str | None


class Capability(DocumentModel):
    id: str
    zh: str
    en: str


class ReportService(DocumentModel):
    name: str
    description: str
    monthly_active_users: int | None
    capabilities: list[Capability]


class AssessmentInfo(DocumentModel):
    date: dt.date
    assessor: Assessor


class ReportItem(DocumentModel):
    """One checklist item with its answer: status null while unanswered."""

    id: str
    question: Bilingual
    who: Bilingual
    evidence_expected: BilingualList
    probes: list[str]
    citations: list[CitedQuote]
    status: AnswerStatus | None
    reason: str
    evidence: list[Evidence]
    findings: list[Finding]


class Measure(DocumentModel):
    """One checklist: the security measures of Art. 6(2) item 2 it checks."""

    id: str
    title: Bilingual
    citations: list[CitedQuote]
    items: list[ReportItem]


class Tally(DocumentModel):
    met: int
    partly_met: int
    not_met: int
    not_applicable: int
    unanswered: int


class ReportConclusion(DocumentModel):
    result: Conclusion
    tally: Tally
    findings_by_severity: dict[str, int]
    statement: str


class ChangeAndObligations(DocumentModel):
    """The change assessed and the duties it triggers, as the domain evaluated them."""

    change: Change
    facts: list[Text]
    applicability: Applicability | None
    summary: Text
    obligations: list[Obligation]
    not_in_force: list[NotTriggered]
    questions: list[Question]
    judgements: list[Judgement]
    decided_not_due: list[NotTriggered]


class Other(DocumentModel):
    change_and_obligations: ChangeAndObligations | None
    unverified_citations: int = Field(ge=0, description="cited quotes resting on unverified statute text")


class _Body(DocumentModel):
    """Art. 6(2) of the 2018 rule: basic information, measures, conclusion and other matters."""

    schema_: Literal["redline/assessment-report"] = Field(alias="schema")
    generator: Generator
    draft: bool = Field(description="true while any item is unanswered: not a report to submit")
    provider: ReportProvider
    service: ReportService
    assessment: AssessmentInfo
    structure_basis: list[CitedQuote]
    basic_information: BasicInfo
    measures: list[Measure]
    conclusion: ReportConclusion
    other: Other


class ReportContent(_Body):
    """What `build_report` fills in before sealing."""

    schema_version: Literal[2]
    generator: ReportGenerator


class AssessmentReport(ReportContent):
    """A sealed assessment report, version 2 (RFC 8785 seal)."""

    model_config = ConfigDict(title="AssessmentReport")
    seal: Seal


class AssessmentReportV1(_Body):
    """A sealed assessment report, version 1: still read and verified, no longer written."""

    model_config = ConfigDict(title="AssessmentReportV1")
    schema_version: Literal[1]
    seal: SealV1


def read_report(document: Any, source: str) -> AssessmentReport | AssessmentReportV1:
    """A parsed report as its model, by the version it states; InputError naming the first bad field."""
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise InputError(f"not a redline assessment report (expected schema {SCHEMA!r})", source=source, field="schema")
    version = document.get("schema_version")
    model: type[AssessmentReport | AssessmentReportV1]
    if version == 1:
        model = AssessmentReportV1
    elif version == VERSION:
        model = AssessmentReport
    else:
        raise InputError(
            f"unknown report version {version!r} (this redline reads versions 1 and {VERSION})",
            source=source,
            field="schema_version",
        )
    return validated(model, document, "report", source, "assessment report")
