"""`redline rules diff`: what changed between two rulebooks, item by item, with the date each change takes
effect. Pure: two loaded rulebooks in, a list of `RuleChange` out (regulations: `diff_articles.py`).

The date of a changed trigger or checklist item is the latest effective date among the rules its (new)
quotes cite: a trigger that now rests on the amended Cybersecurity Law changes on 2026-01-01."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

from redline.rulebook.book import Rulebook
from redline.rulebook.citations import Citation
from redline.rulebook.diff_articles import ChangeKind, RuleChange, regulation_changes
from redline.rulebook.schema import Checklist, ChecklistItem, Quote, Trigger

__all__ = ["ChangeKind", "RuleChange", "RulebookDiff", "diff"]


@dataclass(frozen=True)
class RulebookDiff:
    old_version: str
    old_label: str
    old_dated: dt.date | None
    new_version: str
    new_label: str
    new_dated: dt.date | None
    changes: tuple[RuleChange, ...]

    def of_kind(self, *kinds: ChangeKind) -> list[RuleChange]:
        return [c for c in self.changes if c.kind in kinds]


def _effective(book: Rulebook, quotes: list[Quote]) -> dt.date | None:
    days = [
        book.regulation(reg).effective
        for reg in {Citation.parse(q.cite).regulation for q in quotes}
        if book.has_regulation(reg)
    ]
    return max(days) if days else None


def _quotes(quotes: list[Quote]) -> str:
    return "\n".join(f"{q.cite} {q.text}" for q in quotes)


def _quote_fields(old: list[Quote], new: list[Quote]) -> tuple[str, ...]:
    """Whether the quoted texts changed, or only where they are cited (a renumbering followed)."""
    texts = [q.text for q in old] != [q.text for q in new]
    return ("texts",) if texts else ("citations",)


def _deadline(trigger: Trigger) -> str:
    days = f" {trigger.deadline.days}" if trigger.deadline.days else ""
    return f"{trigger.deadline.rule.value}{days}"


def _changed_conditions(old: Trigger, new: Trigger) -> tuple[str, ...]:
    before, after = old.when.model_dump(mode="json"), new.when.model_dump(mode="json")
    changed = [name for name in after if before.get(name) != after.get(name)]
    if old.events != new.events:
        changed.insert(0, "events")
    if old.roles != new.roles:
        changed.append("roles")
    return tuple(changed)


def _conditions_text(trigger: Trigger) -> str:
    shown = {"events": [e.value for e in trigger.events], **trigger.when.model_dump(mode="json", exclude_defaults=True)}
    return json.dumps(shown, ensure_ascii=False, sort_keys=True)


def _one_trigger(old_book: Rulebook, new_book: Rulebook, old: Trigger, new: Trigger) -> Iterator[RuleChange]:
    day = _effective(new_book, new.quotes + new.deadline.quotes + new.submit_quotes)
    kind = new.obligation.value
    fields = _changed_conditions(old, new)
    if fields:
        yield RuleChange(
            ChangeKind.TRIGGER_CONDITIONS, new.id, day, _conditions_text(old), _conditions_text(new), kind, fields
        )
    if (old.deadline.rule, old.deadline.days) != (new.deadline.rule, new.deadline.days):
        yield RuleChange(ChangeKind.TRIGGER_DEADLINE, new.id, day, _deadline(old), _deadline(new), kind)
    if old.recipients != new.recipients:
        yield RuleChange(
            ChangeKind.TRIGGER_RECIPIENTS,
            new.id,
            day,
            " ".join(r.value for r in old.recipients),
            " ".join(r.value for r in new.recipients),
            kind,
        )
    old_quotes = old.quotes + old.deadline.quotes + old.submit_quotes
    new_quotes = new.quotes + new.deadline.quotes + new.submit_quotes
    if old_quotes != new_quotes:
        fields = _quote_fields(old_quotes, new_quotes)
        yield RuleChange(ChangeKind.TRIGGER_QUOTES, new.id, day, _quotes(old_quotes), _quotes(new_quotes), kind, fields)


def _trigger_changes(old_book: Rulebook, new_book: Rulebook) -> Iterator[RuleChange]:
    old = {t.id: t for t in old_book.triggers}
    new = {t.id: t for t in new_book.triggers}
    for trigger in new_book.triggers:
        if trigger.id not in old:
            day = _effective(new_book, trigger.quotes)
            yield RuleChange(ChangeKind.TRIGGER_ADDED, trigger.id, day, "", "", trigger.obligation.value)
        else:
            yield from _one_trigger(old_book, new_book, old[trigger.id], trigger)
    for trigger in old_book.triggers:
        if trigger.id not in new:
            day = _effective(old_book, trigger.quotes)
            yield RuleChange(ChangeKind.TRIGGER_REMOVED, trigger.id, day, "", "", trigger.obligation.value)


def _question(item: ChecklistItem) -> str:
    return f"{item.question_zh}\n{item.question_en}"


def _item_changes(book: Rulebook, old: Checklist, new: Checklist) -> Iterator[RuleChange]:
    old_items = {i.id: i for i in old.items}
    new_ids = {i.id for i in new.items}
    for item in new.items:
        day = _effective(book, item.quotes)
        before = old_items.get(item.id)
        if before is None:
            yield RuleChange(ChangeKind.ITEM_ADDED, item.id, day, "", _question(item), new.id)
            continue
        if (before.question_zh, before.question_en, before.evidence_zh) != (
            item.question_zh,
            item.question_en,
            item.evidence_zh,
        ):
            yield RuleChange(ChangeKind.ITEM_REWORDED, item.id, day, _question(before), _question(item), new.id)
        if before.quotes != item.quotes:
            fields = _quote_fields(before.quotes, item.quotes)
            yield RuleChange(
                ChangeKind.ITEM_QUOTES, item.id, day, _quotes(before.quotes), _quotes(item.quotes), new.id, fields
            )
    for item in old.items:
        if item.id not in new_ids:
            yield RuleChange(ChangeKind.ITEM_REMOVED, item.id, None, _question(item), "", new.id)


def _checklist_changes(old_book: Rulebook, new_book: Rulebook) -> Iterator[RuleChange]:
    old = {c.id: c for c in old_book.checklists}
    new = {c.id: c for c in new_book.checklists}
    for checklist in new_book.checklists:
        day = _effective(new_book, checklist.quotes)
        before = old.get(checklist.id)
        if before is None:
            yield RuleChange(ChangeKind.CHECKLIST_ADDED, checklist.id, day)
            continue
        if (before.applies_when, before.reaches_roles) != (checklist.applies_when, checklist.reaches_roles):
            scope = [t.value for t in before.applies_when], [t.value for t in checklist.applies_when]
            yield RuleChange(ChangeKind.CHECKLIST_SCOPE, checklist.id, day, " ".join(scope[0]), " ".join(scope[1]))
        yield from _item_changes(new_book, before, checklist)
    for checklist in old_book.checklists:
        if checklist.id not in new:
            yield RuleChange(ChangeKind.CHECKLIST_REMOVED, checklist.id, None)


def diff(old: Rulebook, new: Rulebook) -> RulebookDiff:
    """Everything that differs between `old` and `new`: regulations, triggers, then checklists."""
    changes = (
        *regulation_changes(old.regulations, new.regulations),
        *_trigger_changes(old, new),
        *_checklist_changes(old, new),
    )
    return RulebookDiff(old.version, old.label, old.dated, new.version, new.label, new.dated, changes)
