"""The regulator's page of a rulebook change's impact: the services and filings of its jurisdiction the change
touches, why and what follows, and written notices for a selection in one step."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.errors import PermissionDeniedError
from redline.services.principal import Principal
from redline.services.rulebook_impact.impact import impact
from redline.services.rulebook_impact.notices import issue_notices
from redline.web import forms
from redline.web.deps import Csrf, CtxDep, PageUser
from redline.web.templating import render

router = APIRouter()


def _require_regulator(p: Principal) -> None:
    if not p.is_regulator:
        raise PermissionDeniedError("this page is for CAC and public-security officers")


@router.get("/regulator/impact", response_class=HTMLResponse)
def impact_page(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    _require_regulator(p)
    raw = request.query_params.get("issued", "")
    issued = int(raw) if raw.isdigit() and len(raw) <= 4 else None  # a link is never an error
    # alike for every officer of the office, and costly (each filing's change is evaluated again): kept until
    # the data or the rulebook changes
    key = ("page.rules_impact", p.role, p.jurisdiction, ctx.book.version, ctx.today())
    result = ctx.cache.get_or_compute(key, request.state.version, lambda: impact(ctx, p))
    return render(request, "rules_impact.html", result=result, issued=issued)


@router.post("/regulator/impact/notices", dependencies=[Csrf])
async def notices(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    _require_regulator(p)
    form = await request.form()
    done = issue_notices(
        ctx, p, forms.row_ids(form, "service_id"), forms.text(form, "reference"), forms.date(form, "due")
    )
    return RedirectResponse(f"/regulator/impact?issued={len(done.filing_ids)}", status_code=303)
