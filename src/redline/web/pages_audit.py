"""The audit log viewer: entries found by actor, action, object and date range, a page at a time, the result
of the chain check above them, and the page as shown downloadable as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from redline.errors import InputError
from redline.services import audit_log
from redline.services.audit_log import AuditFilter
from redline.web.deps import MAX_ID, AuditReader, CtxDep
from redline.web.templating import render, request_lang
from redline.words import audit as words
from redline.words import gettext_for

router = APIRouter()
Short = Annotated[str, Query(max_length=100)]
PageNumber = Annotated[int, Query(ge=1, le=audit_log.MAX_PAGE)]
Upto = Annotated[int | None, Query(ge=0, le=MAX_ID)]


def _day(raw: str, field: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"not a date: '{raw}' (YYYY-MM-DD)", field=field) from None


def _filter(
    actor: str, action: str, kind: str, object_id: str, since: str, until: str, page: int, upto: int | None
) -> AuditFilter:
    known = action in words.ACTIONS or action in words.GROUPS or action.startswith("filing.")
    if action and not known:
        raise InputError("choose an action from the list", field="action")
    if kind and kind not in words.SUBJECTS:
        raise InputError("choose a kind of object from the list", field="kind")
    return AuditFilter(
        actor=actor.strip(),
        action=action,
        subject_kind=kind,
        subject_id=object_id.strip(),
        since=_day(since.strip(), "since"),
        until=_day(until.strip(), "until"),
        page=page,
        upto=upto,
    )


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    ctx: CtxDep,
    p: AuditReader,
    actor: Short = "",
    action: Short = "",
    kind: Short = "",
    object: Short = "",
    since: Short = "",
    until: Short = "",
    page: PageNumber = 1,
    upto: Upto = None,
) -> HTMLResponse:
    lang = request_lang(request)
    gettext = gettext_for(lang)
    shown = {"actor": actor, "action": action, "kind": kind, "object": object, "since": since, "until": until}
    error, found = None, None
    try:
        found = audit_log.search(ctx, p, _filter(actor, action, kind, object, since, until, page, upto))
    except InputError as exc:
        error = exc
    return render(
        request,
        "audit.html",
        status=422 if error else 200,
        chain=audit_log.chain_status(ctx, p),
        found=found,
        error=error,
        shown=shown,
        groups=[(code, gettext(name)) for code, name in words.GROUPS.items()],
        actions=sorted(((code, gettext(name)) for code, name in words.ACTIONS.items()), key=lambda a: a[0]),
        kinds=[(code, gettext(name)) for code, name in words.SUBJECTS.items()],
        action_words=lambda code: words.action_label(code, lang),
        subject_words=lambda subject: words.subject_label(subject, lang),
    )


@router.get("/admin/audit.csv")
def audit_csv(
    request: Request,
    ctx: CtxDep,
    p: AuditReader,
    actor: Short = "",
    action: Short = "",
    kind: Short = "",
    object: Short = "",
    since: Short = "",
    until: Short = "",
    page: PageNumber = 1,
    upto: Upto = None,
) -> Response:
    """Exactly the entries the page with the same search shows."""
    found = audit_log.search(ctx, p, _filter(actor, action, kind, object, since, until, page, upto))
    return Response(
        audit_log.to_csv(found, request_lang(request)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-log-page-{page}.csv"'},
    )
