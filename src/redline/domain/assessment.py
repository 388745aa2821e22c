"""An assessment built from checklists: answers, evidence, findings and the conclusion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: importing them loads the rulebook, which probes that need Severity do not
    from redline.domain.obligations import Evaluation
    from redline.domain.service import Change, ServiceProfile


class AnswerStatus(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AssessorKind(StrEnum):
    SELF = "self"
    THIRD_PARTY = "third_party"


class Conclusion(StrEnum):
    """安全评估结论 (Art. 6(2)(3) of the 2018 rule), derived from the answers."""

    COMPLIANT = "compliant"
    RECTIFICATION_REQUIRED = "rectification_required"
    NOT_COMPLIANT = "not_compliant"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Evidence:
    file: str
    sha256: str
    description: str = ""


@dataclass(frozen=True)
class Finding:
    severity: Severity
    text: str


@dataclass(frozen=True)
class ItemAnswer:
    item_id: str
    status: AnswerStatus | None
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Assessor:
    name: str
    organisation: str = ""
    kind: AssessorKind = AssessorKind.SELF


@dataclass(frozen=True)
class Assessment:
    service: ServiceProfile
    date: dt.date
    assessor: Assessor
    statement: str
    checklists: tuple[str, ...]
    answers: tuple[ItemAnswer, ...]
    change: Change | None = None

    def unanswered(self) -> list[str]:
        return [a.item_id for a in self.answers if a.status is None]


_SERIOUS = frozenset({Severity.HIGH, Severity.CRITICAL})


def conclude(answers: tuple[ItemAnswer, ...]) -> Conclusion:
    """Any gap left open makes the assessment incomplete; a failed item or a serious
    finding means not compliant; anything partly met must be rectified (Art. 6(1))."""
    if any(a.status is None for a in answers):
        return Conclusion.INCOMPLETE
    findings = [f for a in answers for f in a.findings]
    if any(a.status is AnswerStatus.NOT_MET for a in answers) or any(f.severity in _SERIOUS for f in findings):
        return Conclusion.NOT_COMPLIANT
    if any(a.status is AnswerStatus.PARTLY_MET for a in answers) or any(
        f.severity is Severity.MEDIUM for f in findings
    ):
        return Conclusion.RECTIFICATION_REQUIRED
    return Conclusion.COMPLIANT


def tally(answers: tuple[ItemAnswer, ...]) -> dict[str, int]:
    counts = {status.value: 0 for status in AnswerStatus} | {"unanswered": 0}
    for answer in answers:
        counts[answer.status.value if answer.status else "unanswered"] += 1
    return counts


@dataclass(frozen=True)
class AssessmentRun:
    """An assessment with its derived conclusion and, if a change was given, its obligations."""

    assessment: Assessment
    conclusion: Conclusion
    evaluation: Evaluation | None
