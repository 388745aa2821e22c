"""`redline assess`: write a questionnaire, then turn the answers into a sealed report."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from redline.errors import InputError
from redline.i18n import check_language
from redline.reports.canonical import dumps
from redline.reports.document import build_report
from redline.reports.html import render_report_html
from redline.reports.questionnaire import render_questionnaire
from redline.services.assessment.assessing import run_assessment, start_questionnaire

from .common import HolidaysOpt, LangOpt, err, out, rulebook, write_atomically

app = typer.Typer(help="Run an assessment: questionnaire, answers, report.", no_args_is_help=True)


class Format(StrEnum):
    HTML = "html"
    JSON = "json"


OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="File to write.", show_default=False)]


@app.command("init")
def init(
    service: Annotated[Path, typer.Argument(help="Service profile YAML.", show_default=False)],
    output: OutputOpt,
    change: Annotated[
        Path | None, typer.Option("--change", "-c", help="Change YAML that occasions the assessment (optional).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a questionnaire with every checklist question that applies to the service."""
    book = rulebook()
    if output.exists() and not force:
        raise InputError("already exists; pass --force to overwrite", source=str(output))
    started = start_questionnaire(book, service, change)
    text = render_questionnaire(
        book,
        started.service_doc.data,
        started.change_doc.data if started.change_doc else None,
        started.checklists,
        dt.date.today(),
    )
    write_atomically(output, text)
    items = sum(len(c.items) for c in started.checklists)
    out.print(f"wrote {output}: {items} questions from {', '.join(c.id for c in started.checklists)}", markup=False)


@app.command("report")
def report(
    answers: Annotated[Path, typer.Argument(help="Answers YAML (from `assess init`).", show_default=False)],
    output: OutputOpt,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="html or json.")] = Format.HTML,
    lang: LangOpt = "zh-CN",
    draft: Annotated[bool, typer.Option("--draft", help="Allow unanswered items (marked draft).")] = False,
    holidays: HolidaysOpt = None,
) -> None:
    """Make the sealed assessment report (JSON canonical, HTML for people)."""
    check_language(lang)
    book = rulebook(holidays)
    run = run_assessment(book, answers, draft=draft)
    document = build_report(book, run)
    content = dumps(document) if fmt is Format.JSON else render_report_html(document, lang)
    write_atomically(output, content)
    out.print(f"wrote {output} · conclusion {run.conclusion.value} · sha256 {document['seal']['digest']}", markup=False)
    if document["other"]["unverified_citations"]:
        err.print(
            f"note: {document['other']['unverified_citations']} citation(s) rest on statute "
            "text not yet verified against an official source; they are marked in the report.",
            markup=False,
        )
