"""`redline package`: export a filing's submission package, and import one at another installation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import LangOpt, acting_as, out

package_app = typer.Typer(help="Submission packages that move between installations.", no_args_is_help=True)


@package_app.command("export")
def export(
    filing: Annotated[int, typer.Argument(help="Filing number.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="ZIP file to write.", show_default=False)],
    as_user: Annotated[str, typer.Option("--as", help="Account whose access applies (a provider or a regulator).")],
    key: Annotated[Path | None, typer.Option("--key", help="Sign the package with this private key.")] = None,
    no_evidence: Annotated[bool, typer.Option("--no-evidence", help="Leave the evidence files out.")] = False,
    lang: LangOpt = "zh-CN",
    version: Annotated[
        int | None,
        typer.Option("--version", help="An earlier report version (default: the latest).", show_default=False),
    ] = None,
) -> None:
    """Write the report (JSON and PDF), the evidence manifest, the evidence and signatures as one ZIP."""
    from redline.services.packages.packages import export_package

    from .common import write_bytes_atomically

    ctx, principal = acting_as(as_user)
    exported = export_package(
        ctx, principal, filing, include_evidence=not no_evidence, key=key, lang=lang, version=version
    )
    write_bytes_atomically(output, exported.data)
    out.print(f"wrote {output}: report sha256 {exported.report_sha256}", markup=False)


@package_app.command("import")
def import_(
    package: Annotated[Path, typer.Argument(help="The ZIP file.", show_default=False)],
    as_user: Annotated[str, typer.Option("--as", help="The receiving regulator's account.")],
    require_signature: Annotated[bool, typer.Option("--require-signature", help="Refuse unsigned packages.")] = False,
    trust: Annotated[Path | None, typer.Option("--trust", help="Accept only signatures by this public key.")] = None,
) -> None:
    """Verify everything in a package and, only if all of it holds, store the filing here as submitted."""
    from redline.errors import InputError
    from redline.services.packages.packages import import_package, may_import, read_package

    ctx, principal = acting_as(as_user)
    may_import(principal)
    try:
        with package.open("rb") as handle:
            data = read_package(handle, ctx.settings.max_archive_bytes)
    except (FileNotFoundError, IsADirectoryError):
        raise InputError("file not found", source=str(package)) from None
    filing_id = import_package(ctx, principal, data, require_signature=require_signature, trust=trust)
    out.print(f"imported as filing {filing_id}", markup=False)
