"""`redline oscal`: export the checklists, a sealed report and its open items as OSCAL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from redline.reports import oscal, oscal_validate
from redline.reports.canonical import loads, verify_document
from redline.reports.models import read_report
from redline.yamldoc import read_text_file

from .common import HolidaysOpt, out, rulebook, write_atomically

oscal_app = typer.Typer(help="OSCAL export: checklist catalog, assessment results, POA&M.", no_args_is_help=True)

OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="OSCAL JSON file to write.", show_default=False)]
ReportArg = Annotated[
    Path, typer.Argument(help="A sealed JSON report written by `redline assess report`.", show_default=False)
]


def _sealed_report(path: Path) -> oscal.SealedReport:
    """The report as its model, after its seal has been checked (a broken seal exits 1, a document that is not
    a valid report exits 2 naming the field)."""
    document = loads(read_text_file(path), str(path))
    verify_document(document, str(path))
    return read_report(document, str(path))


def _write(document: dict[str, Any], output: Path) -> None:
    oscal_validate.validate(document)
    write_atomically(output, oscal.to_json(document))


@oscal_app.command("catalog")
def catalog(output: OutputOpt, holidays: HolidaysOpt = None) -> None:
    """Write the rulebook's checklists as an OSCAL catalog (a control per checklist item)."""
    document = oscal.catalog(rulebook(holidays))
    _write(document, output)
    groups = document["catalog"]["groups"]
    controls = sum(len(g.get("controls", [])) for g in groups)
    out.print(f"wrote {output}: OSCAL catalog, {len(groups)} checklists, {controls} controls", markup=False)


@oscal_app.command("results")
def results(report: ReportArg, output: OutputOpt) -> None:
    """Write a sealed report as OSCAL assessment-results (its seal is verified first)."""
    document = oscal.assessment_results(_sealed_report(report))
    _write(document, output)
    result = document["assessment-results"]["results"][0]
    out.print(
        f"wrote {output}: OSCAL assessment-results, {len(result.get('observations', []))} observations, "
        f"{len(result.get('findings', []))} findings",
        markup=False,
    )


@oscal_app.command("poam")
def poam(report: ReportArg, output: OutputOpt) -> None:
    """Write a sealed report's open items (not met, partly met, with findings) as an OSCAL POA&M."""
    document = oscal.poam(_sealed_report(report))
    _write(document, output)
    items = document["plan-of-action-and-milestones"]["poam-items"]
    out.print(f"wrote {output}: OSCAL plan-of-action-and-milestones, {len(items)} open item(s)", markup=False)
