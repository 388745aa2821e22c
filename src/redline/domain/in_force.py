"""Rules in time: a rule, and each text it cites, applies only to changes on or after its effective date.

A trigger rests on the rule its first quote comes from. A change dated before that rule
took effect (or after it was superseded) is told so, with the date. Quotes from a rule
not yet in force are not cited; each is reported with the date it takes effect, unless
an earlier version of the same rule is cited in its place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from redline.domain.text import Text
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Quote, Trigger


@dataclass(frozen=True)
class RuleNotInForce:
    """Why a trigger whose facts are met does not apply on the day of the change."""

    reason: Text
    in_force_from: dt.date


@dataclass(frozen=True)
class NotYetInForce:
    """A text a duty would cite, left out because its rule took effect after the change."""

    cite: str
    regulation_title_zh: str
    regulation_title_en: str
    label_zh: str
    label_en: str
    in_force_from: dt.date
    note: Text


def rule_not_in_force(book: Rulebook, trigger: Trigger, day: dt.date) -> RuleNotInForce | None:
    """None when the trigger's rule is in force on `day`, else the reason, in words and with the date."""
    reg = book.trigger_regulation(trigger)
    if reg.in_force_on(day):
        return None
    if day < reg.effective:
        return RuleNotInForce(
            Text(
                f"未生效（{reg.effective} 起施行）：《{reg.title_zh}》只适用于该日及以后的变更，该变更日期为 {day}。",
                f"not yet in force ({reg.effective}): the {reg.title_en} took effect on {reg.effective}, "
                f"after this change, dated {day}.",
            ),
            reg.effective,
        )
    return RuleNotInForce(
        Text(
            f"已失效（{reg.superseded_on} 起被新版本取代）：《{reg.title_zh}》不适用于该日及以后的变更，"
            f"该变更日期为 {day}。",
            f"no longer in force (superseded on {reg.superseded_on}): the {reg.title_en} stopped "
            f"applying on {reg.superseded_on}, before this change, dated {day}.",
        ),
        reg.effective,
    )


def citable(book: Rulebook, quotes: list[Quote], day: dt.date) -> list[Quote]:
    """The quotes whose rule has taken effect by `day`."""
    return [q for q in quotes if book.quote_regulation(q).effective <= day]


def not_yet_in_force(book: Rulebook, quotes: list[Quote], day: dt.date) -> tuple[NotYetInForce, ...]:
    """Quotes left out on `day` because their rule starts later, unless an earlier version stands in."""
    cited_lineages = {book.quote_regulation(q).lineage for q in citable(book, quotes, day)}
    out: dict[str, NotYetInForce] = {}
    for quote in quotes:
        reg = book.quote_regulation(quote)
        if reg.effective <= day or reg.lineage in cited_lineages or quote.cite in out:
            continue
        fragment = book.fragment(quote.cite)
        out[quote.cite] = NotYetInForce(
            quote.cite,
            reg.title_zh,
            reg.title_en,
            fragment.label_zh(),
            fragment.label_en(),
            reg.effective,
            Text(
                f"《{reg.title_zh}》{fragment.label_zh()}：未生效（{reg.effective} 起施行），"
                f"该变更日期为 {day}，不予援引。",
                f"{reg.title_en}, {fragment.label_en()}: not yet in force ({reg.effective}); "
                f"not cited for a change dated {day}.",
            ),
        )
    return tuple(out.values())
