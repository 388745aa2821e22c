"""The filing state machine: who may move a filing from which state to which.

notice_issued? -> draft -> submitted -> under_review -> accepted -> closed
                                        |-> supplement_requested -> submitted
                                        |-> reassessment_ordered -> draft
                                        |-> onsite_inspection -> under_review
                                        '-> rectification_ordered -> rectification_submitted
                                                                     -> verified -> closed
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from redline.errors import ConflictError


class FilingState(StrEnum):
    NOTICE_ISSUED = "notice_issued"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REASSESSMENT_ORDERED = "reassessment_ordered"
    ONSITE_INSPECTION = "onsite_inspection"
    RECTIFICATION_ORDERED = "rectification_ordered"
    RECTIFICATION_SUBMITTED = "rectification_submitted"
    VERIFIED = "verified"


class Role(StrEnum):
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_MEMBER = "provider_member"
    ASSESSOR = "assessor"
    CAC_OFFICER = "cac_officer"
    MPS_OFFICER = "mps_officer"
    PLATFORM_ADMIN = "platform_admin"


PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER})
REGULATOR_ROLES = frozenset({Role.CAC_OFFICER, Role.MPS_OFFICER})


class Action(StrEnum):
    START = "start"
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    ACCEPT = "accept"
    REQUEST_SUPPLEMENT = "request_supplement"
    ORDER_REASSESSMENT = "order_reassessment"
    REOPEN = "reopen"
    START_INSPECTION = "start_inspection"
    FINISH_INSPECTION = "finish_inspection"
    ORDER_RECTIFICATION = "order_rectification"
    SUBMIT_RECTIFICATION = "submit_rectification"
    VERIFY = "verify"
    REJECT_RECTIFICATION = "reject_rectification"
    CLOSE = "close"


class WorkflowError(ConflictError):
    """A transition that the state or the actor's role does not allow."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[FilingState]
    target: FilingState
    roles: frozenset[Role]
    needs_reason: bool = False


S = FilingState
_ADMIN = frozenset({Role.PROVIDER_ADMIN})
_PROVIDER = PROVIDER_ROLES

TRANSITIONS: dict[Action, Transition] = {
    Action.START: Transition(frozenset({S.NOTICE_ISSUED}), S.DRAFT, _PROVIDER),
    Action.SUBMIT: Transition(frozenset({S.DRAFT, S.SUPPLEMENT_REQUESTED}), S.SUBMITTED, _ADMIN),
    Action.START_REVIEW: Transition(frozenset({S.SUBMITTED}), S.UNDER_REVIEW, REGULATOR_ROLES),
    Action.ACCEPT: Transition(frozenset({S.UNDER_REVIEW}), S.ACCEPTED, REGULATOR_ROLES),
    Action.REQUEST_SUPPLEMENT: Transition(frozenset({S.UNDER_REVIEW}), S.SUPPLEMENT_REQUESTED,
                                          REGULATOR_ROLES, needs_reason=True),
    Action.ORDER_REASSESSMENT: Transition(frozenset({S.UNDER_REVIEW}), S.REASSESSMENT_ORDERED,
                                          REGULATOR_ROLES, needs_reason=True),
    Action.REOPEN: Transition(frozenset({S.REASSESSMENT_ORDERED}), S.DRAFT, _PROVIDER),
    Action.START_INSPECTION: Transition(frozenset({S.UNDER_REVIEW}), S.ONSITE_INSPECTION,
                                        REGULATOR_ROLES),
    Action.FINISH_INSPECTION: Transition(frozenset({S.ONSITE_INSPECTION}), S.UNDER_REVIEW,
                                         REGULATOR_ROLES),
    Action.ORDER_RECTIFICATION: Transition(frozenset({S.UNDER_REVIEW}), S.RECTIFICATION_ORDERED,
                                           REGULATOR_ROLES, needs_reason=True),
    Action.SUBMIT_RECTIFICATION: Transition(frozenset({S.RECTIFICATION_ORDERED}),
                                            S.RECTIFICATION_SUBMITTED, _ADMIN),
    Action.VERIFY: Transition(frozenset({S.RECTIFICATION_SUBMITTED}), S.VERIFIED, REGULATOR_ROLES),
    Action.REJECT_RECTIFICATION: Transition(frozenset({S.RECTIFICATION_SUBMITTED}),
                                            S.RECTIFICATION_ORDERED, REGULATOR_ROLES,
                                            needs_reason=True),
    Action.CLOSE: Transition(frozenset({S.ACCEPTED, S.VERIFIED}), S.CLOSED, REGULATOR_ROLES),
}

OPEN_STATES = frozenset(S) - {S.CLOSED}
REGULATOR_QUEUE_STATES = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.ONSITE_INSPECTION,
                                    S.RECTIFICATION_SUBMITTED, S.ACCEPTED, S.VERIFIED})


def next_state(state: FilingState, action: Action, role: Role, reason: str = "") -> FilingState:
    """The state after `action`, or a WorkflowError saying exactly why it is not allowed."""
    transition = TRANSITIONS[action]
    if role not in transition.roles:
        allowed = ", ".join(sorted(r.value for r in transition.roles))
        raise WorkflowError(f"a {role.value} may not '{action.value}' (allowed: {allowed})",
                            field="action")
    if state not in transition.sources:
        sources = ", ".join(sorted(s.value for s in transition.sources))
        raise WorkflowError(f"cannot '{action.value}' a filing in state '{state.value}' "
                            f"(only from: {sources})", field="action")
    if transition.needs_reason and not reason.strip():
        raise WorkflowError(f"'{action.value}' needs a reason", field="note")
    return transition.target


def actions_for(state: FilingState, role: Role) -> list[Action]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources and role in t.roles]
