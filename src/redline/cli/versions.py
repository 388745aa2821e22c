"""`redline versions`: a filing's sealed report versions, one version's report, the diff of two."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .common import JsonOpt, LangOpt, acting_as, out, plain, write_atomically

versions_app = typer.Typer(help="Sealed report versions of a filing: list, show, diff.", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="Account whose access applies (a provider or a regulator).")]


@versions_app.command("list")
def list_(
    filing: Annotated[int, typer.Argument(help="Filing number.")], as_user: AsUser, as_json: JsonOpt = False
) -> None:
    """Every submission of the filing, first to latest, with its SHA-256."""
    from redline.services.filing.report_versions import list_versions

    ctx, principal = acting_as(as_user)
    versions = list_versions(ctx, principal, filing)
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {
                        "number": v.number,
                        "digest": v.digest,
                        "submitted_at": v.submitted_at.isoformat(),
                        "submitted_by": v.submitted_by_name,
                        "latest": v.latest,
                    }
                    for v in versions
                ]
            )
        )
        return
    table = Table("version", "submitted", "by", "sha256")
    for v in versions:
        table.add_row(
            *plain(
                f"{v.number}{' (latest)' if v.latest else ''}",
                v.submitted_at.isoformat(),
                v.submitted_by_name or "—",
                v.digest,
            )
        )
    out.print(table)


@versions_app.command("show")
def show(
    filing: Annotated[int, typer.Argument(help="Filing number.")],
    number: Annotated[int, typer.Argument(help="Version number (1 is the first submission).")],
    as_user: AsUser,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report JSON here.")] = None,
) -> None:
    """One version's sealed report JSON, exactly as submitted."""
    from redline.reports.canonical import dumps
    from redline.services.filing.report_versions import get_version

    ctx, principal = acting_as(as_user)
    _, report = get_version(ctx, principal, filing, number)
    if output is None:
        out.print(dumps(report), markup=False, end="")
    else:
        write_atomically(output, dumps(report))
        out.print(f"wrote {output}: report sha256 {report['seal']['digest']}", markup=False)


@versions_app.command("diff")
def diff(
    filing: Annotated[int, typer.Argument(help="Filing number.")],
    before: Annotated[int, typer.Argument(help="The earlier version.")],
    after: Annotated[int, typer.Argument(help="The later version.")],
    as_user: AsUser,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """What changed between two versions: items, answers, findings, evidence."""
    import dataclasses

    from redline.i18n import check_language, translations
    from redline.reports.version_diff import diff_rows
    from redline.services.filing.report_versions import diff_versions

    check_language(lang)
    ctx, principal = acting_as(as_user)
    result = diff_versions(ctx, principal, filing, before, after)
    if as_json:
        out.print_json(
            json.dumps(
                {
                    k: [dataclasses.asdict(x) for x in v] if isinstance(v, tuple) else v
                    for k, v in dataclasses.asdict(result.diff).items()
                },
                ensure_ascii=False,
            )
        )
        return
    _ = translations(lang).gettext
    rows = diff_rows(result.diff, lang)
    if not rows:
        out.print(_("The two versions say the same in items, answers, findings and evidence."), markup=False)
        return
    table = Table(
        _("Change"),
        _("Item"),
        _("Before"),
        _("After"),
        title=_("Changes from version %(a)s to version %(b)s") % {"a": before, "b": after},
    )
    for row in rows:
        table.add_row(*plain(*row))
    out.print(table)
