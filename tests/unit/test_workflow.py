from __future__ import annotations

import itertools

import pytest

from redline.domain import jurisdiction
from redline.domain.workflow import TRANSITIONS, Action, FilingState, Role, WorkflowError, actions_for, next_state

# The workflow as designed, written out by hand apart from TRANSITIONS: (action, from, to, roles allowed).
EXPECTED = {
    (Action.START, FilingState.NOTICE_ISSUED, FilingState.DRAFT, "provider"),
    (Action.SUBMIT, FilingState.DRAFT, FilingState.SUBMITTED, "provider_admin"),
    (Action.SUBMIT, FilingState.SUPPLEMENT_REQUESTED, FilingState.SUBMITTED, "provider_admin"),
    (Action.START_REVIEW, FilingState.SUBMITTED, FilingState.UNDER_REVIEW, "regulator"),
    (Action.ACCEPT, FilingState.UNDER_REVIEW, FilingState.ACCEPTED, "regulator"),
    (Action.REQUEST_SUPPLEMENT, FilingState.UNDER_REVIEW, FilingState.SUPPLEMENT_REQUESTED, "regulator"),
    (Action.ORDER_REASSESSMENT, FilingState.UNDER_REVIEW, FilingState.REASSESSMENT_ORDERED, "regulator"),
    (Action.REOPEN, FilingState.REASSESSMENT_ORDERED, FilingState.DRAFT, "provider"),
    (Action.START_INSPECTION, FilingState.UNDER_REVIEW, FilingState.ONSITE_INSPECTION, "regulator"),
    (Action.FINISH_INSPECTION, FilingState.ONSITE_INSPECTION, FilingState.UNDER_REVIEW, "regulator"),
    (Action.ORDER_RECTIFICATION, FilingState.UNDER_REVIEW, FilingState.RECTIFICATION_ORDERED, "regulator"),
    (
        Action.SUBMIT_RECTIFICATION,
        FilingState.RECTIFICATION_ORDERED,
        FilingState.RECTIFICATION_SUBMITTED,
        "provider_admin",
    ),
    (Action.VERIFY, FilingState.RECTIFICATION_SUBMITTED, FilingState.VERIFIED, "regulator"),
    (Action.REJECT_RECTIFICATION, FilingState.RECTIFICATION_SUBMITTED, FilingState.RECTIFICATION_ORDERED, "regulator"),
    (Action.CLOSE, FilingState.ACCEPTED, FilingState.CLOSED, "regulator"),
    (Action.CLOSE, FilingState.VERIFIED, FilingState.CLOSED, "regulator"),
}
GROUPS = {
    "provider": {Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER},
    "provider_admin": {Role.PROVIDER_ADMIN},
    "regulator": {Role.CAC_OFFICER, Role.MPS_OFFICER},
}
ALLOWED = {(a, s, r): t for a, s, t, g in EXPECTED for r in GROUPS[g]}


@pytest.mark.parametrize(("action", "state", "role"), list(itertools.product(Action, FilingState, Role)))
def test_every_transition_is_allowed_exactly_for_its_roles_and_states(
    action: Action, state: FilingState, role: Role
) -> None:
    reason = "a reason"
    if (action, state, role) in ALLOWED:
        assert next_state(state, action, role, reason) is ALLOWED[(action, state, role)]
    else:
        with pytest.raises(WorkflowError):
            next_state(state, action, role, reason)


def test_the_table_has_no_transition_beyond_the_design() -> None:
    actual = {(a, s, t.target) for a, t in TRANSITIONS.items() for s in t.sources}
    assert actual == {(a, s, t) for a, s, t, _ in EXPECTED}


def test_a_refusal_says_who_may_and_from_where() -> None:
    with pytest.raises(WorkflowError, match="a provider_member may not 'submit'"):
        next_state(FilingState.DRAFT, Action.SUBMIT, Role.PROVIDER_MEMBER)
    with pytest.raises(WorkflowError, match="cannot 'accept' a filing in state 'draft'"):
        next_state(FilingState.DRAFT, Action.ACCEPT, Role.CAC_OFFICER)


def test_sending_back_needs_a_reason() -> None:
    with pytest.raises(WorkflowError, match="needs a reason"):
        next_state(FilingState.UNDER_REVIEW, Action.REQUEST_SUPPLEMENT, Role.CAC_OFFICER, "  ")


def test_actions_offered_match_the_table() -> None:
    assert actions_for(FilingState.UNDER_REVIEW, Role.MPS_OFFICER) == [
        Action.ACCEPT,
        Action.REQUEST_SUPPLEMENT,
        Action.ORDER_REASSESSMENT,
        Action.START_INSPECTION,
        Action.ORDER_RECTIFICATION,
    ]
    assert actions_for(FilingState.UNDER_REVIEW, Role.PROVIDER_ADMIN) == []


@pytest.mark.parametrize(
    ("code", "location", "inside"),
    [
        ("100000", "330106", True),
        ("330000", "330106", True),
        ("330100", "330106", True),
        ("330100", "330203", False),
        ("440300", "330106", False),
        ("110000", "110105", True),
    ],
)
def test_jurisdiction_covers_the_divisions_under_it(code: str, location: str, inside: bool) -> None:
    assert jurisdiction.covers(code, location) is inside
