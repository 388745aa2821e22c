"""The regulators' queue: search, filters, sort, assignees, saved views, and the same table as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from redline.domain.workflow import FilingState
from redline.errors import PermissionDeniedError
from redline.rulebook.schema import CapabilityTag
from redline.services.context import Context
from redline.services.filing import assignments, dashboards, queue_filter, saved_views
from redline.services.filing.queue_filter import FilingFilter, QueueSort
from redline.services.filing.views import queue_rows
from redline.services.principal import Principal
from redline.web import forms
from redline.web.deps import Csrf, CtxDep, IdPath, PageUser
from redline.web.queue_export import csv_bytes, xlsx_bytes
from redline.web.queue_table import SORT_NAMES, Table, place_name, table
from redline.web.templating import render, render_cached, request_lang
from redline.words import gettext_for
from redline.words.labels import TECHNOLOGIES, label

router = APIRouter()
T = TypeVar("T")
PAGE = 50
EXPORT_LIMIT = 10_000  # rows in one CSV or XLSX file
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]  # larger offsets overflow the database's integers
# The columns whose heading sorts the queue by them.
SORTABLE = {
    "age": QueueSort.AGE,
    "time_left": QueueSort.TIME_LEFT,
    "due": QueueSort.DUE,
    "state": QueueSort.STATE,
    "provider": QueueSort.PROVIDER,
}


def _require_regulator(p: Principal) -> None:
    if not p.is_regulator:
        raise PermissionDeniedError("this page is for CAC and public-security officers")


def _cached(request: Request, ctx: Context, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` from the read cache, stamped with the data version (every write moves it)."""
    value: T = ctx.cache.get_or_compute(key, request.state.version, compute)
    return value


@router.get("/regulator", response_class=HTMLResponse)
def queue(request: Request, ctx: CtxDep, p: PageUser, page: PageNumber = 1) -> HTMLResponse:
    _require_regulator(p)
    f = queue_filter.parse(request.query_params, limit=PAGE, offset=(page - 1) * PAGE)
    done = request.query_params.get("done", "")
    if done:  # a saved assignment or view says so once: not kept
        return render(request, "queue.html", **_queue_context(request, ctx, p, f, page))
    key = ("queue", p, f, page, ctx.today())
    return render_cached(request, key, "queue.html", lambda: _queue_context(request, ctx, p, f, page))


def _queue_context(request: Request, ctx: Context, p: Principal, f: FilingFilter, page: int) -> dict[str, Any]:
    lang = request_lang(request)
    # The rows in words depend on who asks (their office's districts, "me") and on the day (time left).
    key = ("page.queue", p.role, p.jurisdiction, p.user_id, f, ctx.today())
    rows, total = _cached(request, ctx, key, lambda: queue_rows(ctx, p, f))
    shown = _cached(request, ctx, (*key, lang), lambda: table(ctx, p, rows, lang))
    params = queue_filter.params_of(f)
    place = place_name(ctx, lang)
    return dict(
        table=shown,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        export_limit=EXPORT_LIMIT,
        f=f,
        params=params,
        query=urlencode(params),
        sort_links={col: _sort_link(params, f, key) for col, key in SORTABLE.items()},
        jurisdiction=place(p.jurisdiction or ""),
        states=list(FilingState),
        regions=[(code, place(code)) for code in dashboards.districts(ctx, p)],
        tags=[(t.value, label(TECHNOLOGIES, t.value, lang)) for t in CapabilityTag],
        officers=_cached(request, ctx, ("officers", p.role, p.jurisdiction), lambda: assignments.officers(ctx, p)),
        views=_cached(request, ctx, ("saved-views", p.user_id), lambda: saved_views.list_views(ctx, p)),
        sorts=list(QueueSort),
        sort_names=SORT_NAMES,
    )


def _sort_link(params: dict[str, str], f: FilingFilter, key: QueueSort) -> str:
    """The queue sorted by `key`: ascending first, descending when it already is ascending by `key`."""
    descending = f.sort is key and not f.descending
    return urlencode(params | {"sort": key.value, "order": "desc" if descending else "asc"})


def _export_table(request: Request, ctx: Context, p: Principal) -> tuple[Table, str]:
    """Every row the queue's filter matches (up to EXPORT_LIMIT), read afresh: thousands of rows are not kept
    in the read cache."""
    _require_regulator(p)
    f = queue_filter.without_paging(queue_filter.parse(request.query_params), EXPORT_LIMIT)
    rows, _ = queue_rows(ctx, p, f)
    return table(ctx, p, rows, request_lang(request)), f"queue-{ctx.today().isoformat()}"


@router.get("/regulator/export.csv")
def export_csv(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    shown, name = _export_table(request, ctx, p)
    return Response(
        csv_bytes(shown),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/regulator/export.xlsx")
def export_xlsx(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    shown, name = _export_table(request, ctx, p)
    sheet = gettext_for(request_lang(request))("Queue")
    return Response(
        xlsx_bytes(shown, sheet),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _form_filter(form: FormData) -> FilingFilter:
    """The queue's filter and sort carried in a form's hidden fields, checked as the queue's own parameters."""
    return queue_filter.parse({k: v for k, v in form.items() if isinstance(v, str)})


def _back(f: FilingFilter, done: str) -> RedirectResponse:
    """Back to the queue as it was (a URL built from the checked filter, never one the form names)."""
    return RedirectResponse("/regulator?" + urlencode(queue_filter.params_of(f) | {"done": done}), status_code=303)


@router.post("/regulator/assign", dependencies=[Csrf])
async def assign(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    """Bulk assignment: the ticked filings to the chosen officer of the caller's office ("" for nobody)."""
    form = await request.form()
    f = _form_filter(form)
    assignments.assign(ctx, p, forms.row_ids(form, "filing_id"), forms.row_id(form, "officer"))
    return _back(f, "assign")


@router.post("/regulator/views", dependencies=[Csrf])
async def save_view(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    f = _form_filter(form)
    saved_views.save(ctx, p, forms.text(form, "name", max_length=saved_views.MAX_NAME), f)
    return _back(f, "view")


@router.post("/regulator/views/{view_id}/delete", dependencies=[Csrf])
async def delete_view(request: Request, ctx: CtxDep, p: PageUser, view_id: IdPath) -> Response:
    saved_views.delete(ctx, p, view_id)
    return RedirectResponse("/regulator", status_code=303)
