"""Evaluate a change against the rulebook's triggers: which obligations fall due, when, for whom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from redline.domain.applicability import Applicability
from redline.domain.calendar import WorkCalendar
from redline.domain.carriers import carrier_reason
from redline.domain.conditions import Situation, Verdict, check
from redline.domain.deadline_notes import calendar_notes
from redline.domain.facts import change_notes, facts
from redline.domain.growth import assess_growth
from redline.domain.in_force import NotYetInForce, citable, not_yet_in_force, rule_not_in_force
from redline.domain.judgements import QUESTIONS, Judgement, Outcome, Question, QuestionId
from redline.domain.label_carriers import carrier_details
from redline.domain.local_rules import outside_jurisdiction
from redline.domain.notices import qualify
from redline.domain.parties import ROLES, bound_role, role_reason
from redline.domain.seat import seat_note, undetermined_recipient
from redline.domain.service import Change, ServiceProfile
from redline.domain.text import Text
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import (
    CapabilityTag,
    DeadlineRule,
    ObligationKind,
    Quote,
    Recipient,
    Role,
    TextStatus,
    Trigger,
)

__all__ = ["Addressee", "CitedQuote", "Due", "Evaluation", "NotTriggered", "Obligation", "Outcome", "Text", "evaluate"]


@dataclass(frozen=True)
class CitedQuote:
    cite: str
    regulation_title_zh: str
    regulation_title_en: str
    label_zh: str
    label_en: str
    text: str
    status: TextStatus


@dataclass(frozen=True)
class Due:
    rule: DeadlineRule
    date: dt.date | None
    strictly_before: bool
    provisional: bool
    note: Text
    overdue: bool
    # Where a provisional date can still move (see domain/calendar.py); both equal `date` when
    # it is certain, None when the rule counts no days.
    earliest: dt.date | None = None
    latest: dt.date | None = None


@dataclass(frozen=True)
class Addressee:
    kind: Recipient
    name: Text
    division: str | None


@dataclass(frozen=True)
class Obligation:
    trigger_id: str
    kind: ObligationKind
    title: Text
    explanation: Text
    quotes: tuple[CitedQuote, ...]
    due: Due
    due_quotes: tuple[CitedQuote, ...]
    recipients: tuple[Addressee, ...]
    submit_quotes: tuple[CitedQuote, ...]
    not_yet_in_force: tuple[NotYetInForce, ...] = ()
    requires_judgement: bool = False
    presumptions: tuple[Text, ...] = ()
    role: Role = Role.PROVIDER  # the part in which the duty binds the organisation
    binds: Text = ROLES[Role.PROVIDER]  # that role, in words
    # DUE, or JUDGEMENT while `questions` are unanswered (the due date is then what it would be if yes)
    outcome: Outcome = Outcome.DUE
    questions: tuple[QuestionId, ...] = ()
    judgements: tuple[Judgement, ...] = ()  # the recorded judgements the result rests on
    presumed_due: bool = True  # while it depends on judgement: which way redline's presumption leans

    def presumed(self) -> bool:
        """Due, or depending on a judgement that redline presumes will make it due (the gate's view)."""
        return self.outcome is Outcome.DUE or self.presumed_due


@dataclass(frozen=True)
class NotTriggered:
    trigger_id: str
    title: Text
    reason: Text
    requires_judgement: bool = False
    in_force_from: dt.date | None = None  # set when the only reason is the rule's date
    judgements: tuple[Judgement, ...] = ()  # the recorded judgements the result rests on
    outcome: Outcome = Outcome.NOT_DUE


@dataclass(frozen=True)
class Evaluation:
    service: ServiceProfile
    change: Change
    as_of: dt.date
    obligations: tuple[Obligation, ...]
    not_triggered: tuple[NotTriggered, ...]
    summary: Text
    applicability: Applicability | None = None
    facts: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = ()
    questions: tuple[Question, ...] = ()  # unanswered, with the duties that follow either way
    judgements: tuple[Judgement, ...] = ()  # recorded in the change


def cite_quotes(book: Rulebook, quotes: list[Quote], day: dt.date) -> tuple[CitedQuote, ...]:
    """Resolve quotes to citable text, keeping only the law versions in force on `day`."""
    out = []
    for quote in book.quotes_in_force(quotes, day):
        fragment = book.fragment(quote.cite)
        status = fragment.quote_status(quote.text) or TextStatus.UNVERIFIED
        out.append(
            CitedQuote(
                quote.cite,
                fragment.regulation.title_zh,
                fragment.regulation.title_en,
                fragment.label_zh(),
                fragment.label_en(),
                quote.text,
                status,
            )
        )
    return tuple(out)


def service_tags_after(book: Rulebook, service: ServiceProfile, change: Change | None) -> set[CapabilityTag]:
    """Capability tags of the service after the change; public opinion as Art. 2 determines it."""
    caps = change.capabilities_after(service) if change else service.capabilities
    tags = book.tags_of(caps) - {CapabilityTag.PUBLIC_OPINION}
    probe = change or Change(None, dt.date.min)
    if Situation.of(book, service, probe).after.public_opinion:
        tags.add(CapabilityTag.PUBLIC_OPINION)
    return tags


def _due(trigger: Trigger, change: Change, calendar: WorkCalendar, as_of: dt.date) -> Due:
    rule, days = trigger.deadline.rule, trigger.deadline.days or 0
    note = Text(trigger.deadline.note_zh or "", trigger.deadline.note_en or "")
    if trigger.when.qualifying_notice and change.notice is not None and change.notice.due is not None:
        return Due(
            rule,
            change.notice.due,
            False,
            False,
            Text("以书面通知所定期限为准", "as set by the written notice"),
            as_of > change.notice.due,
        )
    if rule is DeadlineRule.BEFORE_EVENT:
        return Due(rule, change.date, True, False, note, as_of >= change.date)
    if rule is DeadlineRule.ONGOING:
        return Due(rule, change.date, False, False, note, False)
    if rule is DeadlineRule.UNSPECIFIED:
        return Due(rule, None, False, False, note, False)
    counted = (
        calendar.add_working_days(change.date, days)
        if rule is DeadlineRule.WITHIN_WORKING_DAYS
        else calendar.add_days(change.date, days)
    )
    zh, en = calendar_notes(counted)
    if zh:
        note = Text(f"{zh}{note.zh}".strip(), f"{en} {note.en}".strip())
    return Due(
        rule, counted.date, False, counted.provisional, note, as_of > counted.date, counted.earliest, counted.latest
    )


def _addressees(
    book: Rulebook, trigger: Trigger, service: ServiceProfile, role: Role = Role.PROVIDER
) -> tuple[Addressee, ...]:
    local = (Recipient.LOCAL_CAC, Recipient.LOCAL_PSB)
    location = service.provider.location
    seat = book.divisions.local_authority_seat(location) if location else None
    names = {
        Recipient.ALGORITHM_FILING_SYSTEM: Text(
            "互联网信息服务算法备案系统", "the Internet Information Service Algorithm Filing System"
        ),
        Recipient.KEPT_BY_PROVIDER: Text(
            "无需报送；由提供者留存备查", "nothing to submit; kept by the provider for inspection"
        )
        if role is Role.PROVIDER
        else Text(
            f"无需报送；由{ROLES[role].zh}留存备查", f"nothing to submit; kept by the {ROLES[role].en} for inspection"
        ),
    }
    if seat is None and location is None:
        names[Recipient.LOCAL_CAC] = undetermined_recipient(service.provider, Text("网信部门", "CAC office"))
        names[Recipient.LOCAL_PSB] = undetermined_recipient(service.provider, Text("公安机关", "public-security organ"))
    else:
        place = seat.name if seat else str(location)
        place_en = book.divisions.name_en(seat.code) if seat else str(location)
        names[Recipient.LOCAL_CAC] = Text(
            f"{place}网信部门（所在地地市级以上）", f"the CAC office of {place_en} (prefecture level or above)"
        )
        names[Recipient.LOCAL_PSB] = Text(
            f"{place}公安机关（所在地地市级以上）",
            f"the public-security organ of {place_en} (prefecture level or above)",
        )
    code = seat.code if seat else None
    return tuple(Addressee(r, names[r], code if r in local else None) for r in trigger.recipients)


def _obligation(
    book: Rulebook,
    trigger: Trigger,
    service: ServiceProfile,
    change: Change,
    calendar: WorkCalendar,
    as_of: dt.date,
    verdict: Verdict,
    role: Role,
) -> Obligation:
    day = change.date
    return Obligation(
        trigger.id,
        trigger.obligation,
        Text(trigger.title_zh, trigger.title_en),
        _explanation(book, trigger, service, change) + carrier_details(trigger, change.introduced(service), book),
        cite_quotes(book, citable(book, trigger.quotes, day), day),
        _due(trigger, change, calendar, as_of),
        cite_quotes(book, citable(book, trigger.deadline.quotes, day), day),
        _addressees(book, trigger, service, role),
        cite_quotes(book, citable(book, trigger.submit_quotes, day), day),
        not_yet_in_force(book, [*trigger.quotes, *trigger.deadline.quotes, *trigger.submit_quotes], day),
        verdict.requires_judgement,
        verdict.presumptions,
        role=role,
        binds=ROLES[role],
        outcome=Outcome.JUDGEMENT if verdict.open else Outcome.DUE,
        questions=tuple(dict.fromkeys(q for q, _ in verdict.open)),
        judgements=verdict.judgements,
        presumed_due=verdict.holds,
    )


def _explanation(book: Rulebook, trigger: Trigger, service: ServiceProfile, change: Change) -> Text:
    """The trigger's explanation; for a notice, naming the organ that actually sent it."""
    text = Text(trigger.explain_zh, trigger.explain_en)
    if trigger.when.qualifying_notice and change.notice is not None:
        return qualify(book.divisions, change.notice).reason + Text("", " ") + text
    if trigger.when.growth is not None:
        return assess_growth(trigger.when.growth, service, change).explanation + Text("", " ") + text
    return text


def evaluate(
    book: Rulebook, service: ServiceProfile, change: Change, calendar: WorkCalendar, as_of: dt.date
) -> Evaluation:
    """What the change makes due; where that turns on an unanswered question, the question, and what follows
    from either answer (found by evaluating the change as if each answer had been recorded)."""
    facts_by_question: dict[QuestionId, list[Text]] = {}
    evaluation = _run(book, service, change, calendar, as_of, facts_by_question)
    questions = tuple(
        _question(book, service, change, calendar, as_of, evaluation, q, facts)
        for q, facts in facts_by_question.items()
    )
    return replace(evaluation, questions=questions)


def _question(
    book: Rulebook,
    service: ServiceProfile,
    change: Change,
    calendar: WorkCalendar,
    as_of: dt.date,
    evaluation: Evaluation,
    question: QuestionId,
    facts: list[Text],
) -> Question:
    waiting = {o.trigger_id for o in evaluation.obligations if question in o.questions}

    def follows(answer: bool) -> tuple[Text, ...]:
        supposed = Judgement(question, answer, "", change.date, "")
        run = _run(book, service, replace(change, judgements=(*change.judgements, supposed)), calendar, as_of)
        return tuple(
            o.title
            + (
                Text("（仍待其他判断）", " (still waiting on another judgement)")
                if o.outcome is Outcome.JUDGEMENT
                else Text("", "")
            )
            for o in run.obligations
            if o.trigger_id in waiting
        )

    return Question(question, QUESTIONS[question], tuple(dict.fromkeys(facts)), follows(True), follows(False))


def _run(
    book: Rulebook,
    service: ServiceProfile,
    change: Change,
    calendar: WorkCalendar,
    as_of: dt.date,
    asked: dict[QuestionId, list[Text]] | None = None,
) -> Evaluation:
    """Every trigger the change's events reach; the facts bearing on each open question go into `asked`."""
    obligations: list[Obligation] = []
    skipped: list[NotTriggered] = []
    situation = Situation.of(book, service, change)
    events = change.events()
    for trigger in book.triggers:
        if not events.intersection(trigger.events):
            continue
        title = Text(trigger.title_zh, trigger.title_en)
        outside = outside_jurisdiction(book, trigger, service)
        if outside is not None:
            skipped.append(NotTriggered(trigger.id, title, outside))
            continue
        role = bound_role(trigger, service, change)
        if role is None:
            skipped.append(NotTriggered(trigger.id, title, role_reason(trigger, service, change)))
            continue
        carrier = carrier_reason(book, trigger, change.introduced(service))
        if carrier is not None:
            skipped.append(NotTriggered(trigger.id, title, carrier))
            continue
        verdict = check(situation, trigger.when)
        if not verdict.holds and not verdict.open:
            assert verdict.reason is not None
            skipped.append(
                NotTriggered(
                    trigger.id, title, verdict.reason, verdict.requires_judgement, judgements=verdict.judgements
                )
            )
            continue
        lapse = rule_not_in_force(book, trigger, change.date)
        if lapse is not None:
            skipped.append(NotTriggered(trigger.id, title, lapse.reason, in_force_from=lapse.in_force_from))
            continue
        if not verdict.holds and trigger.when.growth is None:  # growth: the explanation states the figures
            assert verdict.reason is not None
            verdict = replace(
                verdict,
                presumptions=(
                    *verdict.presumptions,
                    Text("redline 不推定此项义务成立：", "redline does not presume this duty arises: ")
                    + verdict.reason,
                ),
            )
        obligations.append(_obligation(book, trigger, service, change, calendar, as_of, verdict, role))
        for question, fact in verdict.open:
            (asked if asked is not None else {}).setdefault(question, []).append(fact)
    used = {j.question for o in obligations for j in o.judgements} | {j.question for n in skipped for j in n.judgements}
    if situation.after.judgement is not None:
        used.add(QuestionId.PUBLIC_OPINION)
    notes = change_notes(book, service, change) + _unused(change.judgements, used)
    no_seat = seat_note(service.provider)
    if no_seat is not None and any(
        a.division is None and a.kind in (Recipient.LOCAL_CAC, Recipient.LOCAL_PSB)
        for o in obligations
        for a in o.recipients
    ):
        notes = (*notes, no_seat)
    return Evaluation(
        service,
        change,
        as_of,
        tuple(obligations),
        tuple(skipped),
        _summary(change, obligations, skipped),
        situation.after,
        facts(book, service, change),
        notes,
        judgements=change.judgements,
    )


def _unused(judgements: tuple[Judgement, ...], used: set[QuestionId]) -> tuple[Text, ...]:
    """A judgement on a question this change does not raise decides nothing: say so, never drop it silently."""
    return tuple(
        Text(
            f"记录的判断（{QUESTIONS[j.question].zh}）未被采用：该变更不涉及此问题，或条文已有明确规定。",
            f"The judgement recorded ({QUESTIONS[j.question].en}) is not used: the change does not "
            "raise this question, or the text decides it.",
        )
        for j in judgements
        if j.question not in used and j.by
    )


def _summary(change: Change, obligations: list[Obligation], skipped: list[NotTriggered]) -> Text:
    if obligations:
        waiting = sum(1 for o in obligations if o.outcome is Outcome.JUDGEMENT)
        due = len(obligations) - waiting
        text = (
            Text(f"该变更触发 {due} 项义务。", f"The change triggers {due} obligation{'' if due == 1 else 's'}.")
            if due
            else Text("该变更没有确定应当履行的义务。", "Nothing is certainly due for this change.")
        )
        if waiting:
            text += Text(
                f"另有 {waiting} 项待判断：是否应当履行取决于尚未作出的判断（见下方问题）。",
                f"{waiting} more depend{'s' if waiting == 1 else ''} on a judgement not yet recorded "
                "(see the questions below).",
            )
        judged = sum(1 for o in obligations if o.requires_judgement and o.outcome is Outcome.DUE)
        if judged:
            text += Text(
                f"其中 {judged} 项依据 redline 的推定，需要判断。",
                f"{judged} of them rest{'s' if judged == 1 else ''} on a presumption of redline's "
                "and require judgement.",
            )
        return text
    if not skipped:
        return Text(
            "规则库中没有规则对这类变更设定评估、备案或标识义务。",
            "No rule in the rulebook attaches an assessment, filing or label to this kind of change.",
        )
    return Text(
        "该变更未触发任何评估、备案或标识义务，原因见下。",
        "The change triggers no assessment, filing or labelling duty; the reasons follow.",
    )
