"""Use cases that move a filing through its workflow: submit, review, inspect, rectify, close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain.assessment import (
    AnswerStatus,
    Assessment,
    AssessmentRun,
    Assessor,
    AssessorKind,
    Conclusion,
    Evidence,
    Finding,
    ItemAnswer,
    Severity,
    conclude,
)
from redline.domain.obligations import evaluate
from redline.domain.parallel_review import AUTHORITY_OF_ROLE, Authority, overall_state, standing, step
from redline.domain.workflow import Action, FilingState, Task, actor_may, state_allows, track_allows
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.reports.document import build_report
from redline.services import audit
from redline.services.assessment.documents import change_from, service_from
from redline.services.context import Context
from redline.services.filing import (
    assessor_signature,
    document_bodies,
    filing_deadlines,
    issuing,
    report_versions,
    review_tracks,
    rulebook_versions,
)
from redline.services.filing.filings import checklist_items, record
from redline.services.inbox import delivering
from redline.services.principal import Principal, actor, regulator_reaches, require_filing, require_regulator
from redline.services.records import checkpoints, receipts
from redline.store.locking import get_for_update
from redline.store.models import Evidence as EvidenceRow
from redline.store.models import (
    Filing,
    FilingEvent,
    Inspection,
    IssuedDocument,
    Organisation,
    RectificationItem,
    ReviewComment,
    Service,
    Summons,
    User,
)
from redline.yamldoc import YamlDoc


@dataclass(frozen=True)
class RectificationDemand:
    text: str
    due: dt.date


def _assessment_run(ctx: Context, session: Session, filing: Filing) -> AssessmentRun:
    assert filing.service is not None
    service = service_from(ctx.book, YamlDoc("service", filing.service.profile))
    change = change_from(ctx.book, YamlDoc("change", filing.change)) if filing.change else None
    evidence: dict[str | None, list[Evidence]] = {}
    for row in session.scalars(select(EvidenceRow).where(EvidenceRow.filing_id == filing.id)):
        evidence.setdefault(row.item_id, []).append(Evidence(row.filename, row.sha256, row.description))
    answers = []
    for item_id in checklist_items(ctx, filing):
        raw = filing.answers.get(item_id) or {}
        status = AnswerStatus(raw["status"]) if raw.get("status") else None
        findings = tuple(Finding(Severity(f["severity"]), f["text"]) for f in raw.get("findings", []))
        answers.append(ItemAnswer(item_id, status, raw.get("reason", ""), tuple(evidence.get(item_id, [])), findings))
    assessor = session.get(User, filing.assessor_id) if filing.assessor_id else None
    if assessor is not None and assessor_signature.holds(session, filing):
        who = Assessor(
            assessor.display_name, assessor.organisation.name if assessor.organisation else "", AssessorKind.THIRD_PARTY
        )
    else:
        who = Assessor(filing.provider.name, filing.provider.name, AssessorKind.SELF)
    checklists = tuple(dict.fromkeys(ctx.book.checklist_item(i)[0].id for i in checklist_items(ctx, filing)))
    assessment = Assessment(service, ctx.today(), who, filing.assessor_statement, checklists, tuple(answers), change)
    evaluation = evaluate(ctx.book, service, change, ctx.calendar, ctx.today()) if change else None
    return AssessmentRun(assessment, conclude(tuple(answers)), evaluation)


def _freeze_report(ctx: Context, session: Session, p: Principal, filing: Filing) -> None:
    run = _assessment_run(ctx, session, filing)
    missing = run.assessment.unanswered()
    if missing:
        raise InputError(
            f"{len(missing)} item(s) have no answer: {', '.join(missing[:5])}", field=f"answers.{missing[0]}"
        )
    if filing.assessor_id is not None and not assessor_signature.holds(session, filing):
        raise InputError(
            "the invited assessor has not signed the conclusion as it stands (a change after "
            "signing withdraws the signature)",
            field="assessor",
        )
    if run.conclusion is Conclusion.NOT_COMPLIANT:
        raise InputError(
            "the assessment found hidden dangers; rectify them before submitting (Art. 6(1) of the 2018 rule)",
            field="conclusion",
        )
    report_versions.add_version(session, filing, build_report(ctx.book, run), ctx.now(), p)
    rulebook_versions.stamp(session, filing, ctx.book)
    filing_deadlines.meet(session, filing, ctx.now())
    filing.submitted_at, filing.visible_to_regulator = ctx.now(), True


def _authority(p: Principal) -> Authority:
    return AUTHORITY_OF_ROLE[p.role]


def check_entered(today: dt.date, action: Action, extra: dict[str, Any]) -> None:
    """What a step refuses in what was entered, before anything is read or stored: a rectification order with
    no item or an item due in the past, a supplement or re-assessment date in the past (a date left out is
    set later, from the working-day calendar). The confirmation page asks it too (`previews`)."""
    if action is Action.ORDER_RECTIFICATION:
        demands = list(extra.get("items") or [])
        if not demands:
            raise InputError("a rectification order needs at least one item", field="items")
        for d in demands:
            if d.due < today:
                raise InputError(f"item due date {d.due} is in the past", field="items.due")
    due = extra.get("due")
    if action in (Action.REQUEST_SUPPLEMENT, Action.ORDER_REASSESSMENT) and due is not None and due < today:
        raise InputError(f"due date {due} is in the past", field="due")


def _apply_extras(
    ctx: Context,
    session: Session,
    p: Principal,
    filing: Filing,
    action: Action,
    extra: dict[str, Any],
    moved: list[Authority],
) -> dict[str, Any]:
    """The data some steps carry besides the state change (`moved`: the tracks it moves); returns what
    the timeline records."""
    check_entered(ctx.today(), action, extra)
    if action is Action.SUBMIT:
        _freeze_report(ctx, session, p, filing)
        return {"digest": filing.report_digest}
    if action is Action.FINISH_INSPECTION:
        inspection = Inspection(
            filing_id=filing.id,
            date=extra.get("date") or ctx.today(),
            at=ctx.now(),
            inspectors=str(extra.get("inspectors", "")).strip(),
            findings=str(extra.get("findings", "")).strip(),
            recorded_by=p.user_id,
        )
        if not inspection.inspectors:
            raise InputError("name the inspectors", field="inspectors")
        session.add(inspection)
        return {"inspection_date": inspection.date, "inspectors": inspection.inspectors}
    if action is Action.ORDER_RECTIFICATION:
        demands: list[RectificationDemand] = extra.get("items") or []
        rounds = session.scalars(select(RectificationItem.round).where(RectificationItem.filing_id == filing.id)).all()
        current = max(rounds, default=0) + 1
        for d in demands:
            session.add(
                RectificationItem(
                    filing_id=filing.id, round=current, text=d.text, due=d.due, authority=_authority(p).value
                )
            )
        return {"round": current, "items": [d.text for d in demands]}
    if action is Action.SUBMIT_RECTIFICATION:
        open_items = [i for a in moved for i in _current_items(session, filing, a) if not i.response.strip()]
        if open_items:
            raise InputError(f"{len(open_items)} rectification item(s) have no answer", field="items")
    if action is Action.VERIFY:
        for item in _current_items(session, filing, _authority(p)):
            item.verified = True
    if action is Action.REJECT_RECTIFICATION:
        for item in _current_items(session, filing, _authority(p)):  # answers stay in the timeline
            item.response, item.responded_at = "", None
    if action in (Action.REQUEST_SUPPLEMENT, Action.ORDER_REASSESSMENT):
        due = extra.get("due") or ctx.calendar.add_working_days(ctx.today(), ctx.settings.supplement_working_days).date
        kind = (
            filing_deadlines.DeadlineKind.SUPPLEMENT
            if action is Action.REQUEST_SUPPLEMENT
            else filing_deadlines.DeadlineKind.REASSESSMENT
        )
        filing_deadlines.request(session, filing, kind, due, ctx.now(), p.user_id)
        return {"due": due}
    return {}


def _current_items(session: Session, filing: Filing, authority: Authority) -> list[RectificationItem]:
    """The latest order of `authority` (orders made before parallel review, with no authority, count
    for both)."""
    rows = session.scalars(
        select(RectificationItem)
        .where(RectificationItem.filing_id == filing.id)
        .order_by(RectificationItem.round, RectificationItem.id)
    ).all()
    mine = [r for r in rows if r.authority in (None, authority.value)]
    latest = max((r.round for r in mine), default=0)
    return [r for r in mine if r.round == latest]


def _issue_for_step(
    session: Session, ctx: Context, p: Principal, filing: Filing, action: Action, note: str, data: dict[str, Any]
) -> IssuedDocument:
    """The document the step issues, frozen now: what it says can never follow later changes."""
    session.flush()
    kind = document_bodies.KIND_OF_ACTION[action]
    items = _current_items(session, filing, _authority(p)) if action is Action.ORDER_RECTIFICATION else []
    facts = {**data, "verified": action is Action.VERIFY}
    body = document_bodies.for_filing(ctx.book, kind, filing, note.strip(), facts, items)
    return issuing.issue(
        session, ctx, p, kind, filing.provider, body, filing_id=filing.id, service_id=filing.service_id
    )


def act(
    ctx: Context, p: Principal, filing_id: int, action: Action, note: str = "", extra: dict[str, Any] | None = None
) -> FilingState:
    """Make one workflow step, if state and role allow it; refuse with the reason otherwise."""
    with ctx.uow() as uow:
        event = act_in(uow.session, ctx, p, filing_id, action, note, extra)
        uow.commit()
        assert event.to_state is not None
        return FilingState(event.to_state)


def act_in(
    session: Session,
    ctx: Context,
    p: Principal,
    filing_id: int,
    action: Action,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> FilingEvent:
    """`act` inside the caller's transaction (for use cases that do more in the same commit); returns
    the timeline event, whose data names what the step created (a rectification round, a due date)."""
    filing = require_filing(p, get_for_update(session, Filing, filing_id), filing_id)
    before = FilingState(filing.state)
    rows = review_tracks.rows_of(session, filing)
    tracks = review_tracks.states_of(rows)
    after = step(tracks, action, p.role, note)
    moved = [a for a in Authority if after[a] is not tracks[a]]
    for a in moved:
        rows[a].state = after[a].value
        if p.is_regulator:
            rows[a].officer_id, rows[a].officer_name = p.user_id, p.display_name
            rows[a].at, rows[a].note = ctx.now(), note.strip()
    filing.state = overall_state(after).value
    data = _apply_extras(ctx, session, p, filing, action, extra or {}, moved)
    data["reviews"] = {a.value: after[a].value for a in Authority}
    if p.is_regulator:
        data["authority"] = _authority(p).value
    if action in document_bodies.KIND_OF_ACTION:
        document = _issue_for_step(session, ctx, p, filing, action, note, {**(extra or {}), **data})
        data = {**data, "document": document.reference, "document_sha256": document.sha256}
    event = record(session, ctx, p, filing, action.value, before.value, note.strip(), data)
    if action is Action.SUBMIT and filing.report_digest:
        subject = {"filing": filing.id, "report_sha256": filing.report_digest}
        for office in issuing.receiving_offices(session, ctx, filing.region):
            receipts.sign_receipt(
                session,
                ctx.settings.key_dir,
                ctx.now(),
                "submission",
                subject,
                office,
                office.name,
                filing_id=filing.id,
            )
        checkpoints.write(session, ctx.settings.key_dir, ctx.now(), [(filing.id, filing.report_digest)])
    return event


def comment(ctx: Context, p: Principal, filing_id: int, item_id: str, text: str) -> None:
    """A regulator's written-review comment on one checklist item."""
    with ctx.uow() as uow:
        filing = require_filing(p, get_for_update(uow.session, Filing, filing_id), filing_id)
        if not actor_may(Task.COMMENT, actor(p, filing)):
            raise PermissionDeniedError("only a CAC or public-security officer may comment in review")
        where = standing(review_tracks.states_of(review_tracks.rows_of(uow.session, filing)), p.role)
        if not state_allows(Task.COMMENT, where):
            assert where.own is not None
            raise InputError(
                f"comments are made under review, not while your authority's review is in state '{where.own.value}'",
                field="state",
            )
        if item_id not in checklist_items(ctx, filing):
            raise InputError(f"'{item_id}' is not an item of this filing", field="item_id")
        if not text.strip():
            raise InputError("the comment is empty", field="text")
        uow.session.add(
            ReviewComment(
                filing_id=filing.id,
                item_id=item_id,
                author_id=p.user_id,
                author_name=p.display_name,
                text=text.strip(),
                at=ctx.now(),
            )
        )
        record(
            uow.session,
            ctx,
            p,
            filing,
            "comment",
            filing.state,
            text.strip(),
            {"item": item_id, "authority": _authority(p).value},
        )
        uow.commit()


def answer_rectification(
    ctx: Context, p: Principal, filing_id: int, item_id: int, response: str, evidence_sha256: str | None = None
) -> None:
    with ctx.uow() as uow:
        filing = require_filing(p, get_for_update(uow.session, Filing, filing_id), filing_id)
        if not actor_may(Task.ANSWER_RECTIFICATION, actor(p, filing)):
            raise PermissionDeniedError("only the provider answers a rectification order")
        tracks = review_tracks.states_of(review_tracks.rows_of(uow.session, filing))
        ordering = [a for a in Authority if track_allows(Task.ANSWER_RECTIFICATION, tracks[a])]
        if not ordering:
            raise InputError(f"no open rectification order in state '{filing.state}'", field="state")
        item = uow.session.get(RectificationItem, item_id)
        if (
            item is None
            or item.filing_id != filing.id
            or not any(item in _current_items(uow.session, filing, a) for a in ordering)
        ):
            raise NotFoundError(f"no open rectification item {item_id}")
        if not response.strip():
            raise InputError("the answer is empty", field="response")
        item.response, item.responded_at = response.strip(), ctx.now()
        item.evidence_sha256 = evidence_sha256 or item.evidence_sha256
        record(uow.session, ctx, p, filing, "rectification_answer", filing.state, response.strip(), {"item": item.id})
        uow.commit()


@dataclass(frozen=True)
class SummonsRecord:
    provider_id: int
    date: dt.date
    agencies: str
    attendees: str
    problems: str
    demands: str
    deadline: dt.date | None = None
    filing_id: int | None = None


def record_summons(ctx: Context, p: Principal, s: SummonsRecord) -> int:
    """约谈: recorded by a regulator over a provider in its jurisdiction."""
    with ctx.uow() as uow:
        summons_id = record_summons_in(uow.session, ctx, p, s)
        uow.commit()
        return summons_id


def record_summons_in(session: Session, ctx: Context, p: Principal, s: SummonsRecord) -> int:
    """`record_summons` inside the caller's transaction."""
    require_regulator(p)
    org = session.get(Organisation, s.provider_id)
    if org is None or org.kind != "provider" or not regulator_reaches(p, org.location):
        raise NotFoundError(f"no provider {s.provider_id}")
    for name in ("agencies", "attendees", "problems", "demands"):
        if not str(getattr(s, name)).strip():
            raise InputError(f"'{name}' is required", field=name)
    if s.filing_id is not None:
        filing = require_filing(p, session.get(Filing, s.filing_id), s.filing_id)
        if filing.provider_id != org.id:
            raise InputError("that filing belongs to another provider", field="filing_id")
    row = Summons(
        provider_id=org.id,
        filing_id=s.filing_id,
        region=org.location,
        date=s.date,
        agencies=s.agencies,
        attendees=s.attendees,
        problems=s.problems,
        demands=s.demands,
        deadline=s.deadline,
        recorded_by=p.user_id,
        at=ctx.now(),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        ctx.now(),
        p.username,
        "summons.record",
        f"summons:{row.id}",
        {"provider": org.id, "date": s.date, "deadline": s.deadline},
    )
    if s.filing_id is not None:
        named = session.get(Filing, s.filing_id)
        services = [named.service.name] if named is not None and named.service is not None else []
    else:
        services = list(session.scalars(select(Service.name).where(Service.provider_id == org.id).order_by(Service.id)))
    body = document_bodies.for_summons(ctx.book, row, services, ctx.today())
    document = issuing.issue(session, ctx, p, body["summons_kind"], org, body, filing_id=s.filing_id, summons_id=row.id)
    delivering.on_summons(session, ctx, p, row, document)
    return row.id
