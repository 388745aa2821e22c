"""`redline rules impact`: after an upgrade, the services and filings whose obligations or checklists the
change of rulebook touches, why, item by item, and what follows; against the installation's database."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.i18n import check_language
from redline.services.rulebook_impact.impact import impact
from redline.services.rulebook_impact.views import ImpactOut
from redline.words import gettext_for, pick
from redline.words.labels import STATES, label
from redline.words.rule_changes import FOLLOWS

from .common import JsonOpt, LangOpt, acting_as, out
from .rules_diff import load_side

AsOpt = Annotated[str, typer.Option("--as", help="Account whose access applies (a regulator, or a provider).")]
OldOpt = Annotated[
    str | None,
    typer.Option("--old", help="The rulebook (a directory) filings made before versions were recorded rest on."),
]
NewOpt = Annotated[
    Path | None,
    typer.Option("--new", help="Compare with this rulebook directory instead of the installed one (before upgrading)."),
]


def _print(result: ImpactOut, lang: str) -> None:
    _ = gettext_for(lang)
    out.print(escape(_("Rulebook in use: {release}").replace("{release}", result.current)))
    if not result.services:
        out.print(escape(_("No filing is touched by a rule change.")))
    for service in result.services:
        table = Table(title=f"{service.provider_name} · {service.service_name} · {_(FOLLOWS[service.follows])}")
        table.add_column(_("Filing"), no_wrap=True)
        table.add_column(_("What changed"), overflow="fold")
        table.add_column(_("What follows"), overflow="fold")
        for filing in service.filings:
            head = f"#{filing.filing_id} {label(STATES, filing.state, lang)}\n{filing.rulebook}"
            for n, reason in enumerate(filing.reasons):
                day = f" ({reason.effective})" if reason.effective else ""
                text = pick({"zh": reason.text_zh, "en": reason.text_en}, lang) + day
                table.add_row(escape(head if n == 0 else ""), escape(text), escape(_(FOLLOWS[reason.follows])))
        out.print(table, soft_wrap=False)
    counts = _("{examined} filing(s) made under another rulebook examined; {unknown} made under a rulebook not kept.")
    out.print(escape(counts.replace("{examined}", str(result.examined)).replace("{unknown}", str(result.unknown))))
    if result.truncated:
        out.print(escape(_("More filings than one answer examines: the first ones are shown.")))


def impact_command(
    as_user: AsOpt, old: OldOpt = None, new: NewOpt = None, as_json: JsonOpt = False, lang: LangOpt = "zh-CN"
) -> None:
    """List the services and filings a change of rulebook touches (within your access), why and what follows:
    a new obligation, re-assessment advised, or nothing to do."""
    check_language(lang)
    ctx, p = acting_as(as_user)
    if new is not None:
        ctx = dataclasses.replace(ctx, book=load_side(str(new)))
    result = impact(ctx, p, load_side(old) if old else None)
    if as_json:
        out.print_json(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        _print(result, lang)
