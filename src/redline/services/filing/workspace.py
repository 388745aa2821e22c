"""The checklist as a provider works through it: items grouped by the regulation and article they rest on, the
quote at hand, each item's evidence and review comments beside it, how far the work is and what still blocks the
submission (`domain/checklist_progress.py`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from redline.domain.checklist_progress import Blocker, ItemProgress, Progress, item_progress, progress
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import TextStatus
from redline.services.filing.queries import FilingView
from redline.services.filing.snapshots import CommentOut, EvidenceOut
from redline.services.view_model import ViewModel


class Show(StrEnum):
    """Which items the workspace lists."""

    ALL = "all"
    UNANSWERED = "unanswered"
    NOT_MET = "not_met"
    FINDINGS = "findings"
    BLOCKING = "blocking"

    @classmethod
    def of(cls, text: str | None) -> Show:
        """A filter named in a query string; anything else lists all (a link is never an error)."""
        try:
            return cls(text or "all")
        except ValueError:
            return cls.ALL


class QuoteOut(ViewModel):
    cite: str
    regulation_zh: str
    regulation_en: str
    label_zh: str
    label_en: str
    text: str
    verified: bool


class ItemOut(ViewModel):
    id: str
    number: int  # 1-based, in checklist order
    question_zh: str
    question_en: str
    evidence_hint_zh: list[str]
    evidence_hint_en: list[str]
    quotes: list[QuoteOut]
    answer: dict[str, Any]  # status, reason, findings as stored or as just entered
    evidence: list[EvidenceOut]
    comments: list[CommentOut]  # the whole thread, oldest first
    blockers: list[str]  # Blocker values

    @property
    def has_findings(self) -> bool:
        return bool(self.answer.get("findings"))


class GroupOut(ViewModel):
    """The items resting on one article of one regulation (their first quote's)."""

    regulation_zh: str
    regulation_en: str
    label_zh: str
    label_en: str
    items: list[ItemOut]


class Workspace(ViewModel):
    groups: list[GroupOut]  # only the items `show` lists
    show: Show
    total: int
    answered: int
    unanswered: list[str]
    not_met: list[str]
    serious: list[str]
    assessor_unsigned: bool  # an invited assessor has not signed what is there now
    counts: dict[str, int]  # how many items each filter lists

    @property
    def ready(self) -> bool:
        return not (self.unanswered or self.not_met or self.serious or self.assessor_unsigned)

    @property
    def shown(self) -> int:
        return sum(len(g.items) for g in self.groups)


def _quotes(book: Rulebook, quotes: list[Any]) -> list[QuoteOut]:
    out = []
    for q in quotes:
        fragment = book.fragment(q.cite)
        out.append(
            QuoteOut(
                cite=q.cite,
                regulation_zh=fragment.regulation.title_zh,
                regulation_en=fragment.regulation.title_en,
                label_zh=fragment.label_zh(),
                label_en=fragment.label_en(),
                text=q.text,
                verified=fragment.quote_status(q.text) is TextStatus.VERIFIED,
            )
        )
    return out


def _listed(show: Show, item: ItemOut) -> bool:
    if show is Show.UNANSWERED:
        return Blocker.UNANSWERED.value in item.blockers
    if show is Show.NOT_MET:
        return item.answer.get("status") == "not_met"
    if show is Show.FINDINGS:
        return item.has_findings
    if show is Show.BLOCKING:
        return bool(item.blockers)
    return True


def workspace(book: Rulebook, view: FilingView, answers: dict[str, Any], show: Show = Show.ALL) -> Workspace:
    """The filing's checklist as a workspace; `answers` are the stored ones with anything just entered over them."""
    evidence: dict[str | None, list[EvidenceOut]] = {}
    for e in view.evidence:
        evidence.setdefault(e.item_id, []).append(e)
    threads: dict[str, list[CommentOut]] = {}
    for c in sorted(view.comments, key=lambda c: c.at):
        threads.setdefault(c.item_id, []).append(c)
    states: list[ItemProgress] = []
    groups: dict[tuple[str, str], GroupOut] = {}
    every: list[ItemOut] = []
    for number, item_id in enumerate(view.items, start=1):
        _, item = book.checklist_item(item_id)
        answer = answers.get(item_id) if isinstance(answers.get(item_id), dict) else {}
        state = item_progress(item_id, answer)
        states.append(state)
        quotes = _quotes(book, list(item.quotes))
        row = ItemOut(
            id=item_id,
            number=number,
            question_zh=item.question_zh,
            question_en=item.question_en,
            evidence_hint_zh=list(item.evidence_zh),
            evidence_hint_en=list(item.evidence_en),
            quotes=quotes,
            answer=dict(answer or {}),
            evidence=evidence.get(item_id, []),
            comments=threads.get(item_id, []),
            blockers=[b.value for b in state.blockers],
        )
        every.append(row)
        if not _listed(show, row):
            continue
        first = quotes[0]
        key = (first.regulation_zh, first.label_zh)
        if key not in groups:
            groups[key] = GroupOut(
                regulation_zh=first.regulation_zh,
                regulation_en=first.regulation_en,
                label_zh=first.label_zh,
                label_en=first.label_en,
                items=[],
            )
        groups[key].items.append(row)
    done: Progress = progress(states)
    f = view.filing
    return Workspace(
        groups=list(groups.values()),
        show=show,
        total=done.total,
        answered=done.answered,
        unanswered=list(done.with_blocker(Blocker.UNANSWERED)),
        not_met=list(done.with_blocker(Blocker.NOT_MET)),
        serious=list(done.with_blocker(Blocker.SERIOUS_FINDING)),
        assessor_unsigned=f.assessor_id is not None and not view.assessor_signature_holds,
        counts={s.value: sum(_listed(s, i) for i in every) for s in Show},
    )
