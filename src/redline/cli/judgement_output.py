"""How `redline check` shows results that depend on, or rest on, a judgement (Rich markup, escaped)."""

from __future__ import annotations

from collections.abc import Callable

from rich.markup import escape

from redline.domain.judgements import QUESTIONS, Judgement, Outcome
from redline.domain.obligations import Evaluation, NotTriggered, Obligation
from redline.domain.text import Text

from .common import out

Pick = Callable[[Text], str]  # the raw message in the output language


def outcome_mark(ob: Obligation, zh: bool) -> str:
    """After an obligation's title: waiting on a judgement, resting on one, or resting on a presumption."""
    if ob.outcome is Outcome.JUDGEMENT:
        return " [yellow]（待判断）[/yellow]" if zh else " [yellow](depends on judgement)[/yellow]"
    if ob.judgements:
        return _rests(ob.judgements, zh)
    if ob.requires_judgement:
        return " [yellow]（需要判断）[/yellow]" if zh else " [yellow](requires judgement)[/yellow]"
    return ""


def skipped_mark(nt: NotTriggered, zh: bool) -> str:
    if nt.judgements:
        return _rests(nt.judgements, zh)
    if nt.requires_judgement:
        return " [yellow]（需要判断）[/yellow]" if zh else " [yellow](requires judgement)[/yellow]"
    return ""


def _rests(judgements: tuple[Judgement, ...], zh: bool) -> str:
    who = "、".join(j.by for j in judgements) if zh else ", ".join(j.by for j in judgements)
    return escape(f" （依据 {who} 的判断）" if zh else f" (rests on a judgement by {who})")


def due_prefix(ob: Obligation, zh: bool) -> str:
    if ob.outcome is not Outcome.JUDGEMENT:
        return ""
    return "如判断为是：" if zh else "if judged yes: "


def print_questions(evaluation: Evaluation, pick: Pick, zh: bool) -> None:
    """Each open question: what it asks, the facts, what follows either way, and how to record an answer."""
    if evaluation.questions:
        out.print("[bold]待判断的问题[/bold]" if zh else "[bold]Questions to decide[/bold]")
    for n, question in enumerate(evaluation.questions, start=1):
        out.print(f"{n}. {escape(pick(question.text))}")
        for fact in question.facts:
            out.print(f"   {'事实' if zh else 'Facts'}: {escape(pick(fact))}")
        none = Text("上述待判断的义务均不需履行", "none of the duties waiting on it")
        yes = "、".join(pick(t) for t in question.if_yes) if zh else "; ".join(pick(t) for t in question.if_yes)
        no = "、".join(pick(t) for t in question.if_no) if zh else "; ".join(pick(t) for t in question.if_no)
        out.print(f"   {'如判断为是' if zh else 'If yes'}: {escape(yes or pick(none))}")
        out.print(f"   {'如判断为否' if zh else 'If no'}: {escape(no or pick(none))}")
        hint = (f"在变更文件中记录判断：judgements: [{{question: {question.id.value}, answer: yes|no, by: 姓名/职务, "
                "date: 日期, reasons: 理由}]" if zh else
                f"record it in the change file: judgements: [{{question: {question.id.value}, answer: yes|no, "
                "by: name/role, date: date, reasons: why}]")
        out.print(f"   [dim]{escape(hint)}[/dim]")
    if evaluation.judgements:
        out.print("[bold]已记录的判断[/bold]" if zh else "[bold]Judgements recorded[/bold]")
        for j in evaluation.judgements:
            out.print(f"  • {escape(pick(QUESTIONS[j.question]))} {escape(pick(j.words()))}")
