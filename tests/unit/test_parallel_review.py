"""Art. 7 of the 2018 rule: the report goes to 网信部门和公安机关, and each reviews it within its own duties."""

from __future__ import annotations

import pytest

from redline.domain.parallel_review import (
    Authority,
    actions_available,
    both,
    overall_state,
    step,
    waiting_for,
)
from redline.domain.workflow import Action, FilingState, Role, WorkflowError
from redline.errors import PermissionDeniedError

CAC, MPS = Authority.CAC, Authority.MPS
S = FilingState


def _tracks(cac: FilingState, mps: FilingState) -> dict[Authority, FilingState]:
    return {CAC: cac, MPS: mps}


def test_submitting_the_report_sends_it_to_both_authorities() -> None:
    after = step(both(S.DRAFT), Action.SUBMIT, Role.PROVIDER_ADMIN)
    assert after == _tracks(S.SUBMITTED, S.SUBMITTED)
    assert overall_state(after) is S.SUBMITTED


def test_a_cac_officer_taking_up_the_review_moves_only_the_cac_review() -> None:
    after = step(both(S.SUBMITTED), Action.START_REVIEW, Role.CAC_OFFICER)
    assert after == _tracks(S.UNDER_REVIEW, S.SUBMITTED)
    assert overall_state(after) is S.UNDER_REVIEW


def test_cac_accepts_while_the_police_have_not_concluded_the_filing_is_not_closed_and_waits_for_the_police() -> None:
    tracks = _tracks(S.UNDER_REVIEW, S.UNDER_REVIEW)
    tracks = step(tracks, Action.ACCEPT, Role.CAC_OFFICER)
    tracks = step(tracks, Action.CLOSE, Role.CAC_OFFICER, "closed on the CAC side")
    assert tracks == _tracks(S.CLOSED, S.UNDER_REVIEW)
    assert overall_state(tracks) is S.UNDER_REVIEW
    assert waiting_for(tracks) == [MPS]


def test_the_filing_is_closed_only_when_both_authorities_have_closed_their_review() -> None:
    tracks = _tracks(S.CLOSED, S.ACCEPTED)
    assert overall_state(tracks) is not S.CLOSED
    tracks = step(tracks, Action.CLOSE, Role.MPS_OFFICER)
    assert overall_state(tracks) is S.CLOSED
    assert waiting_for(tracks) == []


def test_the_police_request_a_supplement_while_cac_accepted_the_provider_sees_the_request() -> None:
    tracks = step(
        _tracks(S.ACCEPTED, S.UNDER_REVIEW), Action.REQUEST_SUPPLEMENT, Role.MPS_OFFICER, "explain the log retention"
    )
    assert tracks == _tracks(S.ACCEPTED, S.SUPPLEMENT_REQUESTED)
    assert overall_state(tracks) is S.SUPPLEMENT_REQUESTED
    assert Action.SUBMIT in actions_available(tracks, Role.PROVIDER_ADMIN)


def test_the_supplement_goes_back_to_the_authority_that_asked_and_the_other_conclusion_stands() -> None:
    tracks = step(_tracks(S.ACCEPTED, S.SUPPLEMENT_REQUESTED), Action.SUBMIT, Role.PROVIDER_ADMIN)
    assert tracks == _tracks(S.ACCEPTED, S.SUBMITTED)
    assert overall_state(tracks) is S.SUBMITTED


@pytest.mark.parametrize(("officer", "theirs"), [(Role.MPS_OFFICER, CAC), (Role.CAC_OFFICER, MPS)])
@pytest.mark.parametrize("action", [Action.CLOSE, Action.VERIFY, Action.ACCEPT])
def test_an_officer_cannot_conclude_or_close_for_the_other_authority(
    officer: Role, theirs: Authority, action: Action
) -> None:
    ready = {Action.CLOSE: S.ACCEPTED, Action.VERIFY: S.RECTIFICATION_SUBMITTED, Action.ACCEPT: S.UNDER_REVIEW}
    tracks = {theirs: ready[action], (MPS if theirs is CAC else CAC): S.SUBMITTED}
    with pytest.raises(PermissionDeniedError, match="other authority"):
        step(tracks, action, officer, "a reason")


def test_each_authority_closes_only_its_own_review() -> None:
    tracks = _tracks(S.ACCEPTED, S.ACCEPTED)
    after = step(tracks, Action.CLOSE, Role.CAC_OFFICER)
    assert after == _tracks(S.CLOSED, S.ACCEPTED)


def test_an_officer_is_offered_only_the_steps_of_its_own_review() -> None:
    tracks = _tracks(S.ACCEPTED, S.UNDER_REVIEW)
    assert actions_available(tracks, Role.CAC_OFFICER) == [Action.CLOSE]
    assert Action.CLOSE not in actions_available(tracks, Role.MPS_OFFICER)
    assert Action.ACCEPT in actions_available(tracks, Role.MPS_OFFICER)


def test_a_provider_step_moves_every_review_waiting_for_it_and_is_refused_when_none_waits() -> None:
    tracks = _tracks(S.RECTIFICATION_ORDERED, S.RECTIFICATION_ORDERED)
    assert step(tracks, Action.SUBMIT_RECTIFICATION, Role.PROVIDER_ADMIN) == both(S.RECTIFICATION_SUBMITTED)
    with pytest.raises(WorkflowError, match="cannot 'submit'"):
        step(_tracks(S.UNDER_REVIEW, S.ACCEPTED), Action.SUBMIT, Role.PROVIDER_ADMIN)


def test_a_provider_owes_both_a_reassessment_and_a_rectification_sees_both_steps() -> None:
    tracks = _tracks(S.REASSESSMENT_ORDERED, S.RECTIFICATION_ORDERED)
    assert overall_state(tracks) is S.REASSESSMENT_ORDERED
    assert actions_available(tracks, Role.PROVIDER_ADMIN) == [Action.REOPEN, Action.SUBMIT_RECTIFICATION]


def test_a_demand_of_either_authority_is_never_hidden_behind_the_others_conclusion() -> None:
    for demand in (S.SUPPLEMENT_REQUESTED, S.REASSESSMENT_ORDERED, S.RECTIFICATION_ORDERED):
        for concluded in (S.ACCEPTED, S.VERIFIED, S.CLOSED):
            assert overall_state(_tracks(concluded, demand)) is demand
            assert overall_state(_tracks(demand, concluded)) is demand


@pytest.mark.parametrize("state", list(FilingState))
def test_a_migrated_filing_keeps_its_state(state: FilingState) -> None:
    assert overall_state(both(state)) is state


def test_other_roles_cannot_step_into_a_review() -> None:
    for role in (Role.ASSESSOR, Role.PLATFORM_ADMIN, Role.PROVIDER_ADMIN):
        with pytest.raises(WorkflowError):
            step(both(S.UNDER_REVIEW), Action.ACCEPT, role)
