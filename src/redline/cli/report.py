"""`redline report`: work with sealed reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.reports.canonical import verify_text
from redline.yamldoc import read_text_file

from .common import out

app = typer.Typer(help="Sealed reports: verify.", no_args_is_help=True)


@app.command("verify")
def verify(report: Annotated[Path, typer.Argument(help="A JSON report written by redline.",
                                                  show_default=False)]) -> None:
    """Check that a JSON report's SHA-256 seal matches its content (exit 1 if not)."""
    digest = verify_text(read_text_file(report), str(report))
    out.print(f"seal intact: sha256 {digest}")
