"""The assessment report as a document, in the four parts of Art. 6(2) of the 2018 rule."""

from __future__ import annotations

from collections import Counter
from typing import Any

from redline import __version__
from redline.domain.assessment import AssessmentRun, ItemAnswer, tally
from redline.domain.obligations import CitedQuote, Evaluation, cite_quotes
from redline.domain.seat import no_seat as _no_seat
from redline.reports.canonical import jsonable, seal
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Checklist, ChecklistItem, Quote, TextStatus

SCHEMA = "redline/assessment-report"
SCHEMA_VERSION = 1
STRUCTURE_QUOTES = [Quote(cite="sa2018:6.2", text="安全评估报告应当包括下列内容")]


def _item(book: Rulebook, item: ChecklistItem, answer: ItemAnswer, run: AssessmentRun) -> dict[str, Any]:
    return {
        "id": item.id,
        "question": {"zh": item.question_zh, "en": item.question_en},
        "who": {"zh": item.who_zh, "en": item.who_en},
        "evidence_expected": {"zh": item.evidence_zh, "en": item.evidence_en},
        "probes": item.probes,
        "citations": jsonable(cite_quotes(book, list(item.quotes), run.assessment.date)),
        "status": answer.status.value if answer.status else None,
        "reason": answer.reason,
        "evidence": jsonable(answer.evidence),
        "findings": jsonable(answer.findings),
    }


def _checklist(book: Rulebook, checklist: Checklist, answers: dict[str, ItemAnswer],
               run: AssessmentRun) -> dict[str, Any]:
    return {
        "id": checklist.id,
        "title": {"zh": checklist.title_zh, "en": checklist.title_en},
        "citations": jsonable(cite_quotes(book, list(checklist.quotes), run.assessment.date)),
        "items": [_item(book, item, answers[item.id], run) for item in checklist.items],
    }


def _unverified(document: Any) -> int:
    """How many cited quotes in the document rest on unverified statute text."""
    if isinstance(document, dict):
        own = 1 if document.get("status") == TextStatus.UNVERIFIED.value and "cite" in document else 0
        return own + sum(_unverified(v) for v in document.values())
    if isinstance(document, list):
        return sum(_unverified(v) for v in document)
    return 0


def _obligations(evaluation: Evaluation | None) -> Any:
    if evaluation is None:
        return None
    return {"change": jsonable(evaluation.change), "facts": jsonable(evaluation.facts),
            "applicability": jsonable(evaluation.applicability), "summary": jsonable(evaluation.summary),
            "obligations": jsonable(evaluation.obligations),
            "not_in_force": jsonable([n for n in evaluation.not_triggered if n.in_force_from is not None]),
            "questions": jsonable(evaluation.questions), "judgements": jsonable(evaluation.judgements),
            "decided_not_due": jsonable([n for n in evaluation.not_triggered if n.judgements])}


def build_report(book: Rulebook, run: AssessmentRun) -> dict[str, Any]:
    """The sealed report document (canonical JSON form)."""
    assessment = run.assessment
    service = assessment.service
    answers = {a.item_id: a for a in assessment.answers}
    checklists = [book.checklist(cid) for cid in assessment.checklists]
    where = service.provider.location
    seat = book.divisions.local_authority_seat(where) if where else None
    findings = Counter(f.severity.value for a in assessment.answers for f in a.findings)
    structure: list[CitedQuote] = list(cite_quotes(book, STRUCTURE_QUOTES, assessment.date))
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "redline", "version": __version__, "rulebook": book.version},
        "draft": run.conclusion.value == "incomplete",
        "provider": {
            "name": service.provider.name,
            "location": service.provider.location,
            "location_name": book.divisions.full_name(where) if where else _no_seat(service.provider).zh,
            "location_name_en": book.divisions.full_name_en(where) if where else _no_seat(service.provider).en,
            "authority_seat": seat.code if seat else None,
            "credit_code": service.provider.credit_code,
        },
        "service": {
            "name": service.name,
            "description": service.description,
            "monthly_active_users": service.monthly_active_users,
            "capabilities": [{"id": c, "zh": book.capability(c).zh, "en": book.capability(c).en}
                             for c in service.capabilities],
        },
        "assessment": {"date": assessment.date.isoformat(), "assessor": jsonable(assessment.assessor)},
        "structure_basis": jsonable(structure),
        "basic_information": jsonable(service.basic),
        "measures": [_checklist(book, c, answers, run) for c in checklists],
        "conclusion": {
            "result": run.conclusion.value,
            "tally": tally(assessment.answers),
            "findings_by_severity": dict(sorted(findings.items())),
            "statement": assessment.statement,
        },
        "other": {"change_and_obligations": _obligations(run.evaluation)},
    }
    document["other"]["unverified_citations"] = _unverified(document)
    return seal(document)
