"""What a filing rests on (domain/rule_impact.Basis), worked out from the filing under the rulebook it was
made under and under the current one. A service profile or change the old rulebook cannot read any more
gives what can still be read: the obligations as stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import evaluate
from redline.domain.rule_impact import Basis, article_of
from redline.errors import RedlineError
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import applicable_checklists
from redline.services.assessment.documents import change_from, reconcile, service_from
from redline.store.models import Filing
from redline.yamldoc import YamlDoc

_QUOTE_KEYS = ("quotes", "due_quotes", "submit_quotes")


def _checklists(book: Rulebook, filing: Filing) -> list[Any]:
    if filing.service is None:
        return []
    try:
        service = service_from(book, YamlDoc("service", filing.service.profile))
        change = change_from(book, YamlDoc("change", filing.change)) if filing.change else None
        return applicable_checklists(book, service, change)
    except RedlineError:
        return []


def _due_now(book: Rulebook, filing: Filing, calendar: WorkCalendar, today: dt.date) -> set[str]:
    """The triggers the filing's change makes due under `book` (none if it cannot be read under it)."""
    if filing.service is None or not filing.change:
        return set()
    try:
        service = service_from(book, YamlDoc("service", filing.service.profile))
        doc = YamlDoc("change", filing.change)
        change = change_from(book, doc)
        reconcile(service, change, doc)
        return {o.trigger_id for o in evaluate(book, service, change, calendar, today).obligations}
    except RedlineError:
        return set()


def basis_of(old: Rulebook, new: Rulebook, filing: Filing, calendar: WorkCalendar, today: dt.date) -> Basis:
    obligations = [o for o in filing.obligations or [] if isinstance(o, dict)]
    triggers = {str(o.get("trigger_id")) for o in obligations}
    articles = {article_of(str(q["cite"])) for o in obligations for k in _QUOTE_KEYS for q in o.get(k) or []}
    old_lists = _checklists(old, filing)
    items = {i.id for c in old_lists for i in c.items}
    articles |= {article_of(q.cite) for c in old_lists for i in c.items for q in i.quotes}
    new_lists = {c.id for c in _checklists(new, filing)}
    return Basis(
        triggers=frozenset(triggers),
        articles=frozenset(articles),
        checklists=frozenset(c.id for c in old_lists),
        items=frozenset(items),
        new_triggers=frozenset(_due_now(new, filing, calendar, today) - triggers),
        new_checklists=frozenset(new_lists - {c.id for c in old_lists}),
    )
