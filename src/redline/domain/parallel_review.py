"""Parallel review: the CAC office and the public-security organ each review a filing within their own duties.

Art. 7 of the 2018 rule sends the report to both 地市级以上网信部门和公安机关, and each reviews it 依据各自职责.
So a filing carries one review track per authority, each a copy of the state machine of `workflow`:
a regulator's step moves only its own authority's track; a provider's step (submit, reopen, submit the
rectification) moves every track waiting for it. The filing's overall state is derived from both tracks
(`overall_state`), and it is closed only when both authorities have closed their own review
(docs/adr/0005-parallel-review-by-two-authorities.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from redline.domain.workflow import (
    CONCLUDED,
    TRANSITIONS,
    Action,
    FilingState,
    Role,
    Standing,
    WorkflowError,
    allowed_actions,
    next_state,
)
from redline.errors import PermissionDeniedError


class Authority(StrEnum):
    CAC = "cac"  # 网信部门
    MPS = "mps"  # 公安机关


AUTHORITY_OF_ROLE = {Role.CAC_OFFICER: Authority.CAC, Role.MPS_OFFICER: Authority.MPS}

Tracks = Mapping[Authority, FilingState]

S = FilingState
# What the filing as a whole waits for, first match wins: the provider's turn before the regulators', and
# an open review before a conclusion, so that no authority's demand is hidden behind the other's. Among open
# reviews the furthest step shows (`submitted` then means that neither authority has taken the report up).
PRECEDENCE = (
    S.NOTICE_ISSUED,
    S.REASSESSMENT_ORDERED,
    S.DRAFT,
    S.SUPPLEMENT_REQUESTED,
    S.RECTIFICATION_ORDERED,
    S.RECTIFICATION_SUBMITTED,
    S.ONSITE_INSPECTION,
    S.UNDER_REVIEW,
    S.SUBMITTED,
    S.VERIFIED,
    S.ACCEPTED,
    S.CLOSED,
)


def both(state: FilingState) -> dict[Authority, FilingState]:
    """The tracks of a filing whose authorities stand at the same state (a new filing, a migrated one)."""
    return {a: state for a in Authority}


def overall_state(tracks: Tracks) -> FilingState:
    """The filing's state: closed only when both are closed; otherwise what it waits for first."""
    states = {tracks[a] for a in Authority}
    return next(s for s in PRECEDENCE if s in states)


def other(authority: Authority) -> Authority:
    return Authority.MPS if authority is Authority.CAC else Authority.CAC


def step(tracks: Tracks, action: Action, role: Role, reason: str = "") -> dict[Authority, FilingState]:
    """The tracks after `action` by `role`; a WorkflowError or PermissionDeniedError saying why not."""
    authority = AUTHORITY_OF_ROLE.get(role)
    after = {a: tracks[a] for a in Authority}
    if authority is None:
        moved = [a for a in Authority if tracks[a] in TRANSITIONS[action].sources]
        if not moved:  # next_state raises, naming the role or the filing's state
            next_state(overall_state(tracks), action, role, reason)
        for a in moved:
            after[a] = next_state(tracks[a], action, role, reason)
        return after
    own, theirs = tracks[authority], tracks[other(authority)]
    if (
        own not in TRANSITIONS[action].sources
        and theirs in TRANSITIONS[action].sources
        and role in TRANSITIONS[action].roles
    ):
        raise PermissionDeniedError(
            f"'{action.value}' belongs to the review of the other authority ({other(authority).value}, "
            f"in state '{theirs.value}'); your authority's review ({authority.value}) is in state "
            f"'{own.value}', and each authority concludes only its own review (Art. 7 of the 2018 rule)",
            field="action",
        )
    after[authority] = next_state(own, action, role, reason)
    return after


def standing(tracks: Tracks, role: Role) -> Standing:
    """Where the filing stands for `role`, as the workflow rules read it: the derived state, both tracks,
    and a regulator's own authority's track."""
    authority = AUTHORITY_OF_ROLE.get(role)
    return Standing(
        overall_state(tracks),
        frozenset(tracks[a] for a in Authority),
        tracks[authority] if authority is not None else None,
    )


def actions_available(tracks: Tracks, role: Role) -> list[Action]:
    """The steps `role` may take now: a regulator on its own track, a provider on any track waiting for it."""
    offered = allowed_actions(standing(tracks, role), role)
    return [a for a in Action if a in offered]


def waiting_for(tracks: Tracks) -> list[Authority]:
    """The authorities that have not concluded yet (neither accepted, verified nor closed)."""
    return [a for a in Authority if tracks[a] not in CONCLUDED]


__all__ = [
    "AUTHORITY_OF_ROLE",
    "Authority",
    "Tracks",
    "WorkflowError",
    "actions_available",
    "both",
    "overall_state",
    "standing",
    "step",
    "waiting_for",
]
