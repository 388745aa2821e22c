"""`redline pdf`: print sealed reports as PDF (Chinese text in an embedded Noto CJK font)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.errors import InputError
from redline.i18n import DEFAULT_LANGUAGE, check_language
from redline.reports.canonical import loads, verify_document
from redline.reports.models import read_report
from redline.yamldoc import read_text_file

from .common import LangOpt, out, write_bytes_atomically

pdf_app = typer.Typer(help="PDF: the sealed assessment report, with its digest on every page.", no_args_is_help=True)


@pdf_app.callback()
def _pdf() -> None:
    """PDF: the sealed assessment report, with its digest on every page."""


@pdf_app.command("report")
def report(
    report: Annotated[Path, typer.Argument(help="A sealed JSON report written by redline.", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="The PDF file to write.", show_default=False)],
    lang: LangOpt = DEFAULT_LANGUAGE,
) -> None:
    """Verify a JSON report's seal, then render it as PDF (A4; digest and page number on every page)."""
    from redline.reports.pdf import report_pdf, require_cjk_font

    check_language(lang)
    text = read_text_file(report)
    document = loads(text, str(report))
    digest = verify_document(document, str(report))
    read_report(document, str(report))
    require_cjk_font()
    try:
        data = report_pdf(document, lang)
    except InputError as exc:
        exc.source = exc.source or str(report)
        raise
    write_bytes_atomically(output, data)
    out.print(f"wrote {output} · sha256 {digest}", markup=False)
