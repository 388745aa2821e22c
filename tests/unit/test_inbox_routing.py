"""Who is told of what (domain/inbox.py): every occurrence against the party it must reach, and for how long an
item asks for its action."""

from __future__ import annotations

import pytest

from redline.domain import jurisdiction
from redline.domain.inbox import (
    ACKNOWLEDGEMENT,
    SUMMONS,
    Delivery,
    InboxKind,
    Occurrence,
    Party,
    asks_for_action,
    deliveries,
    owed,
    party_of,
)
from redline.domain.parallel_review import Authority, both, step
from redline.domain.workflow import Action, FilingState, Role

CAC, MPS = Authority.CAC, Authority.MPS
S, K = FilingState, InboxKind
PROVIDER, REGULATORS = Party.PROVIDER, Party.REGULATORS
SUBMITTED = both(S.SUBMITTED)

# occurrence, the acting authority, the tracks after it -> what it delivers, to whom
TABLE: list[tuple[str, Authority | None, dict[Authority, FilingState], set[Delivery]]] = [
    ("notify", CAC, both(S.NOTICE_ISSUED), {Delivery(K.NOTICE, PROVIDER, CAC)}),
    (
        "request_supplement",
        MPS,
        {CAC: S.ACCEPTED, MPS: S.SUPPLEMENT_REQUESTED},
        {Delivery(K.SUPPLEMENT_REQUEST, PROVIDER, MPS)},
    ),
    ("order_reassessment", CAC, both(S.REASSESSMENT_ORDERED), {Delivery(K.REASSESSMENT_ORDER, PROVIDER, CAC)}),
    ("order_rectification", CAC, both(S.RECTIFICATION_ORDERED), {Delivery(K.RECTIFICATION_ORDER, PROVIDER, CAC)}),
    ("reject_rectification", MPS, both(S.RECTIFICATION_ORDERED), {Delivery(K.RECTIFICATION_RETURNED, PROVIDER, MPS)}),
    ("accept", CAC, both(S.ACCEPTED), {Delivery(K.DOCUMENT, PROVIDER, CAC)}),
    ("finish_inspection", CAC, both(S.UNDER_REVIEW), {Delivery(K.DOCUMENT, PROVIDER, CAC)}),
    ("verify", MPS, both(S.VERIFIED), {Delivery(K.DOCUMENT, PROVIDER, MPS)}),
    ("close", CAC, both(S.CLOSED), {Delivery(K.DOCUMENT, PROVIDER, CAC)}),
    ("comment", CAC, both(S.UNDER_REVIEW), {Delivery(K.REVIEW_COMMENT, PROVIDER, CAC)}),
    (SUMMONS, MPS, {}, {Delivery(K.SUMMONS, PROVIDER, MPS)}),
    ("submit", None, SUBMITTED, {Delivery(K.SUBMISSION, REGULATORS, CAC), Delivery(K.SUBMISSION, REGULATORS, MPS)}),
    (
        "submit_rectification",
        None,
        {CAC: S.RECTIFICATION_SUBMITTED, MPS: S.ACCEPTED},
        {Delivery(K.RECTIFICATION_ANSWER, REGULATORS, CAC)},
    ),
    (ACKNOWLEDGEMENT, MPS, {}, {Delivery(K.DOCUMENT_ACKNOWLEDGED, REGULATORS, MPS)}),
    # steps that tell nobody: the provider's own work, and the regulators' taking a report up
    ("start", None, both(S.DRAFT), set()),
    ("answers", None, both(S.DRAFT), set()),
    ("evidence", None, both(S.DRAFT), set()),
    ("rectification_answer", None, both(S.RECTIFICATION_ORDERED), set()),
    ("reopen", None, both(S.DRAFT), set()),
    ("start_review", CAC, {CAC: S.UNDER_REVIEW, MPS: S.SUBMITTED}, set()),
    ("start_inspection", CAC, both(S.ONSITE_INSPECTION), set()),
    ("import", CAC, SUBMITTED, set()),
]


@pytest.mark.parametrize(("what", "by", "tracks", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_each_occurrence_reaches_exactly_the_party_it_concerns(
    what: str, by: Authority | None, tracks: dict[Authority, FilingState], expected: set[Delivery]
) -> None:
    made = deliveries(Occurrence(what, by, tracks))
    assert set(made) == expected and len(made) == len(expected)
    assert all(party_of(d.kind) is d.to for d in made)


def test_every_kind_is_made_by_some_occurrence() -> None:
    made = {d.kind for _, _, _, expected in TABLE for d in expected}
    assert made | {K.RESUBMISSION} == set(InboxKind)


def test_a_second_submission_is_a_resubmission_to_both_authorities() -> None:
    tracks = step({CAC: S.SUPPLEMENT_REQUESTED, MPS: S.UNDER_REVIEW}, Action.SUBMIT, Role.PROVIDER_ADMIN)
    made = deliveries(Occurrence("submit", None, tracks, again=True))
    assert {(d.kind, d.authority) for d in made} == {(K.RESUBMISSION, CAC), (K.RESUBMISSION, MPS)}
    # the police, still reviewing, are told but owe nothing new; the CAC has a report to take up again
    assert owed(K.RESUBMISSION, tracks[CAC]) and not owed(K.RESUBMISSION, tracks[MPS])


def test_a_rectification_answered_to_both_authorities_goes_to_both() -> None:
    tracks = step(both(S.RECTIFICATION_ORDERED), Action.SUBMIT_RECTIFICATION, Role.PROVIDER_ADMIN)
    made = deliveries(Occurrence("submit_rectification", None, tracks))
    assert {d.authority for d in made} == {CAC, MPS}


def test_an_acknowledgement_of_no_known_issuer_tells_nobody() -> None:
    assert deliveries(Occurrence(ACKNOWLEDGEMENT, None)) == ()


# kind, the state of its track -> whether it still asks for its action
OWED: list[tuple[InboxKind, FilingState, bool]] = [
    (K.SUPPLEMENT_REQUEST, S.SUPPLEMENT_REQUESTED, True),
    (K.SUPPLEMENT_REQUEST, S.SUBMITTED, False),  # resubmitted: read or not, the banner goes
    (K.NOTICE, S.NOTICE_ISSUED, True),
    (K.NOTICE, S.DRAFT, True),  # started is not submitted
    (K.NOTICE, S.SUBMITTED, False),
    (K.REASSESSMENT_ORDER, S.REASSESSMENT_ORDERED, True),
    (K.REASSESSMENT_ORDER, S.DRAFT, True),  # reopened, not yet submitted again
    (K.REASSESSMENT_ORDER, S.SUBMITTED, False),
    (K.RECTIFICATION_ORDER, S.RECTIFICATION_ORDERED, True),
    (K.RECTIFICATION_ORDER, S.RECTIFICATION_SUBMITTED, False),
    (K.RECTIFICATION_RETURNED, S.RECTIFICATION_ORDERED, True),
    (K.SUBMISSION, S.SUBMITTED, True),
    (K.SUBMISSION, S.UNDER_REVIEW, False),
    (K.RECTIFICATION_ANSWER, S.RECTIFICATION_SUBMITTED, True),
    (K.RECTIFICATION_ANSWER, S.VERIFIED, False),
    (K.RECTIFICATION_ANSWER, S.RECTIFICATION_ORDERED, False),  # sent back
    (K.REVIEW_COMMENT, S.UNDER_REVIEW, False),  # tells only
    (K.DOCUMENT_ACKNOWLEDGED, S.ACCEPTED, False),
]


@pytest.mark.parametrize(("kind", "track", "expected"), OWED)
def test_an_item_asks_for_its_action_while_its_track_waits_for_it(
    kind: InboxKind, track: FilingState, expected: bool
) -> None:
    assert owed(kind, track) is expected


@pytest.mark.parametrize("kind", [K.DOCUMENT, K.SUMMONS])
def test_a_document_or_summons_asks_until_acknowledged_whatever_the_track(kind: InboxKind) -> None:
    assert owed(kind, S.CLOSED) and owed(kind, None)
    assert not owed(kind, S.UNDER_REVIEW, acknowledged=True)
    assert asks_for_action(kind)


def test_the_nearest_office_over_a_place_is_the_citys_then_the_provinces_then_the_national() -> None:
    assert jurisdiction.nearest(["100000", "330000", "330100", "440300"], "330106") == "330100"
    assert jurisdiction.nearest(["100000", "330000", "330100"], "330203") == "330000"
    assert jurisdiction.nearest(["100000", "440300"], "330203") == "100000"
    assert jurisdiction.nearest(["440300"], "330203") is None
