"""Use case: a provider records a judgement on a filing's open question; the filing's duties then follow it.

The judgement is stored with the filing's change (who, when, reasons), its timeline and the audit log
say who decided what and why, and the obligations and due date are evaluated again.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from redline.domain.workflow import FilingState, Standing, Task, actor_may, state_allows
from redline.errors import ConflictError, InputError, PermissionDeniedError
from redline.reports.canonical import jsonable
from redline.services.assessment.judgement_input import JudgementIn
from redline.services.context import Context
from redline.services.filing import filings, rulebook_versions
from redline.services.principal import Principal, actor, require_filing
from redline.store.locking import get_for_update
from redline.store.models import Filing, Service


def _judgement(ctx: Context, p: Principal, question: str, answer: bool, reasons: str) -> JudgementIn:
    try:
        return JudgementIn.model_validate(
            {"question": question, "answer": answer, "by": p.display_name, "date": ctx.today(), "reasons": reasons}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "judgement"
        raise InputError(f"{field}: {first['msg']}", field=field) from None


def record_judgement(ctx: Context, p: Principal, filing_id: int, question: str, answer: bool, reasons: str) -> None:
    """The provider answers `question` for the filing's change; a later answer replaces an earlier one."""
    with ctx.uow() as uow:
        filing = require_filing(p, get_for_update(uow.session, Filing, filing_id), filing_id)
        if not actor_may(Task.RECORD_JUDGEMENT, actor(p, filing)):
            raise PermissionDeniedError("only the provider records its judgements")
        if not state_allows(Task.RECORD_JUDGEMENT, Standing(FilingState(filing.state))):
            raise ConflictError(
                f"a judgement is recorded while the assessment is open, not in state '{filing.state}'", field="state"
            )
        if not filing.change:
            raise ConflictError("the filing records no change to judge", field="change")
        judged = _judgement(ctx, p, question, answer, reasons)
        kept = [j for j in filing.change.get("judgements", []) if j.get("question") != judged.question.value]
        change: dict[str, Any] = {**filing.change, "judgements": [*kept, jsonable(judged.model_dump())]}
        _reevaluate(ctx, uow.session.get(Service, filing.service_id), filing, change)
        rulebook_versions.stamp(uow.session, filing, ctx.book)
        filings.record(
            uow.session,
            ctx,
            p,
            filing,
            "judgement",
            filing.state,
            judged.reasons,
            {
                **jsonable(judged.model_dump()),
                "obligations": [[o["trigger_id"], o["outcome"]] for o in filing.obligations],
            },
        )
        uow.commit()


def _reevaluate(ctx: Context, service: Service | None, filing: Filing, change: dict[str, Any]) -> None:
    if service is None:
        raise ConflictError("the filing has no service to evaluate", field="service")
    evaluation, tags = filings._evaluate(ctx, service, change)  # same evaluation as when the filing opened
    filing.change = jsonable(change)
    filing.obligations = jsonable(evaluation.obligations)
    filing.technologies = tags
    filing.due_date, filing.due_provisional = filings._due(evaluation)
