"""`redline check`: does a change make an assessment, filing or label due?"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.domain.obligations import Due, Evaluation
from redline.errors import InputError
from redline.i18n import check_language
from redline.reports.canonical import jsonable
from redline.services.assessment.checking import check_changes
from redline.words import gettext_for, pick
from redline.words.citations import quote_words
from redline.words.deadlines import due_of, overdue_words

from .common import HolidaysOpt, JsonOpt, LangOpt, OverrideHolidaysOpt, out, rulebook
from .judgement_output import due_prefix, outcome_mark, print_questions, skipped_mark


def _due_text(due: Due, lang: str) -> str:
    text = escape(due_of(due, lang))
    if due.overdue:
        text += f" [red]{escape(overdue_words(lang))}[/red]"
    note = pick(due.note, lang)
    return f"{text}\n[dim]{escape(note)}[/dim]" if note else text


def _judgement(flag: bool, lang: str) -> str:
    _ = gettext_for(lang)
    return " [yellow]" + escape(_("(requires judgement)")) + "[/yellow]" if flag else ""


def _print_head(evaluation: Evaluation, lang: str) -> None:
    _ = gettext_for(lang)
    out.print(f"[bold]{escape(evaluation.service.name)}[/bold] · {evaluation.change.date}")
    for fact in evaluation.facts:
        out.print(f"  • {escape(pick(fact, lang))}")
    found = evaluation.applicability
    if found is not None:
        answer = _("yes") if found.public_opinion else _("no")
        if found.requires_judgement:
            answer = _("depends on judgement")
        out.print(
            escape(_("Public-opinion attributes (Art. 2): {answer}").format(answer=answer))
            + _judgement(found.requires_judgement, lang)
        )
        out.print(f"[dim]{escape(pick(found.explanation, lang))}[/dim]")
    out.print(escape(pick(evaluation.summary, lang)))
    for note in evaluation.notes:
        out.print("[yellow]" + escape(_("Note:")) + "[/yellow] " + escape(pick(note, lang)))


def _print_basis(evaluation: Evaluation, lang: str) -> None:
    _ = gettext_for(lang)
    out.print("[bold]" + escape(_("Basis")) + "[/bold]")
    for n, ob in enumerate(evaluation.obligations, start=1):
        out.print(f"{n}. {escape(pick(ob.explanation, lang))}")
        out.print("   " + escape(_("Binds")) + f": {escape(pick(ob.binds, lang))}")
        for presumption in ob.presumptions:
            out.print("   " + escape(_("Presumed")) + f": {escape(pick(presumption, lang))}")
        for judgement in ob.judgements:
            out.print("   " + escape(_("Judgement")) + f": {escape(pick(judgement.words(), lang))}")
        for q in (*ob.quotes, *ob.due_quotes, *ob.submit_quotes):
            out.print(f"   {escape(quote_words(q, lang))}")
        for pending in ob.not_yet_in_force:
            out.print(f"   {escape(pick(pending.note, lang))}")


def print_evaluation(evaluation: Evaluation, lang: str) -> None:
    _ = gettext_for(lang)
    _print_head(evaluation, lang)
    if evaluation.obligations:
        table = Table(show_lines=True)
        for col in ("#", _("Obligation"), _("Due"), _("Recipients")):
            table.add_column(col, overflow="fold")
        for n, ob in enumerate(evaluation.obligations, start=1):
            table.add_row(
                str(n),
                f"{escape(pick(ob.title, lang))}{outcome_mark(ob, lang)}\n[dim]{escape(ob.trigger_id)}[/dim]",
                due_prefix(ob, lang) + _due_text(ob.due, lang),
                "\n".join(escape(pick(a.name, lang)) for a in ob.recipients),
            )
        out.print(table, soft_wrap=False)
        _print_basis(evaluation, lang)
    if evaluation.not_triggered:
        out.print("[bold]" + escape(_("Not triggered")) + "[/bold]")
        for nt in evaluation.not_triggered:
            out.print(
                f"  • {escape(pick(nt.title, lang))} [dim]({escape(nt.trigger_id)})[/dim]"
                f"{skipped_mark(nt, lang)}: {escape(pick(nt.reason, lang))}"
            )
    print_questions(evaluation, lang)


def check(
    service: Annotated[Path, typer.Argument(help="Service profile YAML.", show_default=False)],
    change: Annotated[
        list[Path] | None,
        typer.Option(
            "--change",
            "-c",
            help="Change YAML: one change, or 'changes:' with several. Repeat the option for "
            "several files; every change is evaluated, in order.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Judge overdue as of this date (default today)."),
    ] = None,
    holidays: HolidaysOpt = None,
    override_holidays: OverrideHolidaysOpt = False,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """Say which assessments, filings and labels changes make due, when, and for whom."""
    check_language(lang)
    if not change:
        raise InputError("give at least one change file with --change", field="--change")
    book = rulebook(holidays, override_holidays)
    evaluations = check_changes(book, service, change, as_of.date() if as_of else None)
    if as_json:
        shown = jsonable(evaluations[0]) if len(evaluations) == 1 else [jsonable(e) for e in evaluations]
        out.print_json(json.dumps(shown, ensure_ascii=False))
        return
    for n, evaluation in enumerate(evaluations):
        if n:
            out.rule()
        print_evaluation(evaluation, lang)
