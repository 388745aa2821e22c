"""`redline rules diff OLD NEW`: what changed between two rulebooks, with the date each change takes effect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from redline.errors import InputError
from redline.i18n import check_language
from redline.rulebook.book import Rulebook
from redline.rulebook.diff import RulebookDiff, diff
from redline.rulebook.loader import load_rulebook
from redline.words import gettext_for
from redline.words.rule_changes import change_words, effective_words

from .common import JsonOpt, LangOpt, out, rulebook

INSTALLED = "installed"  # the rulebook this redline ships
RECORDED = "recorded:"  # a rulebook the installation's filings were made under, by label or digest
RulebookArg = Annotated[
    str,
    typer.Argument(
        help=f"A directory holding rulebook data (regulations/, triggers.yaml, …), '{INSTALLED}', or "
        f"'{RECORDED}LABEL' for a rulebook the installation's database kept (`redline rules versions`)."
    ),
]


def load_side(where: str) -> Rulebook:
    """The rulebook named on the command line: the shipped one, one the installation kept, or a directory."""
    if where == INSTALLED:
        return rulebook()
    if where.startswith(RECORDED):
        from redline.services.rulebook_impact.recorded import recorded_rulebook

        from .installation import platform_context

        return recorded_rulebook(platform_context(), where.removeprefix(RECORDED))
    path = Path(where)
    if not path.is_dir():
        raise InputError(f"not a rulebook directory, '{INSTALLED}' or '{RECORDED}LABEL'", source=where)
    return load_rulebook(path)


def diff_json(result: RulebookDiff, books: tuple[Rulebook, ...], lang: str) -> dict[str, Any]:
    def side(version: str, label: str, dated: object) -> dict[str, Any]:
        return {"version": version, "label": label, "date": str(dated) if dated else None}

    changes = [
        {
            "kind": c.kind.value,
            "subject": c.subject,
            "effective": c.effective.isoformat() if c.effective else None,
            "before": c.before,
            "after": c.after,
            "fields": list(c.fields),
            "text": change_words(c, books, lang),
        }
        for c in result.changes
    ]
    return {
        "old": side(result.old_version, result.old_label, result.old_dated),
        "new": side(result.new_version, result.new_label, result.new_dated),
        "changes": changes,
    }


def print_diff(result: RulebookDiff, books: tuple[Rulebook, ...], lang: str) -> None:
    _ = gettext_for(lang)
    old, new = books[1], books[0]
    title = _("Rulebook {old} → {new}").replace("{old}", old.release()).replace("{new}", new.release())
    if not result.changes:
        out.print(escape(title))
        out.print(escape(_("No differences.")))
        return
    table = Table(title=title)
    table.add_column(_("Effective"), no_wrap=True)
    table.add_column(_("What changed"), overflow="fold")
    for change in result.changes:
        table.add_row(effective_words(change, lang), escape(change_words(change, books, lang)))
    out.print(table, soft_wrap=False)
    out.print(escape(_("{count} change(s).").replace("{count}", str(len(result.changes)))))


def diff_command(old: RulebookArg, new: RulebookArg, as_json: JsonOpt = False, lang: LangOpt = "zh-CN") -> None:
    """List what changed from OLD to NEW: regulations and articles added, renumbered or repealed, quoted
    texts, triggers (conditions, deadlines, recipients) and checklist items, each with its effective date."""
    check_language(lang)
    old_book, new_book = load_side(old), load_side(new)
    result = diff(old_book, new_book)
    books = (new_book, old_book)
    if as_json:
        out.print_json(json.dumps(diff_json(result, books, lang), ensure_ascii=False))
    else:
        print_diff(result, books, lang)


def versions_command(as_json: JsonOpt = False, lang: LangOpt = "zh-CN") -> None:
    """List the rulebooks this installation's filings were made under (from its database)."""
    from redline.services.rulebook_impact.recorded import recorded_rulebooks

    from .installation import platform_context

    check_language(lang)
    rows = recorded_rulebooks(platform_context())
    if as_json:
        out.print_json(json.dumps([r.model_dump(mode="json") for r in rows]))
        return
    _ = gettext_for(lang)
    table = Table(title=_("Rulebooks kept by this installation"))
    for column in (_("Release"), _("Date"), _("Digest"), ""):
        table.add_column(column)
    for r in rows:
        table.add_row(escape(r.label), str(r.dated or ""), r.digest, _("in use") if r.current else "")
    out.print(table, soft_wrap=False)
