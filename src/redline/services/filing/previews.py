"""What a workflow step will issue, shown before the officer confirms it: the document's body as
`document_bodies.for_filing` will write it, from what the officer entered; nothing is stored."""

from __future__ import annotations

from typing import Any

from redline.domain.workflow import Action, WorkflowError
from redline.services.context import Context
from redline.services.filing import document_bodies, queries, review
from redline.services.principal import Principal, require_filing
from redline.store.models import Filing


def document_preview(
    ctx: Context, p: Principal, filing_id: int, action: Action, note: str, extra: dict[str, Any]
) -> dict[str, Any] | None:
    """The body of the document `action` would issue now, or None when it issues none. Refused, as the step
    itself would be, when `p` may not take it."""
    if action.value not in queries.get_filing(ctx, p, filing_id).actions:
        raise WorkflowError(f"{p.role.value} may not '{action.value}' this filing now")
    review.check_entered(ctx.today(), action, extra)
    kind = document_bodies.KIND_OF_ACTION.get(action)
    if kind is None:
        return None
    with ctx.reader() as uow:
        filing = require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        facts = {"due": extra.get("due"), "round": None}
        return document_bodies.for_filing(ctx.book, kind, filing, note.strip(), facts, list(extra.get("items") or []))
