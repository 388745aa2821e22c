"""What changed in the regulations between two rulebooks: regulations added or repealed, articles added,
renumbered, repealed or reworded.

An article is followed by its text, not its number: the amended Cybersecurity Law kept the duties of
Art. 21 and 24 of 2016 as Art. 23 and 26, and a renumbering inside one regulation moves text without
changing it. A new version of a regulation (same `lineage`, new id) is matched to the old one's articles
by containment, because a new version is often held only in fragments of the old text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from redline.rulebook.schema import Article, Regulation

_SPACE = re.compile(r"\s+")


class ChangeKind(StrEnum):
    REGULATION_ADDED = "regulation_added"
    REGULATION_REMOVED = "regulation_removed"
    REGULATION_STATUS = "regulation_status"  # in force, superseded or repealed, or its dates
    ARTICLE_ADDED = "article_added"
    ARTICLE_RENUMBERED = "article_renumbered"
    ARTICLE_REPEALED = "article_repealed"
    ARTICLE_TEXT = "article_text"
    TRIGGER_ADDED = "trigger_added"
    TRIGGER_REMOVED = "trigger_removed"
    TRIGGER_CONDITIONS = "trigger_conditions"  # events, conditions, roles
    TRIGGER_DEADLINE = "trigger_deadline"
    TRIGGER_RECIPIENTS = "trigger_recipients"
    TRIGGER_QUOTES = "trigger_quotes"
    CHECKLIST_ADDED = "checklist_added"
    CHECKLIST_REMOVED = "checklist_removed"
    CHECKLIST_SCOPE = "checklist_scope"  # whom it applies to
    ITEM_ADDED = "item_added"
    ITEM_REMOVED = "item_removed"
    ITEM_REWORDED = "item_reworded"
    ITEM_QUOTES = "item_quotes"


@dataclass(frozen=True)
class RuleChange:
    """One difference. `subject` is a regulation, a citation (`csl2025:23`), a trigger, a checklist or an
    item id; `before`/`after` hold the old and new value where there is one (a citation, a deadline, a
    list of recipients, a question); `effective` is when the changed rule takes effect."""

    kind: ChangeKind
    subject: str
    effective: dt.date | None
    before: str = ""
    after: str = ""
    checklist: str = ""  # the checklist of an item, or the trigger's obligation kind
    fields: tuple[str, ...] = ()  # the conditions that changed, by name


def article_text(article: Article) -> str:
    parts = [t for p in article.paragraphs for t in (p.text, *p.item_texts())]
    return _SPACE.sub("", "".join(parts))


def _by_text(articles: list[Article]) -> dict[str, int]:
    return {article_text(a): a.number for a in articles}


def _same_regulation(old: Regulation, new: Regulation) -> Iterator[RuleChange]:
    """Articles of one regulation id in both rulebooks."""
    day = new.effective
    old_by_text = _by_text(old.articles)
    old_numbers = {a.number: a for a in old.articles}
    matched: set[int] = set()
    unmatched: list[Article] = []
    for article in new.articles:
        number = old_by_text.get(article_text(article))
        if number is None:
            unmatched.append(article)
            continue
        matched.add(number)
        if number != article.number:
            yield RuleChange(ChangeKind.ARTICLE_RENUMBERED, f"{new.id}:{article.number}", day, f"{old.id}:{number}")
    for article in unmatched:
        if article.number in old_numbers and article.number not in matched:
            matched.add(article.number)
            yield RuleChange(
                ChangeKind.ARTICLE_TEXT,
                f"{new.id}:{article.number}",
                day,
                "\n".join(_texts(old_numbers[article.number])),
                "\n".join(_texts(article)),
            )
        else:
            yield RuleChange(ChangeKind.ARTICLE_ADDED, f"{new.id}:{article.number}", day)
    for number in sorted(set(old_numbers) - matched):
        yield RuleChange(ChangeKind.ARTICLE_REPEALED, f"{old.id}:{number}", day)
    if (old.status, old.effective, old.superseded_on) != (new.status, new.effective, new.superseded_on):
        yield RuleChange(
            ChangeKind.REGULATION_STATUS,
            new.id,
            new.superseded_on or day,
            f"{old.status.value} {old.effective}",
            f"{new.status.value} {new.effective}",
        )


def _texts(article: Article) -> list[str]:
    return [t for p in article.paragraphs for t in (p.text, *p.item_texts())]


def _new_version(old_versions: list[Regulation], new: Regulation) -> Iterator[RuleChange]:
    """A regulation new to this rulebook that amends one it held (same lineage): where its articles were."""
    yield RuleChange(ChangeKind.REGULATION_ADDED, new.id, new.effective, ", ".join(r.id for r in old_versions))
    for article in new.articles:
        text = article_text(article)
        former = next(
            (
                (reg, a)
                for reg in old_versions
                for a in reg.articles
                if text and (text in article_text(a) or article_text(a) in text)
            ),
            None,
        )
        if former is None:
            yield RuleChange(ChangeKind.ARTICLE_ADDED, f"{new.id}:{article.number}", new.effective)
        elif former[1].number != article.number:
            yield RuleChange(
                ChangeKind.ARTICLE_RENUMBERED,
                f"{new.id}:{article.number}",
                new.effective,
                f"{former[0].id}:{former[1].number}",
            )


def regulation_changes(old: tuple[Regulation, ...], new: tuple[Regulation, ...]) -> Iterator[RuleChange]:
    old_by_id = {r.id: r for r in old}
    new_ids = {r.id for r in new}
    for reg in new:
        if reg.id in old_by_id:
            yield from _same_regulation(old_by_id[reg.id], reg)
            continue
        lineage = [r for r in old if r.lineage == reg.lineage and r.id not in new_ids]
        lineage += [r for r in old if r.lineage == reg.lineage and r.id in new_ids]
        if lineage:
            yield from _new_version(lineage, reg)
        else:
            yield RuleChange(ChangeKind.REGULATION_ADDED, reg.id, reg.effective)
    for reg in old:
        if reg.id not in new_ids:
            yield RuleChange(ChangeKind.REGULATION_REMOVED, reg.id, reg.superseded_on)
