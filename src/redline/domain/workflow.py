"""The filing state machine, and every rule of who may do what to a filing in which state.

notice_issued? -> draft -> submitted -> under_review -> accepted -> closed
                                        |-> supplement_requested -> submitted
                                        |-> reassessment_ordered -> draft
                                        |-> onsite_inspection -> under_review
                                        '-> rectification_ordered -> rectification_submitted
                                                                     -> verified -> closed

Two kinds of rule live here, both as data:
- `TRANSITIONS`: the steps (`Action`) that move a review track from one state to another, and who takes them;
- `TASKS`: the work done on a filing without moving it (answering the checklist, inviting and signing by a
  third-party assessor, judgements, review comments, answers to a rectification order), in which states and
  by whom.
Services ask `next_state`, `actor_may` and `state_allows` before they change anything; pages read the
booleans of `permissions` and never compare states or roles themselves. Each authority reviews on its own
track (`parallel_review`), which builds the `Standing` these rules read from both tracks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum

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
    Action.REQUEST_SUPPLEMENT: Transition(
        frozenset({S.UNDER_REVIEW}), S.SUPPLEMENT_REQUESTED, REGULATOR_ROLES, needs_reason=True
    ),
    Action.ORDER_REASSESSMENT: Transition(
        frozenset({S.UNDER_REVIEW}), S.REASSESSMENT_ORDERED, REGULATOR_ROLES, needs_reason=True
    ),
    Action.REOPEN: Transition(frozenset({S.REASSESSMENT_ORDERED}), S.DRAFT, _PROVIDER),
    Action.START_INSPECTION: Transition(frozenset({S.UNDER_REVIEW}), S.ONSITE_INSPECTION, REGULATOR_ROLES),
    Action.FINISH_INSPECTION: Transition(frozenset({S.ONSITE_INSPECTION}), S.UNDER_REVIEW, REGULATOR_ROLES),
    Action.ORDER_RECTIFICATION: Transition(
        frozenset({S.UNDER_REVIEW}), S.RECTIFICATION_ORDERED, REGULATOR_ROLES, needs_reason=True
    ),
    Action.SUBMIT_RECTIFICATION: Transition(frozenset({S.RECTIFICATION_ORDERED}), S.RECTIFICATION_SUBMITTED, _ADMIN),
    Action.VERIFY: Transition(frozenset({S.RECTIFICATION_SUBMITTED}), S.VERIFIED, REGULATOR_ROLES),
    Action.REJECT_RECTIFICATION: Transition(
        frozenset({S.RECTIFICATION_SUBMITTED}), S.RECTIFICATION_ORDERED, REGULATOR_ROLES, needs_reason=True
    ),
    Action.CLOSE: Transition(frozenset({S.ACCEPTED, S.VERIFIED}), S.CLOSED, REGULATOR_ROLES),
}
NEEDS_REASON = frozenset(a for a, t in TRANSITIONS.items() if t.needs_reason)
# Steps a person confirms on a page after seeing what follows (the report sealed and sent, or the document to be
# issued), and the regulator's acceptance, which the written review opinion must carry in words.
NEEDS_CONFIRMATION = frozenset(
    {Action.SUBMIT, Action.ACCEPT, Action.CLOSE, Action.ORDER_RECTIFICATION, Action.ORDER_REASSESSMENT}
)
NEEDS_OPINION_ON_PAGE = frozenset({Action.ACCEPT})

# What a state says has happened; queues, deadlines, the release gate and pages read these sets.
ASSESSMENT_OPEN = frozenset({S.DRAFT, S.SUPPLEMENT_REQUESTED})  # answers, evidence, judgements may change
BEFORE_SUBMISSION = frozenset({S.NOTICE_ISSUED, S.DRAFT})  # the report has not gone to the regulators
OWES_SUBMISSION = frozenset({S.NOTICE_ISSUED, S.DRAFT, S.SUPPLEMENT_REQUESTED, S.REASSESSMENT_ORDERED})
CONCLUDED = frozenset({S.ACCEPTED, S.VERIFIED, S.CLOSED})  # the review ended well
NO_REPORT_STANDING = frozenset({S.NOTICE_ISSUED, S.DRAFT, S.REASSESSMENT_ORDERED})  # nothing (valid) filed
PENDING = frozenset(S) - CONCLUDED - NO_REPORT_STANDING  # filed and before the regulators, not concluded
FINAL = frozenset(s for s in S if not any(s in t.sources for t in TRANSITIONS.values()))


def next_state(state: FilingState, action: Action, role: Role, reason: str = "") -> FilingState:
    """The state after `action`, or a WorkflowError saying exactly why it is not allowed."""
    transition = TRANSITIONS[action]
    if role not in transition.roles:
        allowed = ", ".join(sorted(r.value for r in transition.roles))
        raise WorkflowError(f"a {role.value} may not '{action.value}' (allowed: {allowed})", field="action")
    if state not in transition.sources:
        sources = ", ".join(sorted(s.value for s in transition.sources))
        raise WorkflowError(
            f"cannot '{action.value}' a filing in state '{state.value}' (only from: {sources})", field="action"
        )
    if transition.needs_reason and not reason.strip():
        raise WorkflowError(f"'{action.value}' needs a reason", field="note")
    return transition.target


def may(action: Action, state: FilingState, role: Role) -> bool:
    """Whether `role` may take `action` on a track in `state` (a reason, where one is needed, aside)."""
    transition = TRANSITIONS[action]
    return state in transition.sources and role in transition.roles


def actions_for(state: FilingState, role: Role) -> list[Action]:
    """The steps `role` may take on one review track in `state`, in the order of `Action`."""
    return [a for a in Action if may(a, state, role)]


@dataclass(frozen=True)
class Standing:
    """Where one filing stands, as the rules read it: the filing's state (derived from its review tracks),
    the state of every authority's review track, and a regulator's own authority's track.
    Give what the rule reads: the state alone serves the tasks on the whole filing; a rule on review tracks
    given no track refuses. `parallel_review.standing` gives all three."""

    state: FilingState
    tracks: frozenset[FilingState] = frozenset()
    own: FilingState | None = None


def allowed_actions(standing: Standing, role: Role) -> frozenset[Action]:
    """The steps `role` may take now: a regulator on its own authority's track only (each authority
    concludes its own review), a provider on any track waiting for it."""
    if role in REGULATOR_ROLES:
        return frozenset(actions_for(standing.own, role)) if standing.own is not None else frozenset()
    return frozenset(a for track in standing.tracks for a in actions_for(track, role))


class Task(StrEnum):
    """Work on a filing that moves no track."""

    EDIT_ASSESSMENT = "edit_assessment"  # checklist answers and evidence
    RECORD_JUDGEMENT = "record_judgement"  # a yes/no with reasons on a question the law leaves open
    INVITE_ASSESSOR = "invite_assessor"
    SIGN_CONCLUSION = "sign_conclusion"  # by the invited third-party assessor
    COMMENT = "comment"  # a regulator's written-review comment on an item
    ANSWER_RECTIFICATION = "answer_rectification"  # answers (and their evidence) to a rectification order


class Scope(Enum):
    """Which state a task's rule reads."""

    FILING = "filing"  # the filing's state
    OWN_TRACK = "own_track"  # the actor's own authority's review track
    ANY_TRACK = "any_track"  # any authority's review track


@dataclass(frozen=True)
class TaskRule:
    states: frozenset[FilingState]
    scope: Scope
    roles: frozenset[Role]
    invited_assessor: bool = False  # the assessor the provider invited to this filing may do it too


TASKS: dict[Task, TaskRule] = {
    Task.EDIT_ASSESSMENT: TaskRule(ASSESSMENT_OPEN, Scope.FILING, _PROVIDER, invited_assessor=True),
    Task.RECORD_JUDGEMENT: TaskRule(ASSESSMENT_OPEN, Scope.FILING, _PROVIDER),
    Task.INVITE_ASSESSOR: TaskRule(ASSESSMENT_OPEN, Scope.FILING, _ADMIN),
    Task.SIGN_CONCLUSION: TaskRule(ASSESSMENT_OPEN, Scope.FILING, frozenset(), invited_assessor=True),
    Task.COMMENT: TaskRule(frozenset({S.UNDER_REVIEW, S.ONSITE_INSPECTION}), Scope.OWN_TRACK, REGULATOR_ROLES),
    Task.ANSWER_RECTIFICATION: TaskRule(frozenset({S.RECTIFICATION_ORDERED}), Scope.ANY_TRACK, _PROVIDER),
}


@dataclass(frozen=True)
class Actor:
    """Who acts, as the rules see it: the role, and whether an assessor is the one invited to this filing."""

    role: Role
    invited: bool = False


def actor_may(task: Task, actor: Actor) -> bool:
    """Whether `actor` is someone who may do `task` at all (in the right state)."""
    rule = TASKS[task]
    return actor.role in rule.roles or (rule.invited_assessor and actor.role is Role.ASSESSOR and actor.invited)


def state_allows(task: Task, standing: Standing) -> bool:
    """Whether the filing stands where `task` may be done."""
    rule = TASKS[task]
    read: Iterable[FilingState | None]
    if rule.scope is Scope.FILING:
        read = (standing.state,)
    elif rule.scope is Scope.OWN_TRACK:
        read = (standing.own,)
    else:
        read = standing.tracks
    return any(s is not None and track_allows(task, s) for s in read)


def track_allows(task: Task, state: FilingState) -> bool:
    """Whether one state (of the filing, or of the review track the task's rule reads) allows `task`."""
    return state in TASKS[task].states


def may_do(task: Task, actor: Actor, standing: Standing) -> bool:
    return actor_may(task, actor) and state_allows(task, standing)


@dataclass(frozen=True)
class Permissions:
    """What one viewer may do on one filing now, as booleans a page reads without comparing states or roles.
    `actions` are the steps offered (in the order of `Action`); the rest say which forms the page shows."""

    actions: tuple[Action, ...]
    can_edit_assessment: bool
    can_record_judgement: bool
    can_invite_assessor: bool
    can_sign_conclusion: bool
    can_comment: bool
    can_answer_rectification: bool
    submitted: bool  # the report went to the regulators: their review tracks show
    review_begun: bool  # a regulator took the report up: a written review opinion exists
    closed: bool


def permissions(actor: Actor, standing: Standing) -> Permissions:
    offered = allowed_actions(standing, actor.role)
    return Permissions(
        actions=tuple(a for a in Action if a in offered),
        can_edit_assessment=may_do(Task.EDIT_ASSESSMENT, actor, standing),
        can_record_judgement=may_do(Task.RECORD_JUDGEMENT, actor, standing),
        can_invite_assessor=may_do(Task.INVITE_ASSESSOR, actor, standing),
        can_sign_conclusion=may_do(Task.SIGN_CONCLUSION, actor, standing),
        can_comment=may_do(Task.COMMENT, actor, standing),
        can_answer_rectification=may_do(Task.ANSWER_RECTIFICATION, actor, standing),
        submitted=standing.state not in BEFORE_SUBMISSION,
        review_begun=standing.state not in BEFORE_SUBMISSION | {S.SUBMITTED},
        closed=standing.state is S.CLOSED,
    )
