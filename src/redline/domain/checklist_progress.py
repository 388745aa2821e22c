"""How far a checklist is, and what still stands in the way of submitting it.

The same rules the submission applies (`services/filing/review.py` freezes a report only when every item is
answered, and refuses one whose conclusion is "not compliant": an item not met or a high or critical finding,
Art. 6(1) of the 2018 rule), said before the provider presses the button, item by item."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from redline.domain.assessment import AnswerStatus, Severity

_SERIOUS = frozenset({Severity.HIGH, Severity.CRITICAL})


class Blocker(StrEnum):
    UNANSWERED = "unanswered"  # no answer yet
    NOT_MET = "not_met"  # answered "not met": a hidden danger to rectify before submitting
    SERIOUS_FINDING = "serious_finding"  # a high or critical finding on the item


@dataclass(frozen=True)
class ItemProgress:
    item_id: str
    status: AnswerStatus | None
    severities: tuple[Severity, ...] = ()

    @property
    def blockers(self) -> tuple[Blocker, ...]:
        found = []
        if self.status is None:
            found.append(Blocker.UNANSWERED)
        if self.status is AnswerStatus.NOT_MET:
            found.append(Blocker.NOT_MET)
        if any(s in _SERIOUS for s in self.severities):
            found.append(Blocker.SERIOUS_FINDING)
        return tuple(found)


@dataclass(frozen=True)
class Progress:
    items: tuple[ItemProgress, ...]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def answered(self) -> int:
        return sum(i.status is not None for i in self.items)

    def with_blocker(self, blocker: Blocker) -> tuple[str, ...]:
        """The items `blocker` holds back, in checklist order."""
        return tuple(i.item_id for i in self.items if blocker in i.blockers)

    @property
    def blocking(self) -> tuple[str, ...]:
        return tuple(i.item_id for i in self.items if i.blockers)

    @property
    def ready(self) -> bool:
        """Nothing in the answers stands in the way of submitting (the assessor's signature is apart)."""
        return not self.blocking


def progress(items: list[ItemProgress]) -> Progress:
    return Progress(tuple(items))


def item_progress(item_id: str, raw: object) -> ItemProgress:
    """An item's progress from its stored answer (`{"status", "reason", "findings"}`); anything malformed counts
    as no answer, and a finding of unknown severity as none."""
    answer = raw if isinstance(raw, dict) else {}
    given = answer.get("status")
    try:
        status = AnswerStatus(given) if isinstance(given, str) and given else None
    except ValueError:
        status = None
    severities = []
    for f in answer.get("findings") or []:
        try:
            severities.append(Severity(f.get("severity")))
        except (AttributeError, ValueError):
            continue
    return ItemProgress(item_id, status, tuple(severities))
