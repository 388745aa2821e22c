"""What lands in whose inbox, and for how long it asks for something.

An occurrence is a step on a filing's timeline (its action name), a summons (约谈) recorded, or an issued
document acknowledged. `deliveries` says which kinds of inbox item it makes and for which party: the users
of the provider organisation, or the regulator offices of the authorities concerned. An item tells; some
also ask for an action, and `owed` says whether one still is, from the state of the review track of the
authority the item comes from or goes to: a supplement request stands while that track is
`supplement_requested`, whatever was read. Documents and summonses ask for an acknowledgement instead, which
no track shows (`ACKNOWLEDGED_BY`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from redline.domain.parallel_review import Authority
from redline.domain.workflow import Action, FilingState

S = FilingState

SUMMONS = "summons"  # a summons recorded (no timeline action: a summons need not name a filing)
ACKNOWLEDGEMENT = "acknowledgement"  # a provider acknowledged an issued document


class InboxKind(StrEnum):
    # to the provider
    NOTICE = "notice"  # 书面通知: an assessment is required
    SUPPLEMENT_REQUEST = "supplement_request"
    REASSESSMENT_ORDER = "reassessment_order"
    RECTIFICATION_ORDER = "rectification_order"
    RECTIFICATION_RETURNED = "rectification_returned"
    SUMMONS = "summons"
    REVIEW_COMMENT = "review_comment"
    DOCUMENT = "document"  # an acceptance, inspection record, verification or closure, to acknowledge
    # to the regulators
    SUBMISSION = "submission"
    RESUBMISSION = "resubmission"
    RECTIFICATION_ANSWER = "rectification_answer"
    DOCUMENT_ACKNOWLEDGED = "document_acknowledged"


class Party(StrEnum):
    PROVIDER = "provider"  # the users of the provider organisation the occurrence concerns
    REGULATORS = "regulators"  # the users of the office of one authority over the filing


@dataclass(frozen=True)
class Occurrence:
    """What happened, as far as the inbox cares.

    `what`: a timeline action (an `Action` value, "notify", "comment", …), SUMMONS or ACKNOWLEDGEMENT;
    `by`: the authority of the acting officer, or of the office that issued the acknowledged document;
    `tracks`: each authority's review track after the step (empty where no filing is concerned);
    `again`: a submission after an earlier one (a new report version)."""

    what: str
    by: Authority | None = None
    tracks: Mapping[Authority, FilingState] | None = None
    again: bool = False


@dataclass(frozen=True)
class Delivery:
    kind: InboxKind
    to: Party
    authority: Authority | None  # whose office receives it (regulators), or whose demand it carries (provider)


TO_PROVIDER: dict[str, InboxKind] = {
    "notify": InboxKind.NOTICE,
    Action.REQUEST_SUPPLEMENT.value: InboxKind.SUPPLEMENT_REQUEST,
    Action.ORDER_REASSESSMENT.value: InboxKind.REASSESSMENT_ORDER,
    Action.ORDER_RECTIFICATION.value: InboxKind.RECTIFICATION_ORDER,
    Action.REJECT_RECTIFICATION.value: InboxKind.RECTIFICATION_RETURNED,
    Action.ACCEPT.value: InboxKind.DOCUMENT,
    Action.FINISH_INSPECTION.value: InboxKind.DOCUMENT,
    Action.VERIFY.value: InboxKind.DOCUMENT,
    Action.CLOSE.value: InboxKind.DOCUMENT,
    "comment": InboxKind.REVIEW_COMMENT,
    SUMMONS: InboxKind.SUMMONS,
}

# An item that asks for a step on the filing asks for it while the track it concerns stands here.
OWED_WHILE: dict[InboxKind, frozenset[FilingState]] = {
    InboxKind.NOTICE: frozenset({S.NOTICE_ISSUED, S.DRAFT}),
    InboxKind.SUPPLEMENT_REQUEST: frozenset({S.SUPPLEMENT_REQUESTED}),
    InboxKind.REASSESSMENT_ORDER: frozenset({S.REASSESSMENT_ORDERED, S.DRAFT}),
    InboxKind.RECTIFICATION_ORDER: frozenset({S.RECTIFICATION_ORDERED}),
    InboxKind.RECTIFICATION_RETURNED: frozenset({S.RECTIFICATION_ORDERED}),
    InboxKind.SUBMISSION: frozenset({S.SUBMITTED}),
    InboxKind.RESUBMISSION: frozenset({S.SUBMITTED}),
    InboxKind.RECTIFICATION_ANSWER: frozenset({S.RECTIFICATION_SUBMITTED}),
}
# An item that asks for an acknowledgement of its document asks until the provider gives it.
ACKNOWLEDGED_BY = frozenset({InboxKind.DOCUMENT, InboxKind.SUMMONS})


def deliveries(occ: Occurrence) -> tuple[Delivery, ...]:
    """The inbox items `occ` makes, one per kind and receiving party (an office per authority)."""
    kind = TO_PROVIDER.get(occ.what)
    if kind is not None:
        return (Delivery(kind, Party.PROVIDER, occ.by),)
    tracks = occ.tracks or {}
    if occ.what == Action.SUBMIT.value:
        # the report both authorities review changed: each is told, whatever its track waits for
        kind = InboxKind.RESUBMISSION if occ.again else InboxKind.SUBMISSION
        return tuple(Delivery(kind, Party.REGULATORS, a) for a in Authority)
    if occ.what == Action.SUBMIT_RECTIFICATION.value:
        answered = [a for a in Authority if tracks.get(a) is S.RECTIFICATION_SUBMITTED]
        return tuple(Delivery(InboxKind.RECTIFICATION_ANSWER, Party.REGULATORS, a) for a in answered)
    if occ.what == ACKNOWLEDGEMENT and occ.by is not None:
        return (Delivery(InboxKind.DOCUMENT_ACKNOWLEDGED, Party.REGULATORS, occ.by),)
    return ()


def party_of(kind: InboxKind) -> Party:
    regulators = {InboxKind.SUBMISSION, InboxKind.RESUBMISSION, InboxKind.RECTIFICATION_ANSWER}
    return Party.REGULATORS if kind in regulators | {InboxKind.DOCUMENT_ACKNOWLEDGED} else Party.PROVIDER


def asks_for_action(kind: InboxKind) -> bool:
    return kind in OWED_WHILE or kind in ACKNOWLEDGED_BY


def owed(kind: InboxKind, track: FilingState | None, *, acknowledged: bool = False) -> bool:
    """Whether an item of `kind` still asks for an action: its track (of the authority it concerns) stands
    where the action is awaited, or its document is not acknowledged yet. An item that only tells owes none."""
    if kind in ACKNOWLEDGED_BY:
        return not acknowledged
    states = OWED_WHILE.get(kind)
    return states is not None and track is not None and track in states
