"""The assessment report as a document, in the four parts of Art. 6(2) of the 2018 rule."""

from __future__ import annotations

from collections import Counter
from typing import Any

from redline import __version__
from redline.domain.assessment import AssessmentRun, ItemAnswer, tally
from redline.domain.obligations import Evaluation, cite_quotes
from redline.domain.seat import no_seat as _no_seat
from redline.domain.service import Provider, ServiceProfile
from redline.reports.canonical import seal
from redline.reports.models import (
    SCHEMA,
    VERSION,
    AssessmentInfo,
    Bilingual,
    BilingualList,
    Capability,
    ChangeAndObligations,
    Measure,
    Other,
    ReportConclusion,
    ReportContent,
    ReportGenerator,
    ReportItem,
    ReportProvider,
    ReportService,
    Tally,
)
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Checklist, ChecklistItem, Quote, TextStatus

SCHEMA_VERSION = VERSION
STRUCTURE_QUOTES = [Quote(cite="sa2018:6.2", text="安全评估报告应当包括下列内容")]


def _item(book: Rulebook, item: ChecklistItem, answer: ItemAnswer, run: AssessmentRun) -> ReportItem:
    return ReportItem(
        id=item.id,
        question=Bilingual(zh=item.question_zh, en=item.question_en),
        who=Bilingual(zh=item.who_zh, en=item.who_en),
        evidence_expected=BilingualList(zh=item.evidence_zh, en=item.evidence_en),
        probes=item.probes,
        citations=list(cite_quotes(book, list(item.quotes), run.assessment.date)),
        status=answer.status,
        reason=answer.reason,
        evidence=list(answer.evidence),
        findings=list(answer.findings),
    )


def _checklist(book: Rulebook, checklist: Checklist, answers: dict[str, ItemAnswer], run: AssessmentRun) -> Measure:
    return Measure(
        id=checklist.id,
        title=Bilingual(zh=checklist.title_zh, en=checklist.title_en),
        citations=list(cite_quotes(book, list(checklist.quotes), run.assessment.date)),
        items=[_item(book, item, answers[item.id], run) for item in checklist.items],
    )


def _unverified(report: ReportContent) -> int:
    """How many cited quotes in the report rest on unverified statute text."""

    def count(document: Any) -> int:
        if isinstance(document, dict):
            own = 1 if document.get("status") == TextStatus.UNVERIFIED.value and "cite" in document else 0
            return own + sum(count(v) for v in document.values())
        if isinstance(document, list):
            return sum(count(v) for v in document)
        return 0

    return count(report.model_dump(mode="json"))


def _obligations(evaluation: Evaluation | None) -> ChangeAndObligations | None:
    if evaluation is None:
        return None
    return ChangeAndObligations(
        change=evaluation.change,
        facts=list(evaluation.facts),
        applicability=evaluation.applicability,
        summary=evaluation.summary,
        obligations=list(evaluation.obligations),
        not_in_force=[n for n in evaluation.not_triggered if n.in_force_from is not None],
        questions=list(evaluation.questions),
        judgements=list(evaluation.judgements),
        decided_not_due=[n for n in evaluation.not_triggered if n.judgements],
    )


def _provider(book: Rulebook, provider: Provider) -> ReportProvider:
    where = provider.location
    seat = book.divisions.local_authority_seat(where) if where else None
    return ReportProvider(
        name=provider.name,
        location=where,
        location_name=book.divisions.full_name(where) if where else _no_seat(provider).zh,
        location_name_en=book.divisions.full_name_en(where) if where else _no_seat(provider).en,
        authority_seat=seat.code if seat else None,
        credit_code=provider.credit_code,
    )


def _service(book: Rulebook, service: ServiceProfile) -> ReportService:
    return ReportService(
        name=service.name,
        description=service.description,
        monthly_active_users=service.monthly_active_users,
        capabilities=[
            Capability(id=c, zh=book.capability(c).zh, en=book.capability(c).en) for c in service.capabilities
        ],
    )


def report_content(book: Rulebook, run: AssessmentRun) -> ReportContent:
    """The report before sealing, as its model."""
    assessment = run.assessment
    answers = {a.item_id: a for a in assessment.answers}
    findings = Counter(f.severity.value for a in assessment.answers for f in a.findings)
    content = ReportContent(
        schema_=SCHEMA,
        schema_version=VERSION,
        generator=ReportGenerator(
            name="redline",
            version=__version__,
            rulebook=book.version,
            rulebook_label=book.label or None,
            rulebook_date=book.dated,
        ),
        draft=run.conclusion.value == "incomplete",
        provider=_provider(book, assessment.service.provider),
        service=_service(book, assessment.service),
        assessment=AssessmentInfo(date=assessment.date, assessor=assessment.assessor),
        structure_basis=list(cite_quotes(book, STRUCTURE_QUOTES, assessment.date)),
        basic_information=assessment.service.basic,
        measures=[_checklist(book, book.checklist(cid), answers, run) for cid in assessment.checklists],
        conclusion=ReportConclusion(
            result=run.conclusion,
            tally=Tally.model_validate(tally(assessment.answers)),
            findings_by_severity=dict(sorted(findings.items())),
            statement=assessment.statement,
        ),
        other=Other(change_and_obligations=_obligations(run.evaluation), unverified_citations=0),
    )
    counted = content.other.model_copy(update={"unverified_citations": _unverified(content)})
    return content.model_copy(update={"other": counted})


def build_report(book: Rulebook, run: AssessmentRun) -> dict[str, Any]:
    """The sealed report document (plain JSON values, seal version 2)."""
    return seal(report_content(book, run).model_dump(mode="json"))
