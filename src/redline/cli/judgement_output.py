"""How `redline check` shows results that depend on, or rest on, a judgement (Rich markup, escaped)."""

from __future__ import annotations

from rich.markup import escape

from redline.domain.judgements import QUESTIONS, Judgement, Outcome
from redline.domain.obligations import Evaluation, NotTriggered, Obligation
from redline.words import gettext_for, pick

from .common import out


def _marked(words: str) -> str:
    return f" [yellow]{escape(words)}[/yellow]"


def outcome_mark(ob: Obligation, lang: str) -> str:
    """After an obligation's title: waiting on a judgement, resting on one, or resting on a presumption."""
    _ = gettext_for(lang)
    if ob.outcome is Outcome.JUDGEMENT:
        return _marked(_("(depends on judgement)"))
    if ob.judgements:
        return _rests(ob.judgements, lang)
    if ob.requires_judgement:
        return _marked(_("(requires judgement)"))
    return ""


def skipped_mark(nt: NotTriggered, lang: str) -> str:
    if nt.judgements:
        return _rests(nt.judgements, lang)
    if nt.requires_judgement:
        _ = gettext_for(lang)
        return _marked(_("(requires judgement)"))
    return ""


def _rests(judgements: tuple[Judgement, ...], lang: str) -> str:
    _ = gettext_for(lang)
    who = _(", ").join(j.by for j in judgements)
    return escape(_(" (rests on a judgement by {who})").format(who=who))


def due_prefix(ob: Obligation, lang: str) -> str:
    if ob.outcome is not Outcome.JUDGEMENT:
        return ""
    _ = gettext_for(lang)
    return _("if judged yes: ")


def print_questions(evaluation: Evaluation, lang: str) -> None:
    """Each open question: what it asks, the facts, what follows either way, and how to record an answer."""
    _ = gettext_for(lang)
    if evaluation.questions:
        out.print("[bold]" + escape(_("Questions to decide")) + "[/bold]")
    none = _("none of the duties waiting on it")
    for n, question in enumerate(evaluation.questions, start=1):
        out.print(f"{n}. {escape(pick(question.text, lang))}")
        for fact in question.facts:
            out.print("   " + escape(_("Facts")) + f": {escape(pick(fact, lang))}")
        yes = _("; ").join(pick(t, lang) for t in question.if_yes)
        no = _("; ").join(pick(t, lang) for t in question.if_no)
        out.print("   " + escape(_("If yes")) + f": {escape(yes or none)}")
        out.print("   " + escape(_("If no")) + f": {escape(no or none)}")
        hint = _(
            "record it in the change file: judgements: [{{question: {question}, answer: yes|no, "
            "by: name/role, date: date, reasons: why}}]"
        ).format(question=question.id.value)
        out.print(f"   [dim]{escape(hint)}[/dim]")
    if evaluation.judgements:
        out.print("[bold]" + escape(_("Judgements recorded")) + "[/bold]")
        for j in evaluation.judgements:
            out.print(f"  • {escape(pick(QUESTIONS[j.question], lang))} {escape(pick(j.words(), lang))}")
