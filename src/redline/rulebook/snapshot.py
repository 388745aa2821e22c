"""A rulebook as one JSON value and back: what an installation keeps of each rulebook its filings were made
under, so that a later upgrade can be compared with it (`redline rules impact`). Divisions and holidays are
not kept: they are not what a filing's obligations and checklist were chosen from."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from redline.errors import RulebookError
from redline.rulebook.book import LocalScope, Rulebook
from redline.rulebook.divisions import Divisions
from redline.rulebook.schema import Capability, Checklist, Regulation, Technology, Trigger


def content_of(book: Rulebook) -> dict[str, Any]:
    return {
        "regulations": [r.model_dump(mode="json") for r in book.regulations],
        "capabilities": [c.model_dump(mode="json") for c in book.capabilities],
        "technologies": [t.model_dump(mode="json") for t in book.technologies],
        "triggers": [t.model_dump(mode="json") for t in book.triggers],
        "checklists": [c.model_dump(mode="json") for c in book.checklists],
        # where each local package's rules are in force (rulebook/local.py)
        "local": [
            {k: sorted(v) if isinstance(v, frozenset) else v for k, v in dataclasses.asdict(scope).items()}
            for scope in book.local
        ],
    }


def _scope(stored: dict[str, Any]) -> LocalScope:
    def held(name: str) -> frozenset[str]:
        return frozenset(str(x) for x in stored.get(name, ()))

    text = {n: str(stored[n]) for n in ("package", "division", "place_zh", "place_en")}
    words = {n: str(stored[n]) for n in ("title_zh", "title_en", "issuer_zh", "issuer_en")}
    return LocalScope(
        **text, **words, regulations=held("regulations"), triggers=held("triggers"), checklists=held("checklists")
    )


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
            local=tuple(_scope(s) for s in content.get("local", [])),
            divisions=divisions,
            version=version,
            label=label,
            dated=dated,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulebookError(f"the stored rulebook {version} no longer loads: {exc}") from None
