"""Use cases on the provider's side: services, changes, answers, evidence, assessors.

Each runs in one transaction, checks who may act, and writes its audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain.assessment import AnswerStatus, Severity
from redline.domain.filenames import check_file_name, check_line
from redline.domain.obligations import Evaluation, evaluate, service_tags_after
from redline.domain.parallel_review import standing
from redline.domain.workflow import FilingState, Role, Standing, Task, actor_may, may_do, state_allows
from redline.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from redline.reports.canonical import jsonable
from redline.rulebook.schema import DeadlineRule, EventKind
from redline.services import audit
from redline.services.access import organisations
from redline.services.assessment.assessing import applicable_checklists
from redline.services.assessment.documents import change_from, reconcile, service_from
from redline.services.context import Context
from redline.services.filing import assessor_signature, document_bodies, issuing, review_tracks, rulebook_versions
from redline.services.inbox import delivering
from redline.services.principal import Principal, actor, regulator_reaches, require_filing, require_regulator
from redline.store.locking import get_for_update
from redline.store.models import Evidence, Filing, FilingEvent, Organisation, Service, User
from redline.words import gettext_for
from redline.words.labels import CHANGE_KINDS, name_in
from redline.yamldoc import YamlDoc

NATIONAL = "100000"  # the jurisdiction code of a national office


def record(
    session: Session,
    ctx: Context,
    p: Principal,
    filing: Filing,
    action: str,
    from_state: str | None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> FilingEvent:
    """Timeline event plus audit entry, in the caller's transaction, and the inbox items it sends (or settles);
    returns the event (flushed: it has its id)."""
    payload = jsonable(data or {})
    event = FilingEvent(
        filing_id=filing.id,
        at=ctx.now(),
        actor_id=p.user_id,
        actor_name=p.display_name,
        action=action,
        from_state=from_state,
        to_state=filing.state,
        note=note,
        data=payload,
    )
    session.add(event)
    audit.append(
        session,
        ctx.now(),
        p.username,
        f"filing.{action}",
        f"filing:{filing.id}",
        {"from": from_state, "to": filing.state, "note": note, **payload},
    )
    session.flush()
    delivering.on_filing_event(session, ctx, p, filing, event)
    return event


def create_organisation(
    ctx: Context, kind: str, name: str, location: str, credit_code: str | None = None, actor: str = "system"
) -> int:
    """An organisation (see `access.organisations.create_organisation`)."""
    return organisations.create_organisation(ctx, kind, name, location, credit_code, actor)


def _provider_org(session: Session, p: Principal) -> Organisation:
    if not p.is_provider or p.organisation_id is None:
        raise PermissionDeniedError("only a provider's account may do this")
    org = session.get(Organisation, p.organisation_id)
    assert org is not None
    return org


def add_service(ctx: Context, p: Principal, profile: dict[str, Any]) -> int:
    """Register a service; the profile has the shape of a service YAML file (provider filled in)."""
    with ctx.uow() as uow:
        org = _provider_org(uow.session, p)
        profile = {**profile, "provider": {"name": org.name, "location": org.location, "credit_code": org.credit_code}}
        parsed = service_from(ctx.book, YamlDoc("service", profile))
        row = Service(provider_id=org.id, name=parsed.name, profile=jsonable(profile))  # dates as text
        uow.session.add(row)
        uow.session.flush()
        audit.append(
            uow.session,
            ctx.now(),
            p.username,
            "service.create",
            f"service:{row.id}",
            {"name": parsed.name, "capabilities": list(parsed.capabilities)},
        )
        uow.commit()
        return row.id


def _due(evaluation: Evaluation) -> tuple[dt.date | None, bool]:
    dated = [o for o in evaluation.obligations if o.due.date is not None and o.due.rule is not DeadlineRule.ONGOING]
    assessments = [o for o in dated if o.kind.value == "security_assessment"] or dated
    if not assessments:
        return None, False
    first = min(assessments, key=lambda o: o.due.date or dt.date.max)
    return first.due.date, first.due.provisional


def _evaluate(ctx: Context, service_row: Service, change: dict[str, Any]) -> tuple[Evaluation, list[str]]:
    service = service_from(ctx.book, YamlDoc(f"service {service_row.id}", service_row.profile))
    doc = YamlDoc("change", change)
    parsed = change_from(ctx.book, doc)
    reconcile(service, parsed, doc)
    evaluation = evaluate(ctx.book, service, parsed, ctx.calendar, ctx.today())
    tags = sorted(t.value for t in service_tags_after(ctx.book, service, parsed))
    return evaluation, tags


def _new_filing(
    session: Session,
    ctx: Context,
    p: Principal,
    service_row: Service,
    org: Organisation,
    change: dict[str, Any],
    state: FilingState,
    title: str,
) -> Filing:
    evaluation, tags = _evaluate(ctx, service_row, change)
    due, provisional = _due(evaluation)
    filing = Filing(
        provider_id=org.id,
        service_id=service_row.id,
        region=org.location,
        state=state.value,
        title=title,
        change=jsonable(change),
        obligations=jsonable(evaluation.obligations),
        technologies=tags,
        due_date=due,
        due_provisional=provisional,
        answers={},
        visible_to_regulator=state is FilingState.NOTICE_ISSUED,
    )
    rulebook_versions.stamp(session, filing, ctx.book)
    session.add(filing)
    session.flush()
    return filing


def record_change(ctx: Context, p: Principal, service_id: int, change: dict[str, Any]) -> int:
    """A provider records a planned change; the filing opens in draft with its obligations."""
    with ctx.uow() as uow:
        org = _provider_org(uow.session, p)
        service_row = uow.session.get(Service, service_id)
        if service_row is None or service_row.provider_id != org.id:
            raise NotFoundError(f"no service {service_id}")
        kind = gettext_for("zh-CN")(name_in(CHANGE_KINDS, change.get("kind"))) if change.get("kind") else "变更"
        title = f"{service_row.name} · {kind} · {change.get('date', '')}"
        filing = _new_filing(uow.session, ctx, p, service_row, org, change, FilingState.DRAFT, title)
        record(
            uow.session,
            ctx,
            p,
            filing,
            "open",
            None,
            str(change.get("description", "")),
            {"obligations": [o["trigger_id"] for o in filing.obligations]},
        )
        uow.commit()
        return filing.id


def notify(ctx: Context, p: Principal, service_id: int, reference: str, note: str, due: dt.date | None = None) -> int:
    """A regulator's written notice that an assessment is required (Art. 3(5) of the 2018 rule)."""
    with ctx.uow() as uow:
        filing = notify_in(uow.session, ctx, p, service_id, reference, note, due)
        uow.commit()
        return filing.id


def notify_in(
    session: Session, ctx: Context, p: Principal, service_id: int, reference: str, note: str, due: dt.date | None
) -> Filing:
    """`notify` in the caller's transaction (several notices issued in one step commit together)."""
    require_regulator(p)
    check_line(reference, "reference")
    service_row = session.get(Service, service_id)
    org = session.get(Organisation, service_row.provider_id) if service_row is not None else None
    if service_row is None or org is None or not regulator_reaches(p, org.location):
        raise NotFoundError(f"no service {service_id}")
    change: dict[str, Any] = {
        "kind": EventKind.REGULATOR_NOTICE.value,
        "date": ctx.today(),
        "description": note,
        "notice": {"issuer": _issuer(session, p), "reference": reference, **({"due": due} if due else {})},
    }
    title = f"{service_row.name} · 书面通知 {reference}".strip()
    filing = _new_filing(session, ctx, p, service_row, org, change, FilingState.NOTICE_ISSUED, title)
    body = document_bodies.for_notice(ctx.book, service_row.name, note, due, filing.id, reference)
    document = issuing.issue(session, ctx, p, "notice", org, body, filing_id=filing.id, service_id=service_row.id)
    record(
        session,
        ctx,
        p,
        filing,
        "notify",
        None,
        note,
        {"reference": reference, "document": document.reference, "document_sha256": document.sha256},
    )
    return filing


def _issuer(session: Session, p: Principal) -> dict[str, Any]:
    """The organ a notice comes from: the officer's agency, at the officer's jurisdiction (Art. 3(5))."""
    org = session.get(Organisation, p.organisation_id) if p.organisation_id is not None else None
    kind = {"cac": "cac", "mps": "public_security"}.get(p.agency or "", "other")
    name = org.name if org is not None else p.display_name
    if p.jurisdiction == NATIONAL:
        return {"kind": kind, "name": name, "national": True}
    return {"kind": kind, "name": name, "division": p.jurisdiction}


def checklist_items(ctx: Context, filing: Filing) -> list[str]:
    if filing.service is None:
        return []
    service = service_from(ctx.book, YamlDoc("service", filing.service.profile))
    change = change_from(ctx.book, YamlDoc("change", filing.change)) if filing.change else None
    return [i.id for c in applicable_checklists(ctx.book, service, change) for i in c.items]


def _editable(session: Session, p: Principal, filing_id: int, *, evidence: bool = False) -> Filing:
    filing = require_filing(p, get_for_update(session, Filing, filing_id), filing_id)
    who = actor(p, filing)
    if evidence and may_do(
        Task.ANSWER_RECTIFICATION,
        who,
        standing(review_tracks.states_of(review_tracks.rows_of(session, filing)), p.role),
    ):
        return filing  # evidence for the answers to a rectification order (of either authority)
    if not actor_may(Task.EDIT_ASSESSMENT, who):
        raise PermissionDeniedError("only the provider or its invited assessor may edit the assessment")
    if not state_allows(Task.EDIT_ASSESSMENT, _at(filing)):
        raise ConflictError(f"the assessment cannot be edited in state '{filing.state}'", field="state")
    return filing


def _at(filing: Filing) -> Standing:
    """Where the filing stands for the tasks on the whole filing (which read its state alone)."""
    return Standing(FilingState(filing.state))


MAX_FINDINGS = 100  # findings on one checklist item
MAX_ANSWER_TEXT = 20_000  # a reason or a finding's text


def _answer_text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError("must be text", field=field)
    if len(value) > MAX_ANSWER_TEXT:
        raise InputError(f"at most {MAX_ANSWER_TEXT} characters", field=field)
    return value.strip()


def _clean_finding(item_id: str, n: int, raw: Any) -> dict[str, str]:
    """A finding as stored: its own severity, chosen, never defaulted, and its text."""
    field = f"answers.{item_id}.findings.{n}"
    if not isinstance(raw, dict):
        raise InputError("a finding has a severity and a text", field=field)
    if raw.get("severity") not in {s.value for s in Severity}:
        raise InputError("a finding needs a severity: low, medium, high or critical", field=f"{field}.severity")
    text = _answer_text(raw.get("text"), f"{field}.text")
    if not text:
        raise InputError("a finding needs a text (to remove a finding, tick its removal)", field=f"{field}.text")
    return {"severity": str(raw["severity"]), "text": text}


def _clean_answer(item_id: str, raw: Any) -> dict[str, Any] | None:
    """The answer as stored; None for an item left blank (no status, reason or finding)."""
    if not isinstance(raw, dict):
        raise InputError("an answer has a status, a reason and findings", field=f"answers.{item_id}")
    status = raw.get("status") or None
    if status is not None and status not in {s.value for s in AnswerStatus}:
        raise InputError(
            f"status must be one of {', '.join(s.value for s in AnswerStatus)}", field=f"answers.{item_id}.status"
        )
    reason = _answer_text(raw.get("reason"), f"answers.{item_id}.reason")
    if status == AnswerStatus.NOT_APPLICABLE and not reason:
        raise InputError("'not_applicable' needs a reason", field=f"answers.{item_id}.reason")
    given = raw.get("findings") or []
    if not isinstance(given, list):
        raise InputError("findings are a list", field=f"answers.{item_id}.findings")
    if len(given) > MAX_FINDINGS:
        raise InputError(f"at most {MAX_FINDINGS} findings on one item", field=f"answers.{item_id}.findings")
    findings = [_clean_finding(item_id, n, f) for n, f in enumerate(given)]
    if status is None and not reason and not findings:
        return None
    return {"status": status, "reason": reason, "findings": findings}


def _blank(answer: Any) -> bool:
    return not isinstance(answer, dict) or not (answer.get("status") or answer.get("reason") or answer.get("findings"))


def save_answers(ctx: Context, p: Principal, filing_id: int, answers: dict[str, dict[str, Any]]) -> None:
    """Store the answers given for some items, each replacing that item's answer whole; answers equal to what
    is stored change nothing (no event, the assessor's signature stays)."""
    with ctx.uow() as uow:
        filing = _editable(uow.session, p, filing_id)
        items = set(checklist_items(ctx, filing))
        merged = dict(filing.answers)
        for item_id, raw in answers.items():
            if item_id not in items:
                raise InputError(f"'{item_id}' is not an item of this filing's checklists", field=f"answers.{item_id}")
            cleaned = _clean_answer(item_id, raw)
            if cleaned is None:
                if _blank(merged.get(item_id)):
                    continue  # blank stays blank, whether stored as absent or as empty (before issue 17)
                merged.pop(item_id, None)
            else:
                merged[item_id] = cleaned
        changed = sorted(i for i in set(merged) | set(filing.answers) if merged.get(i) != filing.answers.get(i))
        if not changed:
            return
        filing.answers = merged
        record(uow.session, ctx, p, filing, "answers", filing.state, "", {"items": changed})
        _withdraw_signature(
            uow.session, ctx, p, filing, "answers saved after signing", always=p.role is not Role.ASSESSOR
        )
        uow.commit()


def add_evidence(
    ctx: Context,
    p: Principal,
    filing_id: int,
    item_id: str | None,
    filename: str,
    stream: BinaryIO,
    description: str = "",
) -> str:
    """Store an evidence file by digest and attach it to the filing (and an item)."""
    check_file_name(filename)
    with ctx.uow() as uow:
        filing = _editable(uow.session, p, filing_id, evidence=True)
        if item_id and item_id not in checklist_items(ctx, filing):
            raise InputError(f"'{item_id}' is not an item of this filing's checklists", field="item_id")
    blob = ctx.blobs.put(stream, filename)
    with ctx.uow() as uow:
        filing = _editable(uow.session, p, filing_id, evidence=True)
        uow.session.add(
            Evidence(
                filing_id=filing.id,
                item_id=item_id or None,
                sha256=blob.sha256,
                filename=filename[:255],
                media_type=blob.media_type,
                size=blob.size,
                description=description,
                uploaded_by=p.user_id,
                at=ctx.now(),
            )
        )
        record(
            uow.session,
            ctx,
            p,
            filing,
            "evidence",
            filing.state,
            filename,
            {"sha256": blob.sha256, "item": item_id, "size": blob.size},
        )
        _withdraw_signature(uow.session, ctx, p, filing, "evidence added after signing")
        uow.commit()
    return blob.sha256


def invite_assessor(ctx: Context, p: Principal, filing_id: int, username: str) -> None:
    with ctx.uow() as uow:
        filing = require_filing(p, get_for_update(uow.session, Filing, filing_id), filing_id)
        if not actor_may(Task.INVITE_ASSESSOR, actor(p, filing)):
            raise PermissionDeniedError("only a provider_admin may invite an assessor")
        if not state_allows(Task.INVITE_ASSESSOR, _at(filing)):
            raise InputError(
                f"an assessor is invited while the assessment is open, not in state '{filing.state}'", field="state"
            )
        assessor = uow.session.scalar(select(User).where(User.username == username))
        if assessor is None or assessor.role != Role.ASSESSOR.value:
            raise InputError(f"no assessor '{username}'", field="assessor")
        filing.assessor_id, filing.assessor_signed_at, filing.assessor_signed_digest = assessor.id, None, None
        record(uow.session, ctx, p, filing, "invite_assessor", filing.state, username)
        uow.commit()


def sign_conclusion(ctx: Context, p: Principal, filing_id: int, statement: str) -> None:
    """The invited assessor signs the conclusion with a statement; a later edit needs a new signature."""
    with ctx.uow() as uow:
        filing = require_filing(p, get_for_update(uow.session, Filing, filing_id), filing_id)
        if not actor_may(Task.SIGN_CONCLUSION, actor(p, filing)):
            raise PermissionDeniedError("only the invited assessor may sign")
        if not state_allows(Task.SIGN_CONCLUSION, _at(filing)):
            raise InputError(f"nothing to sign in state '{filing.state}'", field="state")
        if not statement.strip():
            raise InputError("the assessor's statement is empty", field="statement")
        filing.assessor_statement, filing.assessor_signed_at = statement.strip(), ctx.now()
        filing.assessor_signed_digest = assessor_signature.covered_digest(uow.session, filing)
        record(
            uow.session,
            ctx,
            p,
            filing,
            "sign",
            filing.state,
            statement.strip(),
            {"covers_sha256": filing.assessor_signed_digest},
        )
        uow.commit()


def _withdraw_signature(
    session: Session, ctx: Context, p: Principal, filing: Filing, reason: str, *, always: bool = False
) -> None:
    """While the assessment is open, a change the assessor's signature does not cover withdraws it (and
    any save by someone else than the assessor, `always`)."""
    if filing.assessor_signed_at is None or not state_allows(Task.EDIT_ASSESSMENT, _at(filing)):
        return  # after submission the sealed report keeps what was signed; rectification evidence is apart
    session.flush()
    if not always and assessor_signature.holds(session, filing):
        return
    filing.assessor_signed_at, filing.assessor_signed_digest = None, None
    record(session, ctx, p, filing, "signature_withdrawn", filing.state, reason)
