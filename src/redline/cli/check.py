"""`redline check`: does a change make an assessment, filing or label due?"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.domain.obligations import CitedQuote, Due, Evaluation, Text
from redline.errors import InputError
from redline.i18n import check_language
from redline.reports.canonical import jsonable
from redline.services.assessment.checking import check_changes

from .common import HolidaysOpt, JsonOpt, LangOpt, OverrideHolidaysOpt, out, rulebook
from .judgement_output import due_prefix, outcome_mark, print_questions, skipped_mark


def _quote_line(q: CitedQuote, zh: bool) -> str:
    """One cited quote, as Rich markup: every piece of text escaped, the unverified mark kept."""
    mark = "" if q.status.value == "verified" else (" [未核实]" if zh else " [unverified]")
    if zh:
        return escape(f"《{q.regulation_title_zh}》{q.label_zh}：“{q.text}”{mark}")
    return escape(f"{q.regulation_title_en}, {q.label_en}: “{q.text}”{mark}")


def _due_text(due: Due, zh: bool) -> str:
    if due.date is None:
        text = "条文未规定时限" if zh else "no date in the text"
    elif due.rule.value == "before_event":
        text = f"{due.date} 之前" if zh else f"before {due.date}"
    elif due.rule.value == "ongoing":
        text = f"自 {due.date} 起持续" if zh else f"from {due.date}, ongoing"
    else:
        text = f"{due.date} 前（含）" if zh else f"by {due.date}"
    if due.provisional:
        text += provisional_range(due, zh)
    text = escape(text)
    if due.overdue:
        text += " [red]已逾期[/red]" if zh else " [red]overdue[/red]"
    note = due.note.zh if zh else due.note.en
    return f"{text}\n[dim]{escape(note)}[/dim]" if note else text


def provisional_range(due: Due, zh: bool) -> str:
    if due.earliest is None or due.latest is None or due.earliest == due.latest:
        return "（暂定）" if zh else " (provisional)"
    return (f"（暂定，可能在 {due.earliest} 至 {due.latest} 之间）" if zh
            else f" (provisional: between {due.earliest} and {due.latest})")


def _judgement(flag: bool, zh: bool) -> str:
    if not flag:
        return ""
    return " [yellow]（需要判断）[/yellow]" if zh else " [yellow](requires judgement)[/yellow]"


def _print_head(evaluation: Evaluation, pick: Callable[[Text], str], zh: bool) -> None:
    out.print(f"[bold]{escape(evaluation.service.name)}[/bold] · {evaluation.change.date}")
    for fact in evaluation.facts:
        out.print(f"  • {escape(pick(fact))}")
    found = evaluation.applicability
    if found is not None:
        answer = ("是" if found.public_opinion else "否") if zh else ("yes" if found.public_opinion else "no")
        if found.requires_judgement:
            answer = "待判断" if zh else "depends on judgement"
        label = "具有舆论属性或社会动员能力（第二条）" if zh else "Public-opinion attributes (Art. 2)"
        out.print(f"{label}：{answer}{_judgement(found.requires_judgement, zh)}" if zh else
                  f"{label}: {answer}{_judgement(found.requires_judgement, zh)}")
        out.print(f"[dim]{escape(pick(found.explanation))}[/dim]")
    out.print(escape(pick(evaluation.summary)))
    for note in evaluation.notes:
        out.print(("[yellow]注意：[/yellow]" if zh else "[yellow]Note:[/yellow] ") + escape(pick(note)))


def print_evaluation(evaluation: Evaluation, lang: str) -> None:
    zh = lang == "zh-CN"

    def pick(text: Text) -> str:
        """The message in the output language, raw: each call site escapes it once for Rich."""
        return text.zh if zh else text.en

    _print_head(evaluation, pick, zh)
    if evaluation.obligations:
        table = Table(show_lines=True)
        for col in (("#", "义务", "期限", "报送对象") if zh else ("#", "Obligation", "Due", "Recipients")):
            table.add_column(col, overflow="fold")
        for n, ob in enumerate(evaluation.obligations, start=1):
            table.add_row(str(n), f"{escape(pick(ob.title))}{outcome_mark(ob, zh)}\n"
                          f"[dim]{escape(ob.trigger_id)}[/dim]",
                          due_prefix(ob, zh) + _due_text(ob.due, zh),
                          "\n".join(escape(pick(a.name)) for a in ob.recipients))
        out.print(table, soft_wrap=False)
        out.print("[bold]依据[/bold]" if zh else "[bold]Basis[/bold]")
        for n, ob in enumerate(evaluation.obligations, start=1):
            out.print(f"{n}. {escape(pick(ob.explanation))}")
            out.print(f"   {'约束对象' if zh else 'Binds'}: {escape(pick(ob.binds))}")
            for presumption in ob.presumptions:
                out.print(f"   {'推定' if zh else 'Presumed'}: {escape(pick(presumption))}")
            for judgement in ob.judgements:
                out.print(f"   {'判断' if zh else 'Judgement'}: {escape(pick(judgement.words()))}")
            for q in (*ob.quotes, *ob.due_quotes, *ob.submit_quotes):
                out.print(f"   {_quote_line(q, zh)}")
            for pending in ob.not_yet_in_force:
                out.print(f"   {escape(pick(pending.note))}")
    if evaluation.not_triggered:
        out.print("[bold]未触发[/bold]" if zh else "[bold]Not triggered[/bold]")
        for nt in evaluation.not_triggered:
            out.print(f"  • {escape(pick(nt.title))} [dim]({escape(nt.trigger_id)})[/dim]"
                      f"{skipped_mark(nt, zh)}: {escape(pick(nt.reason))}")
    print_questions(evaluation, pick, zh)


def check(
    service: Annotated[Path, typer.Argument(help="Service profile YAML.", show_default=False)],
    change: Annotated[list[Path] | None, typer.Option(
        "--change", "-c", help="Change YAML: one change, or 'changes:' with several. Repeat the option for "
        "several files; every change is evaluated, in order.", show_default=False)] = None,
    as_of: Annotated[dt.datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="Judge overdue as of this date (default today).")] = None,
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
