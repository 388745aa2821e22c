"""`redline check`: does a change make an assessment, filing or label due?"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.domain.obligations import CitedQuote, Due, Evaluation, Text
from redline.i18n import check_language
from redline.reports.canonical import jsonable
from redline.services.checking import check_change

from .common import HolidaysOpt, JsonOpt, LangOpt, out, rulebook


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
        text += "（暂定）" if zh else " (provisional)"
    text = escape(text)
    if due.overdue:
        text += " [red]已逾期[/red]" if zh else " [red]overdue[/red]"
    note = due.note.zh if zh else due.note.en
    return f"{text}\n[dim]{escape(note)}[/dim]" if note else text


def print_evaluation(evaluation: Evaluation, lang: str) -> None:
    zh = lang == "zh-CN"

    def pick(text: Text) -> str:
        """The message in the output language, escaped: rulebook and user text is never markup."""
        return escape(text.zh if zh else text.en)

    out.print(f"[bold]{escape(evaluation.service.name)}[/bold] · {evaluation.change.kind.value} · "
              f"{evaluation.change.date}")
    out.print(pick(evaluation.summary))
    if evaluation.obligations:
        table = Table(show_lines=True)
        for col in (("#", "义务", "期限", "报送对象") if zh else ("#", "Obligation", "Due", "Recipients")):
            table.add_column(col, overflow="fold")
        for n, ob in enumerate(evaluation.obligations, start=1):
            table.add_row(str(n), f"{pick(ob.title)}\n[dim]{escape(ob.trigger_id)}[/dim]",
                          _due_text(ob.due, zh), "\n".join(pick(a.name) for a in ob.recipients))
        out.print(table, soft_wrap=False)
        out.print("[bold]依据[/bold]" if zh else "[bold]Basis[/bold]")
        for n, ob in enumerate(evaluation.obligations, start=1):
            out.print(f"{n}. {pick(ob.explanation)}")
            for q in (*ob.quotes, *ob.due_quotes, *ob.submit_quotes):
                out.print(f"   {_quote_line(q, zh)}")
    if evaluation.not_triggered:
        out.print("[bold]未触发[/bold]" if zh else "[bold]Not triggered[/bold]")
        for nt in evaluation.not_triggered:
            out.print(f"  • {pick(nt.title)} [dim]({escape(nt.trigger_id)})[/dim]: {pick(nt.reason)}")


def check(
    service: Annotated[Path, typer.Argument(help="Service profile YAML.", show_default=False)],
    change: Annotated[Path, typer.Option("--change", "-c", help="Change YAML: the event to evaluate.",
                                         show_default=False)],
    as_of: Annotated[dt.datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="Judge overdue as of this date (default today).")] = None,
    holidays: HolidaysOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """Say which assessments, filings and labels a change makes due, when, and for whom."""
    check_language(lang)
    book = rulebook(holidays)
    evaluation = check_change(book, service, change, as_of.date() if as_of else None)
    if as_json:
        out.print_json(json.dumps(jsonable(evaluation), ensure_ascii=False))
    else:
        print_evaluation(evaluation, lang)
