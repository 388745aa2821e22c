"""Properties of the filing workflow over any run of allowed steps (hypothesis): a filing only ever stands in a
state the design declares, and closed is final (DESIGN's workflow: "... -> closed"; docs/adr/0005: closed only
when both authorities have closed their own review)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.domain.parallel_review import Authority, actions_available, both, overall_state, step
from redline.domain.workflow import Action, FilingState, Role, WorkflowError, actions_for, next_state

DECLARED = {
    "notice_issued",
    "draft",
    "submitted",
    "under_review",
    "accepted",
    "closed",
    "supplement_requested",
    "reassessment_ordered",
    "onsite_inspection",
    "rectification_ordered",
    "rectification_submitted",
    "verified",
}
STEPPING_ROLES = [Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER, Role.CAC_OFFICER, Role.MPS_OFFICER]


def test_the_states_are_exactly_those_the_design_declares() -> None:
    assert {s.value for s in FilingState} == DECLARED


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_run_of_allowed_steps_from_draft_stays_in_declared_states_and_closed_is_final(data: st.DataObject) -> None:
    state = FilingState.DRAFT
    for _ in range(data.draw(st.integers(0, 40))):
        offered = [(a, r) for r in Role for a in actions_for(state, r)]
        if state is FilingState.CLOSED:
            assert offered == []
            for action in Action:
                with pytest.raises(WorkflowError):
                    next_state(state, action, data.draw(st.sampled_from(list(Role))), "a reason")
            return
        if not offered:
            pytest.fail(f"no way out of '{state.value}', which is not closed")
        action, role = data.draw(st.sampled_from(offered))
        state = next_state(state, action, role, "a reason")
        assert state.value in DECLARED


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_run_of_the_two_authorities_reviews_stays_declared_and_closes_only_when_both_closed(
    data: st.DataObject,
) -> None:
    tracks = both(FilingState.DRAFT)
    for _ in range(data.draw(st.integers(0, 60))):
        offered = [(a, r) for r in STEPPING_ROLES for a in actions_available(tracks, r)]
        if overall_state(tracks) is FilingState.CLOSED:
            assert set(tracks.values()) == {FilingState.CLOSED}
            assert offered == []
            return
        assert offered, f"a filing at {tracks} can never be closed"
        action, role = data.draw(st.sampled_from(offered))
        tracks = step(tracks, action, role, "a reason")
        assert {s.value for s in tracks.values()} <= DECLARED
        assert overall_state(tracks).value in DECLARED
        assert set(tracks) == set(Authority)
