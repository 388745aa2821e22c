"""`redline worker` (runs background jobs from the PostgreSQL queue) and `redline jobs`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from redline.errors import InputError
from redline.i18n import check_language
from redline.words import gettext_for
from redline.words.labels import JOB_FIELDS, JOB_KINDS, JOB_STATES, PROBES, label

from .common import JsonOpt, LangOpt, out, plain
from .installation import platform_context

if TYPE_CHECKING:
    from redline.services.background.job_views import JobState

jobs_app = typer.Typer(help="Background jobs: list, show, cancel.", no_args_is_help=True)


def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Jobs run at the same time.")] = 1,
    once: Annotated[bool, typer.Option("--once", help="Run what is queued, then exit.")] = False,
) -> None:
    """Run background jobs from the PostgreSQL queue until interrupted (Ctrl-C finishes the job at hand).

    On SQLite there is no queue: jobs run inside `redline serve`, and this command exits 2."""
    from redline.services.background import jobs, jobs_queue

    ctx = platform_context()
    if jobs.backend(ctx) != "procrastinate":
        raise InputError(
            "jobs run inside `redline serve` with this database (SQLite, or "
            "REDLINE_JOB_BACKEND=inline); a worker is only needed with PostgreSQL",
            field="REDLINE_JOB_BACKEND",
        )
    out.print(
        f"redline worker: queue '{jobs_queue.QUEUE}', concurrency {concurrency}"
        + (", until the queue is empty" if once else ", until interrupted"),
        markup=False,
    )
    jobs_queue.run_worker(ctx, wait=not once, concurrency=concurrency)


def _row(job: JobState) -> dict[str, object]:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": f"{job.progress_done}/{job.progress_total}",
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "error": job.error,
        "result": job.result,
        "args": job.args,
    }


@jobs_app.command("list")
def jobs_list(
    state: Annotated[str | None, typer.Option(help="Only jobs in this state.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 50,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """List background jobs, newest first."""
    from redline.services.background.job_views import job_states

    check_language(lang)
    rows = [_row(j) for j in job_states(platform_context(), state, limit)]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    _ = gettext_for(lang)
    table = Table()
    for col in ("#", _("Job kind"), _("State"), _("Progress"), _("Created"), _("Error")):
        table.add_column(col)
    for r in rows:
        kind, job_state = label(JOB_KINDS, r["kind"], lang), label(JOB_STATES, r["state"], lang)
        table.add_row(*plain(r["id"], kind, job_state, r["progress"], r["created_at"], r["error"] or ""))
    out.print(table)


@jobs_app.command("show")
def jobs_show(
    job_id: Annotated[int, typer.Argument(help="Job id.")], as_json: JsonOpt = False, lang: LangOpt = "zh-CN"
) -> None:
    """Show one job with its arguments, result and error."""
    from redline.services.background.job_views import job_state

    check_language(lang)
    job = job_state(platform_context(), job_id)
    if as_json:
        out.print_json(json.dumps(_row(job), ensure_ascii=False, default=str))
        return
    _ = gettext_for(lang)
    table = Table(title=f"{_('Background job')} #{job.id}", show_header=False)
    table.add_column(_("Field"))
    table.add_column(_("Value"), overflow="fold")
    progress = f"{job.progress_done}/{job.progress_total}" if job.progress_total else "—"
    for name, value in (
        (_("Job kind"), label(JOB_KINDS, job.kind, lang)),
        (_("State"), label(JOB_STATES, job.state, lang)),
        (_("Progress"), progress),
        (_("Submitted"), job.created_at.isoformat(timespec="seconds")),
        (_("Started"), job.started_at.isoformat(timespec="seconds") if job.started_at else "—"),
        (_("Finished"), job.finished_at.isoformat(timespec="seconds") if job.finished_at else "—"),
        (_("Attempts"), job.attempts),
        (_("Error"), job.error or "—"),
    ):
        table.add_row(*plain(name, value))
    for heading, values in ((_("Asked"), job.args), (_("Result"), job.result)):
        for key, value in values.items():
            table.add_row(*plain(f"{heading} · {label(JOB_FIELDS, key, lang)}", _shown(key, value, lang)))
    out.print(table, soft_wrap=False)


def _shown(key: str, value: object, lang: str) -> str:
    """A job argument or result value as a person reads it: a probe by its name, a list by its length."""
    if key == "probe":
        return label(PROBES, value, lang)
    if key == "lang" and isinstance(value, str):
        return {"zh-CN": "简体中文", "en": "English"}.get(value, value)
    if isinstance(value, (list, dict)):
        return str(len(value))
    if key == "size" and isinstance(value, int):
        return f"{value:,}"  # 564,821: a size, not a six-digit code
    return str(value)


@jobs_app.command("cancel")
def jobs_cancel(job_id: Annotated[int, typer.Argument(help="Job id.")], lang: LangOpt = "zh-CN") -> None:
    """Cancel a queued job, or ask a running one to stop."""
    from redline.services.background import job_views, jobs

    check_language(lang)
    _ = gettext_for(lang)
    ctx = platform_context()
    jobs.request_cancel(ctx, job_id, actor="cli")
    state = label(JOB_STATES, job_views.job_state(ctx, job_id).state, lang)
    out.print(f"{_('Background job')} #{job_id}: {state}", markup=False)
