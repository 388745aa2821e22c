"""The audit log viewer: entries found by actor, action, object and date range, a page at a time, the result
of the chain check above them, and the page as shown downloadable as CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
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


@dataclass
class AuditSearch:
    """What the viewer's search form and its CSV link ask for (query parameters, each bounded)."""

    actor: Short = ""
    action: Short = ""
    kind: Short = ""
    object: Short = ""
    since: Short = ""
    until: Short = ""
    page: PageNumber = 1
    upto: Upto = None

    def shown(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("actor", "action", "kind", "object", "since", "until")}

    def filter(self) -> AuditFilter:
        actor, action, kind, object_id = self.actor, self.action, self.kind, self.object
        since, until, page, upto = self.since, self.until, self.page, self.upto
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


Search = Annotated[AuditSearch, Depends()]


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, ctx: CtxDep, p: AuditReader, q: Search) -> HTMLResponse:
    lang = request_lang(request)
    gettext = gettext_for(lang)
    shown = q.shown()
    error, found = None, None
    try:
        found = audit_log.search(ctx, p, q.filter())
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
def audit_csv(request: Request, ctx: CtxDep, p: AuditReader, q: Search) -> Response:
    """Exactly the entries the page with the same search shows."""
    found = audit_log.search(ctx, p, q.filter())
    return Response(
        audit_log.to_csv(found, request_lang(request)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-log-page-{q.page}.csv"'},
    )
