"""What changed between two sealed report versions, read from the documents themselves.

Works on the canonical report JSON (reports/document.py), not on live filing state, so a diff says
what the regulator was actually sent each time. Items are matched by checklist item id, findings by
their text within an item, evidence by file name and SHA-256 together (the same file renamed, or a
new file under an old name, is one removed and one added).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ItemTitle:
    """An item as a person reads it: the question in both languages (the id only for links)."""

    item_id: str
    zh: str
    en: str


class AnswerField(enum.StrEnum):
    STATUS = "status"
    REASON = "reason"


@dataclass(frozen=True)
class AnswerChange:
    item: ItemTitle
    field: AnswerField
    before: str | None
    after: str | None


@dataclass(frozen=True)
class FindingChange:
    """A finding added (before None), removed (after None) or of changed severity."""

    item: ItemTitle
    text: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class EvidenceChange:
    item: ItemTitle
    file: str
    sha256: str
    added: bool


@dataclass(frozen=True)
class ReportDiff:
    items_added: tuple[ItemTitle, ...]
    items_removed: tuple[ItemTitle, ...]
    answers: tuple[AnswerChange, ...]
    findings: tuple[FindingChange, ...]
    evidence: tuple[EvidenceChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.items_added or self.items_removed or self.answers or self.findings or self.evidence)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _items(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Checklist items by id, in document order; anything malformed is skipped, never trusted."""
    found: dict[str, dict[str, Any]] = {}
    for measure in _list(report.get("measures")):
        for item in _list(measure.get("items") if isinstance(measure, dict) else None):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found.setdefault(item["id"], item)
    return found


def _title(item: dict[str, Any]) -> ItemTitle:
    question = item.get("question")
    question = question if isinstance(question, dict) else {}
    return ItemTitle(item["id"], _text(question.get("zh")), _text(question.get("en")))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _findings(item: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for f in _list(item.get("findings")):
        if isinstance(f, dict) and isinstance(f.get("text"), str):
            found.setdefault(f["text"], _text(f.get("severity")))
    return found


def _evidence(item: dict[str, Any]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for e in _list(item.get("evidence")):
        if isinstance(e, dict):
            found.add((_text(e.get("file")), _text(e.get("sha256"))))
    return found


def _answer_changes(title: ItemTitle, old: dict[str, Any], new: dict[str, Any]) -> list[AnswerChange]:
    changes = []
    for field in AnswerField:
        before, after = old.get(field.value), new.get(field.value)
        before = before if isinstance(before, str) else None
        after = after if isinstance(after, str) else None
        if (before or "") != (after or ""):
            changes.append(AnswerChange(title, field, before, after))
    return changes


def _finding_changes(title: ItemTitle, old: dict[str, Any], new: dict[str, Any]) -> list[FindingChange]:
    before, after = _findings(old), _findings(new)
    return [
        FindingChange(title, text, before.get(text), after.get(text))
        for text in [*before, *(t for t in after if t not in before)]
        if before.get(text) != after.get(text)
    ]


def _evidence_changes(title: ItemTitle, old: dict[str, Any], new: dict[str, Any]) -> list[EvidenceChange]:
    before, after = _evidence(old), _evidence(new)
    return [EvidenceChange(title, f, sha, False) for f, sha in sorted(before - after)] + [
        EvidenceChange(title, f, sha, True) for f, sha in sorted(after - before)
    ]


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> ReportDiff:
    """What `new` changed relative to `old`: items, answers, findings and evidence."""
    before, after = _items(old), _items(new)
    answers: list[AnswerChange] = []
    findings: list[FindingChange] = []
    evidence: list[EvidenceChange] = []
    for item_id, item in after.items():
        if item_id not in before:
            continue
        title = _title(item)
        answers += _answer_changes(title, before[item_id], item)
        findings += _finding_changes(title, before[item_id], item)
        evidence += _evidence_changes(title, before[item_id], item)
    return ReportDiff(
        tuple(_title(i) for k, i in after.items() if k not in before),
        tuple(_title(i) for k, i in before.items() if k not in after),
        tuple(answers),
        tuple(findings),
        tuple(evidence),
    )
