"""The inbox page: a user's items newest first (unread or all, of one kind), marking them read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.domain.inbox import InboxKind
from redline.services.inbox import reading
from redline.web.deps import Csrf, CtxDep, IdPath, PageUser
from redline.web.templating import render

router = APIRouter()


def _back(request: Request) -> str:
    """Back to the inbox as it was filtered (only the two known parameters are carried)."""
    show = request.query_params.get("show", "")
    kind = request.query_params.get("kind", "")
    query = "&".join(
        part
        for part in (
            "show=unread" if show == "unread" else "",
            f"kind={kind}" if kind in {k.value for k in InboxKind} else "",
        )
        if part
    )
    return "/inbox" + (f"?{query}" if query else "")


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, ctx: CtxDep, p: PageUser, show: str = "all", kind: str = "") -> HTMLResponse:
    page = reading.list_items(ctx, p, unread_only=show == "unread", kind=kind or None)
    return render(
        request,
        "inbox.html",
        page=page,
        show="unread" if show == "unread" else "all",
        kind=kind,
        kinds=[k.value for k in InboxKind],
        back_query=_back(request).partition("?")[2],
    )


@router.post("/inbox/read-all", dependencies=[Csrf])
def mark_all_read(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    reading.mark_all_read(ctx, p)
    return RedirectResponse(_back(request), status_code=303)


@router.post("/inbox/{item_id}/read", dependencies=[Csrf])
def mark_read(request: Request, ctx: CtxDep, p: PageUser, item_id: IdPath) -> Response:
    reading.mark_read(ctx, p, item_id)
    return RedirectResponse(_back(request), status_code=303)
