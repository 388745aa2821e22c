"""Use cases: start an assessment questionnaire, and turn answers into an assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from redline.domain.assessment import Assessment, AssessmentRun, conclude
from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import evaluate, service_tags_after
from redline.domain.service import Change, ServiceProfile
from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Checklist
from redline.services.assessment.documents import (
    AnswersFile,
    answers_from,
    assessor_from,
    change_from,
    service_from,
)
from redline.yamldoc import YamlDoc, load_model, read_yaml


def applicable_checklists(book: Rulebook, service: ServiceProfile, change: Change | None) -> list[Checklist]:
    roles = change.roles_after(service) if change else service.roles
    return book.checklists_for(service_tags_after(book, service, change), roles, service.provider.location)


@dataclass(frozen=True)
class Questionnaire:
    service_doc: YamlDoc
    change_doc: YamlDoc | None
    service: ServiceProfile
    change: Change | None
    checklists: list[Checklist]


def start_questionnaire(book: Rulebook, service_path: Path, change_path: Path | None = None) -> Questionnaire:
    service_doc = read_yaml(service_path)
    service = service_from(book, service_doc)
    change_doc = read_yaml(change_path) if change_path else None
    change = change_from(book, change_doc) if change_doc else None
    checklists = applicable_checklists(book, service, change)
    if not checklists:
        raise InputError(
            "no checklist applies: the service lists no capability with "
            "public-opinion, deep-synthesis, generative-AI or recommendation tags, "
            "and plays no role a checklist reaches (content or app distribution platform)",
            source=str(service_path),
            field="service.capabilities",
        )
    return Questionnaire(service_doc, change_doc, service, change, checklists)


def _checklists(book: Rulebook, doc: YamlDoc, ids: list[str]) -> list[Checklist]:
    known = {c.id: c for c in book.checklists}
    for i, cid in enumerate(ids):
        if cid not in known:
            raise InputError(
                f"unknown checklist '{cid}' (known: {', '.join(known)})",
                source=doc.source,
                line=doc.line_of(("checklists", i)),
                field=f"checklists.{i}",
            )
    return [known[cid] for cid in ids]


def run_assessment(book: Rulebook, answers_path: Path, *, draft: bool = False) -> AssessmentRun:
    doc = read_yaml(answers_path)
    raw = load_model(AnswersFile, doc)
    service = service_from(book, doc, raw.service, ("service",))
    change = change_from(book, doc, raw.change, ("change",)) if raw.change is not None else None
    checklists = _checklists(book, doc, raw.checklists)
    item_ids = [item.id for c in checklists for item in c.items]
    answers = answers_from(book, doc, raw, item_ids)
    assessment = Assessment(
        service,
        raw.assessment.date,
        assessor_from(raw.assessment.assessor),
        raw.assessment.statement,
        tuple(raw.checklists),
        answers,
        change,
    )
    missing = assessment.unanswered()
    if missing and not draft:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise InputError(
            f"{len(missing)} item(s) have no status: {shown} (answer them, or pass --draft for a draft report)",
            source=doc.source,
            line=doc.line_of(("answers", missing[0])),
            field=f"answers.{missing[0]}.status",
        )
    if not raw.assessment.assessor.name.strip() and not draft:
        raise InputError(
            "the assessor must be named (a draft may leave it empty)",
            source=doc.source,
            line=doc.line_of(("assessment", "assessor", "name")),
            field="assessment.assessor.name",
        )
    evaluation = None
    if change is not None:
        evaluation = evaluate(
            book, service, change, WorkCalendar(book.holidays), raw.assessment.date or dt.date.today()
        )
    return AssessmentRun(assessment, conclude(answers), evaluation)
