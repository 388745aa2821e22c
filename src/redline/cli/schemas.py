"""`redline schemas`: the JSON Schema files of the documents redline writes (docs/schemas/ holds them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from redline.reports.schemas import export

from .common import JsonOpt, out

schemas_app = typer.Typer(
    help="JSON Schema of the sealed assessment report and the probe-run result.", no_args_is_help=True
)


@schemas_app.callback()
def _schemas() -> None:
    """JSON Schema files generated from redline's document models."""


@schemas_app.command("export")
def export_schemas(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory to write the schema files into.", show_default=False)
    ],
    as_json: JsonOpt = False,
) -> None:
    """Write the JSON Schema of every document version redline reads (docs/schemas/ is made with this)."""
    written = export(output)
    if as_json:
        sys.stdout.write(json.dumps([str(p) for p in written]) + "\n")
        return
    for path in written:
        out.print(f"wrote {path}", markup=False)
