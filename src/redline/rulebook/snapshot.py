"""A rulebook as one JSON value and back: what an installation keeps of each rulebook its filings were made
under, so that a later upgrade can be compared with it (`redline rules impact`). Divisions and holidays are
not kept: they are not what a filing's obligations and checklist were chosen from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from redline.errors import RulebookError
from redline.rulebook.book import Rulebook
from redline.rulebook.divisions import Divisions
from redline.rulebook.schema import Capability, Checklist, Regulation, Technology, Trigger


def content_of(book: Rulebook) -> dict[str, Any]:
    return {
        "regulations": [r.model_dump(mode="json") for r in book.regulations],
        "capabilities": [c.model_dump(mode="json") for c in book.capabilities],
        "technologies": [t.model_dump(mode="json") for t in book.technologies],
        "triggers": [t.model_dump(mode="json") for t in book.triggers],
        "checklists": [c.model_dump(mode="json") for c in book.checklists],
    }


def rulebook_from(
    content: dict[str, Any], divisions: Divisions, version: str, label: str, dated: dt.date | None
) -> Rulebook:
    """The rulebook `content_of` gave, checked against today's schema (RulebookError if it no longer fits)."""
    try:
        return Rulebook(
            regulations=tuple(Regulation.model_validate(r) for r in content["regulations"]),
            capabilities=tuple(Capability.model_validate(c) for c in content["capabilities"]),
            technologies=tuple(Technology.model_validate(t) for t in content["technologies"]),
            triggers=tuple(Trigger.model_validate(t) for t in content["triggers"]),
            checklists=tuple(Checklist.model_validate(c) for c in content["checklists"]),
            divisions=divisions,
            version=version,
            label=label,
            dated=dated,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulebookError(f"the stored rulebook {version} no longer loads: {exc}") from None
