"""A filing's assessment report as PDF, rendered in the background into the blob store.

Rendering a long report takes seconds; as a job the page returns at once and the job page offers
the file when it is ready. The job acts with the rights of the user who asked for it. A cancel
is honoured before rendering and again before storing, so a cancelled job leaves no file behind.
"""

from __future__ import annotations

import io
from typing import Any

from redline.errors import NotFoundError
from redline.i18n import check_language
from redline.services.background import jobs
from redline.services.background.jobs import JobCancelledError, JobHandle
from redline.services.context import Context
from redline.services.filing import queries
from redline.services.principal import Principal
from redline.store.models import User


def request_report_pdf(ctx: Context, p: Principal, filing_id: int, lang: str) -> int:
    """Queue the PDF of a filing's submitted report; refuses at once what the job would refuse."""
    check_language(lang)
    queries.submitted_report(ctx, p, filing_id)
    return jobs.submit(
        ctx, "pdf_report", {"filing_id": filing_id, "lang": lang, "user_id": p.user_id}, created_by=p.user_id
    )


def _principal(ctx: Context, user_id: int) -> Principal:
    with ctx.reader() as uow:
        user = uow.session.get(User, user_id)
        if user is None or not user.is_active:
            raise NotFoundError(f"no active user {user_id}")
        return Principal.of(user)


def run_job(ctx: Context, handle: JobHandle) -> dict[str, Any]:
    from redline.reports.pdf import report_pdf

    filing_id, lang = int(handle.args["filing_id"]), str(handle.args.get("lang", "zh-CN"))
    p = _principal(ctx, int(handle.args["user_id"]))
    handle.progress(0, 2)
    report = queries.submitted_report(ctx, p, filing_id)
    if handle.cancelled(fresh=True):
        raise JobCancelledError("cancelled before rendering")
    data = report_pdf(report, check_language(lang))
    handle.progress(1, 2)
    if handle.cancelled(fresh=True):
        raise JobCancelledError("cancelled while rendering; nothing was stored")
    filename = f"report-{filing_id}.pdf"
    stored = ctx.blobs.put(io.BytesIO(data), filename)
    handle.progress(2, 2)
    return {
        "sha256": stored.sha256,
        "filename": filename,
        "size": stored.size,
        "media_type": stored.media_type,
        "filing_id": filing_id,
    }
