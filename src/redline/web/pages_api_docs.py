"""The API reference at /docs: the OpenAPI document rendered on the server, in the reader's language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from redline.web.api_reference import reference
from redline.web.templating import render

router = APIRouter()


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Public, like the document it renders: no login, nothing fetched from elsewhere."""
    base = str(request.base_url).rstrip("/")
    return render(request, "api_docs.html", ref=reference(request.app.openapi()), base=base)
