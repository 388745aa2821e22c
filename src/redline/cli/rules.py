"""`redline rules`: list, show and lint the rulebook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.errors import CheckFailedError, InputError, NotFoundError
from redline.i18n import check_language
from redline.reports.canonical import jsonable
from redline.reports.rule_exports import ExportFormat, export_files
from redline.rulebook.book import LocalScope, Rulebook
from redline.rulebook.citations import CITE_PATTERN, chinese_number
from redline.rulebook.lint import lint
from redline.rulebook.loader import load_rulebook
from redline.rulebook.schema import Item, Regulation, RegulationKind, TextStatus
from redline.words import gettext_for, pick
from redline.words.labels import REGULATION_STATUSES, label

from .common import HolidaysOpt, JsonOpt, LangOpt, err, out, rulebook, write_atomically

app = typer.Typer(help="Regulations, triggers and checklists: list, show, lint, export.", no_args_is_help=True)


def _unverified_count(reg: Regulation) -> int:
    return sum(1 for a in reg.articles if a.holds_unverified_text())


@app.command("list")
def list_rules(as_json: JsonOpt = False, lang: LangOpt = "zh-CN") -> None:
    """List the regulations in the rulebook, with dates and how much text is verified."""
    check_language(lang)
    book = rulebook()
    if as_json:
        rows = [
            {
                "id": r.id,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "effective": r.effective.isoformat(),
                "status": r.status.value,
                "articles": len(r.articles),
                "unverified_articles": _unverified_count(r),
                "jurisdiction": _jurisdiction(book.regulation_scope(r.id)),
            }
            for r in book.regulations
        ]
        out.print_json(
            json.dumps(
                {
                    "regulations": rows,
                    "triggers": [t.id for t in book.triggers],
                    "checklists": [c.id for c in book.checklists],
                    "local_packages": [_jurisdiction(scope) for scope in book.local],
                }
            )
        )
        return
    _ = gettext_for(lang)
    table = Table(title=_("redline rulebook {version}").replace("{version}", book.version))
    columns = ("ID", _("Regulation"), _("In force in"), _("Effective"), _("Status"), _("Articles"))
    for col in (*columns, _("Unverified articles")):
        table.add_column(col, overflow="fold")
    for r in book.regulations:
        table.add_row(
            r.id,
            escape(pick({"zh": r.title_zh, "en": r.title_en}, lang)),
            escape(_where(book.regulation_scope(r.id), lang)),
            r.effective.isoformat(),
            escape(label(REGULATION_STATUSES, r.status.value, lang)),
            str(len(r.articles)),
            str(_unverified_count(r)),
        )
    out.print(table, soft_wrap=False)
    counts = (
        _("{triggers} triggers · {checklists} checklists ({items} items) · {capabilities} capabilities.")
        .replace("{triggers}", str(len(book.triggers)))
        .replace("{checklists}", str(len(book.checklists)))
        .replace("{items}", str(sum(len(c.items) for c in book.checklists)))
        .replace("{capabilities}", str(len(book.capabilities)))
    )
    out.print(escape(counts))
    out.print(escape(_("`redline rules show ID` for details.")))


def _jurisdiction(scope: LocalScope | None) -> dict[str, str] | None:
    """A local package's jurisdiction for scripts; None for the national rules."""
    if scope is None:
        return None
    return {
        "package": scope.package,
        "division": scope.division,
        "place_zh": scope.place_zh,
        "place_en": scope.place_en,
        "issuer_zh": scope.issuer_zh,
        "issuer_en": scope.issuer_en,
    }


def _where(scope: LocalScope | None, lang: str) -> str:
    """Where a rule is in force, in words: nationwide, or a local package's place and issuer."""
    _ = gettext_for(lang)
    if scope is None:
        return _("Nationwide")
    place, issuer = (
        pick({"zh": scope.place_zh, "en": scope.place_en}, lang),
        pick({"zh": scope.issuer_zh, "en": scope.issuer_en}, lang),
    )
    return _("{place} only (local rule of {issuer})").replace("{place}", place).replace("{issuer}", issuer)


_UNVERIFIED = " [yellow]\\[未核实 unverified][/yellow]"
_VERIFIED = " [green]\\[已核实 verified][/green]"


def _item_mark(item: str | Item, paragraph_status: TextStatus) -> str:
    """A mark for an item held at a status of its own, when it differs from its paragraph's."""
    if isinstance(item, str) or item.status is paragraph_status:
        return ""
    return _VERIFIED if item.status is TextStatus.VERIFIED else _UNVERIFIED


def _show_regulation(reg: Regulation, scope: LocalScope | None, lang: str) -> None:
    _ = gettext_for(lang)
    out.print(f"[bold]{escape(reg.title_zh)}[/bold]\n{escape(reg.title_en)}")
    if scope is not None:
        out.print(f"[magenta]{escape(_where(scope, lang))}[/magenta]")
    dates = _("promulgated {promulgated} · effective {effective}")
    status = label(REGULATION_STATUSES, reg.status.value, lang)
    superseded = _(" (superseded {date})").replace("{date}", str(reg.superseded_on)) if reg.superseded_on else ""
    out.print(
        f"{escape('、'.join(reg.issuers))} · "
        f"{escape(reg.document_number or '文号未核实 / number not verified')} · "
        + escape(dates.replace("{promulgated}", str(reg.promulgated)).replace("{effective}", str(reg.effective)))
        + f" · {escape(status + superseded)}"
    )
    standard = reg.kind is RegulationKind.STANDARD
    for article in reg.articles:
        status = "" if article.status is TextStatus.VERIFIED else _UNVERIFIED
        partial = "" if article.complete else " [dim](partial text)[/dim]"
        heading = str(article.number) if standard else f"第{chinese_number(article.number)}条"
        out.print(f"\n[bold]{heading}[/bold]{status}{partial} [dim]{escape(article.gloss_en)}[/dim]")
        for number, paragraph in article.numbered_paragraphs():
            own = paragraph.status or article.status
            mark = _UNVERIFIED if paragraph.status is TextStatus.UNVERIFIED else ""
            clause = f"{article.number}.{number} " if standard and paragraph.number else ""
            out.print(f"  {clause}{escape(paragraph.text)}{mark}")
            for n, (text, item) in enumerate(zip(paragraph.item_texts(), paragraph.items, strict=True), start=1):
                number_mark = f"{chr(ord('a') + n - 1)}) " if standard else f"（{chinese_number(n)}）"
                out.print(f"    {number_mark}{escape(text)}{_item_mark(item, own)}")


@app.command("show")
def show(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="A regulation, trigger, checklist or citation (sa2018:3(1)).")
    ],
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """Show a regulation with its articles, a trigger, a checklist, or one cited clause. A trigger and a
    checklist are shown as the rulebook holds them (JSON), for the people who write rules."""
    check_language(lang)
    book = rulebook()
    if CITE_PATTERN.match(ident):
        fragment = book.fragment(ident)
        payload = {
            "cite": ident,
            "regulation": fragment.regulation.title_zh,
            "label": fragment.label_zh(),
            "texts": [{"text": t, "status": s.value} for t, s in fragment.texts],
        }
        _emit(payload, as_json)
        return
    if book.has_regulation(ident):
        reg = book.regulation(ident)
        if as_json:
            payload = reg.model_dump(mode="json")
            _emit({**payload, "jurisdiction": _jurisdiction(book.regulation_scope(reg.id))}, as_json)
        else:
            _show_regulation(reg, book.regulation_scope(reg.id), lang)
        return
    for finder, scope_of in ((book.trigger, book.trigger_scope), (book.checklist, book.checklist_scope)):
        try:
            found = finder(ident)
        except NotFoundError:
            continue
        _emit({**found.model_dump(mode="json"), "jurisdiction": _jurisdiction(scope_of(ident))}, as_json)
        return
    raise NotFoundError(f"nothing called '{ident}' in the rulebook (try `redline rules list`)")


def _emit(payload: object, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(jsonable(payload), ensure_ascii=False))
    else:
        out.print_json(json.dumps(jsonable(payload), ensure_ascii=False), indent=2)


@app.command("lint")
def lint_command(
    data_dir: Annotated[
        Path | None, typer.Option("--data", help="Lint this rulebook directory instead of the shipped one.")
    ] = None,
    holidays: HolidaysOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the rulebook: citations resolve, quotes verbatim, ids unique, dates possible."""
    book: Rulebook = load_rulebook(data_dir) if data_dir else rulebook(holidays)
    report = lint(book)
    if as_json:
        out.print_json(json.dumps(jsonable(report), ensure_ascii=False))
    else:
        for problem in report.errors:
            err.print(f"[red]error[/red] {escape(problem.where)}: {escape(problem.message)}")
        out.print(
            f"{report.quotes_checked} quotes checked · {len(report.errors)} error(s) · "
            f"{len(report.unverified_quotes)} quote(s) rest on unverified text · "
            f"{len(report.unverified_articles)} unverified article(s)"
        )
    if not report.ok:
        raise CheckFailedError(f"rulebook lint failed with {len(report.errors)} error(s)")


@app.command("export")
def export_command(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", help="ciso-assistant: a library per checklist; oscal: the catalog and a profile per checklist."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write into (made if missing).")],
    checklist: Annotated[
        list[str] | None, typer.Option("--checklist", help="Only this checklist (repeatable).", show_default=False)
    ] = None,
    library_version: Annotated[
        int,
        typer.Option(
            "--library-version",
            min=1,
            help="CISO Assistant library version: raise it at each "
            "re-export of changed rules, or CISO Assistant keeps the library it holds.",
        ),
    ] = 1,
    holidays: HolidaysOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the checklists for other tools: CISO Assistant framework libraries or OSCAL."""
    files = export_files(rulebook(holidays), fmt, checklist, library_version)
    if output.exists() and not output.is_dir():
        raise InputError("the output is not a directory", source=str(output))
    output.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        write_atomically(output / name, content)
    if as_json:
        out.print_json(json.dumps({"format": fmt.value, "directory": str(output), "files": sorted(files)}))
        return
    for name in files:
        out.print(str(output / name), markup=False)
