"""Pages for regulators: queue, dashboard, written notices, summonses; rectification list for all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.domain.workflow import FilingState
from redline.errors import InputError, PermissionDeniedError
from redline.services.context import Context
from redline.services.filing import filings, issued_documents, party_views, queries, review
from redline.services.filing.review import SummonsRecord
from redline.services.filing.snapshots import FilingOut
from redline.services.filing.views import filing_rows
from redline.services.principal import Principal
from redline.web import charts, forms
from redline.web.deps import Csrf, CtxDep, IdPath, PageUser
from redline.web.templating import render, request_lang

router = APIRouter()
PAGE = 50
DEADLINE_TEXT = {
    "submission": "Report submission",
    "supplement": "Supplement",
    "reassessment": "Re-assessment",
    "rectification": "Rectification",
}


def _place_name(ctx: Context, zh: bool) -> Callable[[str], str]:
    """Division names in the page's language: 浙江省杭州市 in Chinese; Hangzhou, Zhejiang Province in English."""
    return ctx.book.divisions.full_name if zh else ctx.book.divisions.full_name_en


def _require_regulator(p: Principal) -> None:
    if not p.is_regulator:
        raise PermissionDeniedError("this page is for CAC and public-security officers")


PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]  # larger offsets overflow the database's integers


@router.get("/regulator", response_class=HTMLResponse)
def queue(
    request: Request,
    ctx: CtxDep,
    p: PageUser,
    state: str = "",
    region: str = "",
    technology: str = "",
    overdue: bool = False,
    page: PageNumber = 1,
) -> HTMLResponse:
    _require_regulator(p)
    page = max(page, 1)
    f = queries.FilingFilter(state or None, region or None, technology or None, overdue, PAGE, (page - 1) * PAGE)
    today = ctx.today()

    def load() -> tuple[list[FilingOut], int, set[str]]:
        rows, total = filing_rows(ctx, p, f)
        return rows, total, {o.location[:4] + "00" for o in party_views.provider_rows(ctx, p)}

    key = ("page.queue", p.role, p.jurisdiction, f, today)
    rows, total, codes = ctx.cache.get_or_compute(key, request.state.version, load)
    place = _place_name(ctx, request_lang(request) == "zh-CN")
    regions = {code: place(code) for code in codes}
    return render(
        request,
        "queue.html",
        filings=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        states=list(FilingState),
        regions=sorted(regions.items()),
        tags=sorted({t.value for c in ctx.book.capabilities for t in c.tags}),
        filters={"state": state, "region": region, "technology": technology, "overdue": overdue},
    )


@router.get("/regulator/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    _require_regulator(p)
    d = queries.dashboard(ctx, p)
    zh = request_lang(request) == "zh-CN"
    svg = {
        "state": charts.bar_chart("按状态" if zh else "By state", sorted(d.by_state.items())),
        "region": charts.bar_chart(
            "按地区" if zh else "By region", sorted(((_place_name(ctx, zh)(k) or k), v) for k, v in d.by_region.items())
        ),
        "technology": charts.bar_chart(
            "按技术类别" if zh else "By technology", sorted(d.by_technology.items(), key=lambda kv: -kv[1])
        ),
        "overdue": charts.line_chart("逾期（按到期月份）" if zh else "Overdue, by month due", d.overdue_by_month),
    }
    return render(request, "dashboard.html", d=d, svg=svg, deadline_text=DEADLINE_TEXT)


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
