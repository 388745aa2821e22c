"""What a rulebook change means for one filing: which changes touch what the filing rests on, and what
follows from each (a new obligation, re-assessment advised, or nothing to do).

A filing rests on the obligations its change triggered (their triggers and the articles they quote) and on
the checklist it was assessed with. Pure: the caller works out the `Basis` from the filing and both
rulebooks; this module only matches it against the diff."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from redline.rulebook.diff import ChangeKind, RulebookDiff, RuleChange


class Follows(IntEnum):
    """What follows for the filing; ordered, so the filing shows the weightiest of its reasons."""

    NOTHING = 0  # listed for the record: the change leaves the filing's duties as they were
    REASSESS = 1  # re-assessment advised: the filing was assessed against something that changed
    NEW_OBLIGATION = 2  # under the new rulebook the filing's change makes a duty due that it did not


@dataclass(frozen=True)
class Basis:
    triggers: frozenset[str]  # triggers of the obligations the filing's change made due
    articles: frozenset[str]  # `regulation:article` the filing's obligations and checklist items quote
    checklists: frozenset[str]  # checklists it was assessed with
    items: frozenset[str]  # their items
    new_triggers: frozenset[str] = frozenset()  # due under the new rulebook only
    new_checklists: frozenset[str] = frozenset()  # applicable under the new rulebook only


@dataclass(frozen=True)
class Touch:
    change: RuleChange
    follows: Follows


def article_of(cite: str) -> str:
    """`sa2018:3(1)` and `sa2018:7.2` rest on article `sa2018:3`, `sa2018:7`."""
    reg, _, rest = cite.partition(":")
    number = "".join(c for c in rest.split(".", 1)[0].split("(", 1)[0] if c.isdigit())
    return f"{reg}:{number}"


def _citations_only(change: RuleChange) -> bool:
    return change.fields == ("citations",)


def _trigger(change: RuleChange, basis: Basis) -> Follows | None:
    if change.subject in basis.new_triggers and change.kind in (
        ChangeKind.TRIGGER_ADDED,
        ChangeKind.TRIGGER_CONDITIONS,
    ):
        return Follows.NEW_OBLIGATION
    if change.subject not in basis.triggers:
        return None
    if change.kind is ChangeKind.TRIGGER_REMOVED or _citations_only(change):
        return Follows.NOTHING
    return Follows.REASSESS


def _checklist(change: RuleChange, basis: Basis) -> Follows | None:
    if change.kind in (ChangeKind.CHECKLIST_ADDED, ChangeKind.CHECKLIST_SCOPE):
        return Follows.REASSESS if change.subject in basis.new_checklists else None
    if change.kind is ChangeKind.CHECKLIST_REMOVED:
        return Follows.NOTHING if change.subject in basis.checklists else None
    if change.kind is ChangeKind.ITEM_ADDED:
        return Follows.REASSESS if change.checklist in basis.checklists else None
    if change.subject not in basis.items:
        return None
    if change.kind is ChangeKind.ITEM_REMOVED or _citations_only(change):
        return Follows.NOTHING
    return Follows.REASSESS


def _article(change: RuleChange, basis: Basis) -> Follows | None:
    if change.kind is ChangeKind.ARTICLE_RENUMBERED:
        # the filing's report cites the former number; what the article requires is unchanged
        return Follows.NOTHING if article_of(change.before) in basis.articles else None
    if change.kind in (ChangeKind.ARTICLE_TEXT, ChangeKind.ARTICLE_REPEALED):
        return Follows.REASSESS if article_of(change.subject) in basis.articles else None
    return None


_TRIGGER_KINDS = {k for k in ChangeKind if k.value.startswith("trigger_")}
_CHECKLIST_KINDS = {k for k in ChangeKind if k.value.startswith(("checklist_", "item_"))}


def touches(diff: RulebookDiff, basis: Basis) -> list[Touch]:
    """The changes that touch the filing, each with what follows, in the diff's order."""
    found: list[Touch] = []
    for change in diff.changes:
        if change.kind in _TRIGGER_KINDS:
            follows = _trigger(change, basis)
        elif change.kind in _CHECKLIST_KINDS:
            follows = _checklist(change, basis)
        else:
            follows = _article(change, basis)
        if follows is not None:
            found.append(Touch(change, follows))
    explained = {t.change.subject for t in found if t.follows is Follows.NEW_OBLIGATION}
    for trigger_id in sorted(basis.new_triggers - explained):
        # due now through a change elsewhere (a capability's tags, the vocabulary): still a new duty
        found.append(Touch(RuleChange(ChangeKind.TRIGGER_ADDED, trigger_id, None), Follows.NEW_OBLIGATION))
    return found


def weightiest(found: list[Touch]) -> Follows:
    return max((t.follows for t in found), default=Follows.NOTHING)
