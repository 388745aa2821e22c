"""Evaluate a change against the rulebook's triggers: which obligations fall due, when, for whom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from redline.domain.calendar import WorkCalendar
from redline.domain.service import Change, ServiceProfile
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import (
    CapabilityTag,
    DeadlineRule,
    ObligationKind,
    Quote,
    Recipient,
    TextStatus,
    Trigger,
)


@dataclass(frozen=True)
class Text:
    """A message in both languages the product speaks."""

    zh: str
    en: str


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


@dataclass(frozen=True)
class NotTriggered:
    trigger_id: str
    title: Text
    reason: Text


@dataclass(frozen=True)
class Evaluation:
    service: ServiceProfile
    change: Change
    as_of: dt.date
    obligations: tuple[Obligation, ...]
    not_triggered: tuple[NotTriggered, ...]
    summary: Text


def cite_quotes(book: Rulebook, quotes: list[Quote], day: dt.date) -> tuple[CitedQuote, ...]:
    """Resolve quotes to citable text, keeping only the law versions in force on `day`."""
    out = []
    for quote in book.quotes_in_force(quotes, day):
        fragment = book.fragment(quote.cite)
        status = fragment.quote_status(quote.text) or TextStatus.UNVERIFIED
        out.append(CitedQuote(quote.cite, fragment.regulation.title_zh, fragment.regulation.title_en,
                              fragment.citation.label_zh(), fragment.citation.label_en(),
                              quote.text, status))
    return tuple(out)


def _tag_names(tags: list[CapabilityTag]) -> str:
    return ", ".join(tag.value for tag in tags)


def _check_condition(book: Rulebook, trigger: Trigger, service: ServiceProfile,
                     change: Change) -> Text | None:
    """None when the trigger's condition holds, else the reason it does not."""
    when = trigger.when
    introduced = change.introduced(service)
    if when.introduces_any and not book.tags_of(introduced).intersection(when.introduces_any):
        listed = ", ".join(introduced) or "无/none"
        return Text(f"该变更未引入具有 {_tag_names(when.introduces_any)} 属性的功能（引入：{listed}）",
                    f"the change introduces no capability tagged {_tag_names(when.introduces_any)}"
                    f" (introduced: {listed})")
    service_tags = service_tags_after(book, service, change)
    if when.service_has_any and not service_tags.intersection(when.service_has_any):
        return Text(f"服务不具有 {_tag_names(when.service_has_any)} 属性的功能",
                    f"the service has no capability tagged {_tag_names(when.service_has_any)}")
    if when.technologies_any and not set(change.technologies).intersection(when.technologies_any):
        wanted = ", ".join(when.technologies_any)
        return Text(f"该变更未使用 {wanted} 等技术", f"the change uses none of: {wanted}")
    if when.growth is not None:
        return _check_growth(trigger, change)
    if when.material_change and change.material_change is not True:
        return Text("变更文件未说明该变更导致舆论属性或社会动员能力发生重大变化（material_change: true）",
                    "the change file does not state that the change materially alters the "
                    "service's public-opinion attributes (material_change: true)")
    return None


def _check_growth(trigger: Trigger, change: Change) -> Text | None:
    growth = trigger.when.growth
    assert growth is not None
    if change.material_change is not None:
        if change.material_change:
            return None
        return Text("变更文件判断用户增长未导致重大变化（material_change: false）",
                    "the change file judges the growth not material (material_change: false)")
    before, after = change.mau_before or 0, change.mau_after or 0
    ratio = after / before if before else float("inf")
    if ratio >= growth.min_ratio:
        return None
    return Text(f"月活跃用户由 {before} 增至 {after}（{ratio:.2f} 倍），低于 {growth.min_ratio:g} 倍。"
                + growth.basis_zh,
                f"monthly active users grew from {before} to {after} (x{ratio:.2f}), below "
                f"x{growth.min_ratio:g}. " + growth.basis_en)


def service_tags_after(book: Rulebook, service: ServiceProfile, change: Change | None) -> set[CapabilityTag]:
    caps = change.capabilities_after(service) if change else service.capabilities
    tags = book.tags_of(caps)
    if service.declares_public_opinion:
        tags.add(CapabilityTag.PUBLIC_OPINION)
    return tags


def _due(trigger: Trigger, change: Change, calendar: WorkCalendar, as_of: dt.date) -> Due:
    rule, days = trigger.deadline.rule, trigger.deadline.days or 0
    note = Text(trigger.deadline.note_zh or "", trigger.deadline.note_en or "")
    if change.notice is not None and change.notice.due is not None:
        return Due(rule, change.notice.due, False, False,
                   Text("以书面通知所定期限为准", "as set by the written notice"), as_of > change.notice.due)
    if rule is DeadlineRule.BEFORE_EVENT:
        return Due(rule, change.date, True, False, note, as_of >= change.date)
    if rule is DeadlineRule.ONGOING:
        return Due(rule, change.date, False, False, note, False)
    if rule is DeadlineRule.UNSPECIFIED:
        return Due(rule, None, False, False, note, False)
    counted = (calendar.add_working_days(change.date, days)
               if rule is DeadlineRule.WITHIN_WORKING_DAYS else calendar.add_days(change.date, days))
    if counted.provisional:
        years = "、".join(str(y) for y in counted.missing_years)
        years_en = ", ".join(str(y) for y in counted.missing_years)
        note = Text(f"暂定：缺少 {years} 年的法定节假日安排，按周一至周五计算。{note.zh}".strip(),
                    f"Provisional: the official holiday schedule for {years_en} is not known; "
                    f"weekdays were counted. {note.en}".strip())
    return Due(rule, counted.date, False, counted.provisional, note, as_of > counted.date)


def _addressees(book: Rulebook, trigger: Trigger, service: ServiceProfile) -> tuple[Addressee, ...]:
    seat = book.divisions.local_authority_seat(service.provider.location)
    place = seat.name if seat else service.provider.location
    place_en = book.divisions.name_en(seat.code) if seat else service.provider.location
    code = seat.code if seat else None
    names = {
        Recipient.LOCAL_CAC: Text(f"{place}网信部门（所在地地市级以上）",
                                  f"the CAC office of {place_en} (prefecture level or above)"),
        Recipient.LOCAL_PSB: Text(f"{place}公安机关（所在地地市级以上）",
                                  f"the public-security organ of {place_en} (prefecture level or above)"),
        Recipient.ALGORITHM_FILING_SYSTEM: Text("互联网信息服务算法备案系统",
                                                "the Internet Information Service Algorithm Filing System"),
        Recipient.KEPT_BY_PROVIDER: Text("无需报送；由提供者留存备查",
                                         "nothing to submit; kept by the provider for inspection"),
    }
    local = (Recipient.LOCAL_CAC, Recipient.LOCAL_PSB)
    return tuple(Addressee(r, names[r], code if r in local else None) for r in trigger.recipients)


def evaluate(book: Rulebook, service: ServiceProfile, change: Change, calendar: WorkCalendar,
             as_of: dt.date) -> Evaluation:
    obligations: list[Obligation] = []
    skipped: list[NotTriggered] = []
    for trigger in book.triggers:
        title = Text(trigger.title_zh, trigger.title_en)
        if change.kind not in trigger.events:
            continue
        reason = _check_condition(book, trigger, service, change)
        if reason is not None:
            skipped.append(NotTriggered(trigger.id, title, reason))
            continue
        obligations.append(Obligation(
            trigger.id, trigger.obligation, title, Text(trigger.explain_zh, trigger.explain_en),
            cite_quotes(book, trigger.quotes, change.date),
            _due(trigger, change, calendar, as_of),
            cite_quotes(book, trigger.deadline.quotes, change.date),
            _addressees(book, trigger, service),
            cite_quotes(book, trigger.submit_quotes, change.date)))
    return Evaluation(service, change, as_of, tuple(obligations), tuple(skipped),
                      _summary(change, obligations, skipped))


def _summary(change: Change, obligations: list[Obligation], skipped: list[NotTriggered]) -> Text:
    if obligations:
        n = len(obligations)
        return Text(f"该变更触发 {n} 项义务。", f"The change triggers {n} obligation{'s' if n > 1 else ''}.")
    if not skipped:
        return Text(f"规则库中没有规则对“{change.kind.value}”类变更设定评估或备案义务。",
                    f"No rule in the rulebook attaches an assessment or filing to a "
                    f"'{change.kind.value}' change.")
    return Text("该变更未触发任何评估、备案或标识义务，原因见下。",
                "The change triggers no assessment, filing or labelling duty; the reasons follow.")
