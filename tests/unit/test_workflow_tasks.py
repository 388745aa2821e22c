"""Who may do what to a filing in which state, besides the steps: written from the design (docs/parties.md,
docs/adr/0005, the 2018 rule's Art. 7), not from the table in domain/workflow.py.

- The assessment (answers and evidence) is open while the filing is a draft or a supplement was asked for; the
  provider's people and the third-party assessor the provider invited edit it, nobody else.
- A judgement on a question the law leaves open is the provider's: a regulator reads it but cannot make it.
- Only the provider's administrator invites an assessor; only the invited assessor signs the conclusion.
- A regulator comments in written review on its own authority's review, under review or during inspection.
- The provider answers a rectification order while any authority's order waits for answers.
"""

from __future__ import annotations

import itertools

import pytest

from redline.domain.parallel_review import Authority, standing
from redline.domain.workflow import (
    Action,
    Actor,
    FilingState,
    Role,
    Standing,
    Task,
    actor_may,
    allowed_actions,
    may_do,
    permissions,
    state_allows,
)

S = FilingState
CAC, MPS = Authority.CAC, Authority.MPS
INVITED = Actor(Role.ASSESSOR, invited=True)
ACTORS = [Actor(r) for r in Role] + [INVITED]

WHO: dict[Task, set[Actor]] = {
    Task.EDIT_ASSESSMENT: {Actor(Role.PROVIDER_ADMIN), Actor(Role.PROVIDER_MEMBER), INVITED},
    Task.RECORD_JUDGEMENT: {Actor(Role.PROVIDER_ADMIN), Actor(Role.PROVIDER_MEMBER)},
    Task.INVITE_ASSESSOR: {Actor(Role.PROVIDER_ADMIN)},
    Task.SIGN_CONCLUSION: {INVITED},
    Task.COMMENT: {Actor(Role.CAC_OFFICER), Actor(Role.MPS_OFFICER)},
    Task.ANSWER_RECTIFICATION: {Actor(Role.PROVIDER_ADMIN), Actor(Role.PROVIDER_MEMBER)},
}
OPEN = {S.DRAFT, S.SUPPLEMENT_REQUESTED}


@pytest.mark.parametrize(("task", "actor"), list(itertools.product(Task, ACTORS)))
def test_each_task_is_for_its_people_only(task: Task, actor: Actor) -> None:
    assert actor_may(task, actor) is (actor in WHO[task])


@pytest.mark.parametrize(
    ("task", "state"),
    list(
        itertools.product([Task.EDIT_ASSESSMENT, Task.RECORD_JUDGEMENT, Task.INVITE_ASSESSOR, Task.SIGN_CONCLUSION], S)
    ),
)
def test_the_assessment_is_open_only_in_draft_and_when_a_supplement_was_asked_for(
    task: Task, state: FilingState
) -> None:
    assert state_allows(task, Standing(state, frozenset({state}))) is (state in OPEN)


@pytest.mark.parametrize(("own", "other"), list(itertools.product(S, S)))
def test_a_regulator_comments_only_while_its_own_authority_reviews(own: FilingState, other: FilingState) -> None:
    where = standing({CAC: own, MPS: other}, Role.CAC_OFFICER)
    assert may_do(Task.COMMENT, Actor(Role.CAC_OFFICER), where) is (own in {S.UNDER_REVIEW, S.ONSITE_INSPECTION})


@pytest.mark.parametrize(("cac", "mps"), list(itertools.product(S, S)))
def test_the_provider_answers_a_rectification_order_of_either_authority(cac: FilingState, mps: FilingState) -> None:
    where = standing({CAC: cac, MPS: mps}, Role.PROVIDER_MEMBER)
    ordered = S.RECTIFICATION_ORDERED in (cac, mps)
    assert may_do(Task.ANSWER_RECTIFICATION, Actor(Role.PROVIDER_MEMBER), where) is ordered


def test_a_rectification_order_hidden_behind_a_supplement_request_can_still_be_answered() -> None:
    where = standing({CAC: S.RECTIFICATION_ORDERED, MPS: S.SUPPLEMENT_REQUESTED}, Role.PROVIDER_ADMIN)
    assert where.state is S.SUPPLEMENT_REQUESTED
    assert may_do(Task.ANSWER_RECTIFICATION, Actor(Role.PROVIDER_ADMIN), where)


def test_a_task_on_review_tracks_given_no_track_is_refused() -> None:
    assert not state_allows(Task.COMMENT, Standing(S.UNDER_REVIEW))
    assert not state_allows(Task.ANSWER_RECTIFICATION, Standing(S.RECTIFICATION_ORDERED))


def test_a_regulator_is_offered_the_steps_of_its_own_authoritys_review_only() -> None:
    where = standing({CAC: S.ACCEPTED, MPS: S.UNDER_REVIEW}, Role.CAC_OFFICER)
    assert allowed_actions(where, Role.CAC_OFFICER) == {Action.CLOSE}
    where = standing({CAC: S.ACCEPTED, MPS: S.UNDER_REVIEW}, Role.MPS_OFFICER)
    assert Action.ACCEPT in allowed_actions(where, Role.MPS_OFFICER)
    assert Action.CLOSE not in allowed_actions(where, Role.MPS_OFFICER)


def test_nobody_but_the_provider_and_regulators_is_offered_a_step() -> None:
    for state, role in itertools.product(S, [Role.ASSESSOR, Role.PLATFORM_ADMIN]):
        assert allowed_actions(standing({CAC: state, MPS: state}, role), role) == frozenset()


def test_the_draft_page_of_a_provider_administrator() -> None:
    may = permissions(Actor(Role.PROVIDER_ADMIN), standing({CAC: S.DRAFT, MPS: S.DRAFT}, Role.PROVIDER_ADMIN))
    assert may.actions == (Action.SUBMIT,)
    assert may.can_edit_assessment and may.can_record_judgement and may.can_invite_assessor
    assert not (may.can_sign_conclusion or may.can_comment or may.can_answer_rectification)
    assert not (may.submitted or may.review_begun or may.closed)


def test_the_draft_page_of_a_provider_member_offers_no_submission_and_no_invitation() -> None:
    may = permissions(Actor(Role.PROVIDER_MEMBER), standing({CAC: S.DRAFT, MPS: S.DRAFT}, Role.PROVIDER_MEMBER))
    assert may.actions == ()
    assert may.can_edit_assessment and not may.can_invite_assessor


def test_the_invited_assessor_signs_and_edits_but_takes_no_step() -> None:
    may = permissions(INVITED, standing({CAC: S.SUPPLEMENT_REQUESTED, MPS: S.ACCEPTED}, Role.ASSESSOR))
    assert may.can_sign_conclusion and may.can_edit_assessment and may.actions == ()
    assert not may.can_record_judgement


def test_a_submitted_filing_shows_the_reviews_but_no_review_opinion_yet() -> None:
    may = permissions(Actor(Role.CAC_OFFICER), standing({CAC: S.SUBMITTED, MPS: S.SUBMITTED}, Role.CAC_OFFICER))
    assert may.submitted and not may.review_begun
    assert may.actions == (Action.START_REVIEW,) and not may.can_comment


def test_a_closed_filing_offers_nothing_to_anyone() -> None:
    for actor in ACTORS:
        may = permissions(actor, standing({CAC: S.CLOSED, MPS: S.CLOSED}, actor.role))
        assert may.closed and may.actions == ()
        assert not any(
            (
                may.can_edit_assessment,
                may.can_record_judgement,
                may.can_invite_assessor,
                may.can_sign_conclusion,
                may.can_comment,
                may.can_answer_rectification,
            )
        )
