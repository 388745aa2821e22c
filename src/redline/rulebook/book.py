"""The loaded rulebook: every regulation, capability, trigger and checklist, indexed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from redline.errors import NotFoundError
from redline.rulebook.citations import Citation, Fragment, UnresolvedCitationError, resolve
from redline.rulebook.divisions import Divisions
from redline.rulebook.schema import (
    Capability,
    CapabilityTag,
    Checklist,
    ChecklistItem,
    HolidayYear,
    Quote,
    Regulation,
    Role,
    Technology,
    Trigger,
)


@dataclass(frozen=True)
class LocalScope:
    """A local rulebook package (rulebook/local.py): whose it is, where it is in force, what it holds."""

    package: str
    division: str
    place_zh: str
    place_en: str
    title_zh: str
    title_en: str
    issuer_zh: str
    issuer_en: str
    regulations: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()
    checklists: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rulebook:
    regulations: tuple[Regulation, ...]
    capabilities: tuple[Capability, ...]
    technologies: tuple[Technology, ...]
    triggers: tuple[Trigger, ...]
    checklists: tuple[Checklist, ...]
    divisions: Divisions
    holidays: tuple[HolidayYear, ...] = ()
    version: str = ""
    local: tuple[LocalScope, ...] = ()
    _regs: dict[str, Regulation] = field(init=False, repr=False, compare=False)
    _caps: dict[str, Capability] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regs", {r.id: r for r in self.regulations})
        object.__setattr__(self, "_caps", {c.id: c for c in self.capabilities})

    def regulation(self, reg_id: str) -> Regulation:
        try:
            return self._regs[reg_id]
        except KeyError:
            known = ", ".join(sorted(self._regs))
            raise NotFoundError(f"no regulation '{reg_id}' (known: {known})") from None

    def has_regulation(self, reg_id: str) -> bool:
        return reg_id in self._regs

    def capability(self, cap_id: str) -> Capability:
        try:
            return self._caps[cap_id]
        except KeyError:
            raise NotFoundError(f"unknown capability '{cap_id}'") from None

    def has_capability(self, cap_id: str) -> bool:
        return cap_id in self._caps

    def technology_ids(self) -> set[str]:
        return {t.id for t in self.technologies}

    def tags_of(self, cap_ids: list[str] | tuple[str, ...] | set[str]) -> set[CapabilityTag]:
        return {tag for cap in cap_ids for tag in self.capability(cap).tags}

    def fragment(self, cite: str) -> Fragment:
        citation = Citation.parse(cite)
        try:
            return resolve(citation, self.regulation(citation.regulation))
        except UnresolvedCitationError as exc:
            raise NotFoundError(str(exc)) from None

    def quotes_in_force(self, quotes: list[Quote], day: dt.date) -> list[Quote]:
        """Drop quotes from versions not in force on `day` when another version covers them.

        A trigger may cite both the 2016 and the 2025 Cybersecurity Law; on a given date
        only the version then in force is cited. Quotes whose every version is out of
        force are kept, so nothing silently disappears.
        """
        kept: list[Quote] = []
        for quote in quotes:
            reg = self.regulation(Citation.parse(quote.cite).regulation)
            if reg.in_force_on(day):
                kept.append(quote)
                continue
            siblings = [
                q
                for q in quotes
                if q is not quote and self.regulation(Citation.parse(q.cite).regulation).lineage == reg.lineage
            ]
            if not any(self.regulation(Citation.parse(q.cite).regulation).in_force_on(day) for q in siblings):
                kept.append(quote)
        return kept

    def quote_regulation(self, quote: Quote) -> Regulation:
        return self.regulation(Citation.parse(quote.cite).regulation)

    def trigger_regulation(self, trigger: Trigger) -> Regulation:
        """The rule that imposes the trigger's duty: the one its first quote comes from."""
        return self.quote_regulation(trigger.quotes[0])

    def trigger_in_force_from(self, trigger: Trigger) -> dt.date:
        return self.trigger_regulation(trigger).effective

    def checklist(self, checklist_id: str) -> Checklist:
        for checklist in self.checklists:
            if checklist.id == checklist_id:
                return checklist
        raise NotFoundError(f"no checklist '{checklist_id}'")

    def checklist_item(self, item_id: str) -> tuple[Checklist, ChecklistItem]:
        for checklist in self.checklists:
            for item in checklist.items:
                if item.id == item_id:
                    return checklist, item
        raise NotFoundError(f"no checklist item '{item_id}'")

    def checklists_for(
        self, tags: set[CapabilityTag], roles: Iterable[Role] = (), location: str | None = None
    ) -> list[Checklist]:
        """Checklists for a service with these tags, or reaching a role the organisation plays; a local
        checklist only where its provider sits (`location`, a GB/T 2260 code) inside its jurisdiction."""
        held = set(roles)
        return [
            c
            for c in self.checklists
            if (tags.intersection(c.applies_when) or held.intersection(c.reaches_roles))
            and self.applies_at(self.checklist_scope(c.id), location)
        ]

    def trigger_scope(self, trigger_id: str) -> LocalScope | None:
        """The local package a trigger comes from; None for the national rules."""
        return next((s for s in self.local if trigger_id in s.triggers), None)

    def checklist_scope(self, checklist_id: str) -> LocalScope | None:
        return next((s for s in self.local if checklist_id in s.checklists), None)

    def regulation_scope(self, reg_id: str) -> LocalScope | None:
        return next((s for s in self.local if reg_id in s.regulations), None)

    def applies_at(self, scope: LocalScope | None, location: str | None) -> bool:
        """National rules apply everywhere; a local one only at a location inside its division."""
        if scope is None:
            return True
        return location is not None and self.divisions.contains(scope.division, location)

    def trigger(self, trigger_id: str) -> Trigger:
        for trigger in self.triggers:
            if trigger.id == trigger_id:
                return trigger
        raise NotFoundError(f"no trigger '{trigger_id}'")
