"""`redline audit`: the audit chain, its signed checkpoints, and a witness's copy of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from redline.errors import CheckFailedError, InputError

from .common import JsonOpt, out, write_atomically

audit_app = typer.Typer(help="The audit chain and its signed checkpoints.", no_args_is_help=True)
checkpoints_app = typer.Typer(
    help="Signed checkpoints: export them for a witness, check a witness's copy.", no_args_is_help=True
)
audit_app.add_typer(checkpoints_app, name="checkpoints")


@audit_app.command("verify")
def audit_verify(as_json: JsonOpt = False) -> None:
    """Check every link of the audit chain and every signed checkpoint: its signature with the platform key,
    the chain head it names, the digest of every report it covers; exit 1 naming the first break."""
    from redline.services.records import checkpoint_verify

    from .installation import platform_context

    chain, marks = checkpoint_verify.verify_installation(platform_context())
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "ok": chain.ok and marks is not None and marks.ok,
                    "entries": chain.entries,
                    "first_broken": chain.first_broken,
                    "reason": chain.reason,
                    "checkpoints": marks.checkpoints if marks else None,
                    "reports_covered": marks.reports if marks else None,
                    "checkpoint_reason": marks.reason if marks else None,
                },
                ensure_ascii=False,
            )
        )
    if not chain.ok:
        raise CheckFailedError(f"audit chain broken at entry {chain.first_broken}: {chain.reason}")
    assert marks is not None
    if not marks.ok:
        raise CheckFailedError(f"signed checkpoints: {marks.reason}")
    if not as_json:
        out.print(
            f"audit chain intact: {chain.entries} entries; {marks.checkpoints} checkpoint(s) signed by the "
            f"platform key hold, covering {marks.reports} sealed report(s)",
            markup=False,
        )


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a signed checkpoint now: the chain head and every sealed report not yet covered (the platform key
    is made in REDLINE_KEY_DIR on first use)."""
    from redline.services.records import checkpoints

    from .installation import platform_context

    out.print(f"wrote checkpoint {checkpoints.checkpoint(platform_context())}", markup=False)


@checkpoints_app.command("export")
def checkpoints_export(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON-lines file to write.", show_default=False)],
) -> None:
    """Write every checkpoint, with its signature and the platform public key, as JSON lines for a witness to
    keep (and countersign) outside the platform."""
    from redline.services.records import checkpoints

    from .installation import platform_context

    lines = checkpoints.export(platform_context())
    write_atomically(output, "".join(f"{line}\n" for line in lines))
    out.print(f"wrote {output}: {len(lines)} checkpoint(s)", markup=False)


@checkpoints_app.command("verify")
def checkpoints_verify(
    file: Annotated[
        Path, typer.Argument(help="A file written by `redline audit checkpoints export`.", show_default=False)
    ],
) -> None:
    """Witness check: a kept copy of the checkpoints against the live database, with the key in the copy
    (exit 1 naming the first break)."""
    from redline.services.records import checkpoint_verify
    from redline.yamldoc import read_text_file

    from .installation import platform_context

    lines = read_text_file(file).splitlines()
    try:
        items = checkpoint_verify.parse_witness(lines)
    except ValueError as exc:
        raise InputError(str(exc), source=str(file)) from None
    chain, result = checkpoint_verify.verify_witnessed(platform_context(), lines)
    if not chain.ok:
        raise CheckFailedError(f"audit chain broken at entry {chain.first_broken}: {chain.reason}")
    if not result.ok:
        raise CheckFailedError(f"witnessed checkpoints: {result.reason}", source=str(file))
    out.print(
        f"{len(items)} witnessed checkpoint(s) hold against this database, covering {result.reports} sealed report(s)",
        markup=False,
    )
