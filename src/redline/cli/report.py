"""`redline report`: work with sealed reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.errors import InputError
from redline.reports.canonical import verify_text

from .common import out

app = typer.Typer(help="Sealed reports: verify.", no_args_is_help=True)


@app.command("verify")
def verify(report: Annotated[Path, typer.Argument(help="A JSON report written by redline.",
                                                  show_default=False)]) -> None:
    """Check that a JSON report's SHA-256 seal matches its content (exit 1 if not)."""
    try:
        text = report.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", source=str(report)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=str(report)) from None
    digest = verify_text(text, str(report))
    out.print(f"seal intact: sha256 {digest}")
