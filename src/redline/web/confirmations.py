"""Steps confirmed before they are taken (`domain/workflow.NEEDS_CONFIRMATION`): a page showing what follows —
the report's summary before it is sealed and sent, or the document a regulator's step will issue — with what was
entered carried along; and the checklist's autosave answers (JSON for the page's script)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse

from redline.domain.workflow import Action
from redline.errors import InputError
from redline.i18n import translations
from redline.services.context import Context
from redline.services.filing import previews, queries, review
from redline.services.filing.workspace import Workspace, workspace
from redline.services.principal import Principal
from redline.web.problems import problem
from redline.web.templating import render

_ANSWERS = ("met", "partly_met", "not_met", "not_applicable")
_SEVERITIES = ("critical", "high", "medium", "low")


def confirmation(
    request: Request,
    ctx: Context,
    p: Principal,
    filing_id: int,
    action: Action,
    note: str,
    extra: dict[str, Any],
    entered: dict[str, list[str]],
) -> HTMLResponse:
    """The confirmation page of `action`; a submission that the answers do not allow is refused at once, with the
    reason the step itself gives (nothing is stored)."""
    view = queries.get_filing(ctx, p, filing_id)
    ws = workspace(ctx.book, view, dict(view.filing.answers))
    if action is Action.SUBMIT and not ws.ready:
        review.act(ctx, p, filing_id, action, note, extra)  # refuses, saying why
    answers: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    for group in ws.groups:
        for item in group.items:
            answers[str(item.answer.get("status") or "")] += 1
            severities.update(str(x.get("severity")) for x in item.answer.get("findings") or [])
    carried = [(k, v) for k, values in entered.items() if k not in ("confirmed", "go") for v in values]
    return render(
        request,
        "confirm.html",
        f=view.filing,
        action=action.value,
        note=note,
        carried=carried,
        preview=previews.document_preview(ctx, p, filing_id, action, note, extra),
        answers=[(a, answers[a]) for a in _ANSWERS],
        severities=[(s, severities[s]) for s in _SEVERITIES if severities[s]],
        evidence=len(view.evidence),
        ws=ws,
    )


def autosaved(ws: Workspace, lang: str) -> JSONResponse:
    """What the checklist's script shows after an autosave: progress and whether anything blocks."""
    gettext = translations(lang).gettext
    return JSONResponse(
        {
            "saved": True,
            "answered": ws.answered,
            "total": ws.total,
            "ready": ws.ready,
            "message": gettext("Saved automatically"),
            "progress": gettext("%(answered)s of %(total)s items answered")
            % {"answered": ws.answered, "total": ws.total},
        }
    )


def autosave_refused(exc: InputError, lang: str, path: str) -> JSONResponse:
    """An autosave the service refused, as problem JSON naming the field; the page keeps what was typed."""
    detail = translations(lang).gettext(exc.message)
    return problem(422, "invalid-input", detail, path, field=exc.field or "")
