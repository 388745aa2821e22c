"""JSON API of the regulators' review: workflow steps, comments, rectification answers, written notices,
summonses, the office's document number pattern."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from redline.domain.workflow import Action
from redline.services.filing import filings, issuing, party_views, queries, review
from redline.services.filing.review import RectificationDemand, SummonsRecord
from redline.web.api_spec import REVIEW, problems
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.web.schemas import (
    ActionIn,
    CommentIn,
    Created,
    NoticeIn,
    PatternIn,
    RectificationAnswerIn,
    StateOut,
    SummonsIn,
    SummonsOut,
)
from redline.words import N_

router = APIRouter(prefix="/api/v1", tags=[REVIEW])


def action_extras(body: ActionIn) -> dict[str, Any]:
    extra: dict[str, Any] = {"due": body.due}
    if body.inspection is not None:
        extra.update(body.inspection.model_dump())
    if body.items:
        extra["items"] = [RectificationDemand(i.text, i.due) for i in body.items]
    return extra


@router.post(
    "/filings/{filing_id}/actions/{action}",
    summary=N_("Take a workflow step"),
    description=N_(
        "Submit, review, request a supplement, order rectification, close…: "
        "who may take which step in which state follows the workflow."
    ),
    responses=problems(403, 409),
)
def act(ctx: CtxDep, p: ApiUser, filing_id: IdPath, action: Action, body: ActionIn) -> StateOut:
    state = review.act(ctx, p, filing_id, action, body.note, action_extras(body))
    return StateOut(id=filing_id, state=state.value)


@router.post(
    "/filings/{filing_id}/comments",
    status_code=201,
    summary=N_("Comment on a checklist item in review"),
    responses=problems(403),
)
def comment(ctx: CtxDep, p: ApiUser, filing_id: IdPath, body: CommentIn) -> StateOut:
    review.comment(ctx, p, filing_id, body.item_id, body.text)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.post(
    "/filings/{filing_id}/rectification/{item_id}",
    summary=N_("Answer a rectification item"),
    description=N_("The provider answers one item of an open rectification order, optionally naming evidence."),
    responses=problems(403),
)
def answer_rectification(
    ctx: CtxDep, p: ApiUser, filing_id: IdPath, item_id: IdPath, body: RectificationAnswerIn
) -> StateOut:
    review.answer_rectification(ctx, p, filing_id, item_id, body.response, body.evidence_sha256)
    return StateOut(id=filing_id, state=queries.filing_state(ctx, p, filing_id))


@router.post(
    "/notices",
    status_code=201,
    summary=N_("Issue a written notice"),
    description=N_("A regulator's written notice that a service must be assessed; it opens a filing."),
    responses=problems(403, 404),
)
def notify(ctx: CtxDep, p: ApiUser, body: NoticeIn) -> Created:
    return Created(id=filings.notify(ctx, p, body.service_id, body.reference, body.note, body.due))


@router.get("/summonses", summary=N_("List summonses"))
def list_summonses(ctx: CtxDep, p: ApiUser) -> list[SummonsOut]:
    return party_views.summons_rows(ctx, p)


@router.post("/summonses", status_code=201, summary=N_("Record a summons"), responses=problems(403, 404))
def record_summons(ctx: CtxDep, p: ApiUser, body: SummonsIn) -> Created:
    return Created(id=review.record_summons(ctx, p, SummonsRecord(**body.model_dump())))


@router.get("/summonses/{summons_id}", summary=N_("Read a summons"))
def get_summons(ctx: CtxDep, p: ApiUser, summons_id: IdPath) -> SummonsOut:
    return party_views.summons_view(ctx, p, summons_id)


@router.put(
    "/issuer/reference-pattern",
    summary=N_("Set your office's document number pattern"),
    description=N_("A regulator sets its office's 文号 pattern; answers with a number the pattern gives."),
    responses=problems(403),
)
def set_reference_pattern(ctx: CtxDep, p: ApiUser, body: PatternIn) -> dict[str, str]:
    return {"example": issuing.set_reference_pattern(ctx, p, body.pattern)}
