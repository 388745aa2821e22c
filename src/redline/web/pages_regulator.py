"""Pages for regulators: dashboard, written notices, summonses; rectification list for all (the queue:
pages_queue.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.domain.workflow import FilingState
from redline.errors import InputError, PermissionDeniedError
from redline.services.filing import dashboards, filings, issued_documents, party_views, queries, review
from redline.services.filing.review import SummonsRecord
from redline.services.filing.snapshots import FilingOut
from redline.services.filing.views import filing_rows
from redline.services.principal import Principal
from redline.web import dashboard_charts, forms
from redline.web.deps import Csrf, CtxDep, IdPath, PageUser
from redline.web.queue_table import place_name
from redline.web.templating import render, render_cached, request_lang

router = APIRouter()


def _require_regulator(p: Principal) -> None:
    if not p.is_regulator:
        raise PermissionDeniedError("this page is for CAC and public-security officers")


@router.get("/regulator/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    _require_regulator(p)
    lang = request_lang(request)

    def context() -> dict[str, Any]:
        # the counts are the office's, alike for each of its officers: kept apart from the page (it names who asks)
        key = ("page.dashboard", p.role, p.jurisdiction, ctx.today())
        d = ctx.cache.get_or_compute(key, request.state.version, lambda: dashboards.dashboard(ctx, p))
        place = place_name(ctx, lang)
        return dict(
            d=d,
            charts=dashboard_charts.charts(d, lang, place),
            weeks=dashboard_charts.weeks(d.calendar),
            weekdays=dashboard_charts.WEEKDAYS,
            day_link=dashboard_charts.day_link,
            today=ctx.today(),
            jurisdiction=place(p.jurisdiction or ""),
        )

    return render_cached(request, ("dashboard", p, ctx.today()), "dashboard.html", context)


@router.get("/notices/new", response_class=HTMLResponse)
def notice_form(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    _require_regulator(p)
    return render(request, "notice.html", services=party_views.services_under(ctx, p))


@router.post("/notices", dependencies=[Csrf])
async def notify(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    service_id = forms.chosen_id(form, "service_id", "service")
    filing_id = filings.notify(
        ctx, p, service_id, forms.text(form, "reference"), forms.text(form, "note"), forms.date(form, "due")
    )
    return RedirectResponse(f"/filings/{filing_id}?done=notify", status_code=303)


@router.get("/summonses", response_class=HTMLResponse)
def summonses(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    return render(
        request, "summonses.html", rows=party_views.summons_rows(ctx, p), providers=party_views.provider_rows(ctx, p)
    )


@router.post("/summonses", dependencies=[Csrf])
async def record_summons(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    provider_id = forms.integer(form, "provider_id")
    date = forms.date(form, "date", required=True)
    if provider_id is None or date is None:
        raise InputError("choose a provider", field="provider_id")
    summons_id = review.record_summons(
        ctx,
        p,
        SummonsRecord(
            provider_id=provider_id,
            date=date,
            agencies=forms.text(form, "agencies"),
            attendees=forms.text(form, "attendees"),
            problems=forms.text(form, "problems"),
            demands=forms.text(form, "demands"),
            deadline=forms.date(form, "deadline"),
            filing_id=forms.integer(form, "filing_id"),
        ),
    )
    return RedirectResponse(f"/summonses/{summons_id}", status_code=303)


@router.get("/summonses/{summons_id}", response_class=HTMLResponse)
def summons_page(request: Request, ctx: CtxDep, p: PageUser, summons_id: IdPath) -> HTMLResponse:
    summons = party_views.summons_view(ctx, p, summons_id)
    documents = [
        d
        for d in issued_documents.list_documents(ctx, p, provider_id=summons.provider_id)
        if d.summons_id == summons.id
    ]
    return render(request, "summons.html", s=summons, documents=documents)


@router.get("/rectifications", response_class=HTMLResponse)
def rectifications(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    rows: list[FilingOut] = []
    for state in (FilingState.RECTIFICATION_ORDERED, FilingState.RECTIFICATION_SUBMITTED, FilingState.VERIFIED):
        found, _ = filing_rows(ctx, p, queries.FilingFilter(state=state.value, limit=200))
        rows += found
    return render(request, "rectifications.html", filings=rows)
