"""`redline report`: work with sealed reports: verify the seal, sign, check a signature."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from redline.errors import CheckFailedError, InputError, RedlineError
from redline.reports.canonical import dumps, loads, verify_document
from redline.reports.models import SCHEMA as REPORT_SCHEMA
from redline.reports.models import read_report
from redline.reports.signatures import CHANGED, payload_for_report, sign, verify
from redline.yamldoc import read_text_file

from .common import err, out, write_atomically

app = typer.Typer(help="Sealed reports: verify, sign.", no_args_is_help=True)

ReportArg = Annotated[Path, typer.Argument(help="A JSON report written by redline.", show_default=False)]
ManifestOpt = Annotated[
    Path | None,
    typer.Option(
        "--manifest",
        "-m",
        help="The evidence manifest (JSON) the signature covers with the report.",
        show_default=False,
    ),
]


def _verified(text: str, source: str, *, report_only: bool) -> str:
    """The seal digest, once the seal holds and the document is valid by its model (an assessment report, or
    with `report_only` false also a probe run; other sealed documents redline writes are checked by seal)."""
    from redline.probes.document import SCHEMA as RUN_SCHEMA
    from redline.probes.document import read_probe_run

    document = loads(text, source)
    digest = verify_document(document, source)
    schema = document.get("schema")
    if report_only or schema == REPORT_SCHEMA:
        read_report(document, source)
    elif schema == RUN_SCHEMA:
        read_probe_run(document, source)
    return digest


def _signature_path(report: Path) -> Path:
    return report.with_name(report.name + ".sig")


def _payload(report: Path, report_text: str, manifest: Path | None) -> bytes:
    manifest_text = read_text_file(manifest) if manifest is not None else None
    return payload_for_report(
        report_text,
        manifest_text,
        report_source=str(report),
        manifest_source=str(manifest) if manifest is not None else None,
    )


@app.command("sign")
def sign_report(
    report: ReportArg,
    key: Annotated[
        Path, typer.Option("--key", "-k", help="Your private key file (from `redline keys new`).", show_default=False)
    ],
    manifest: ManifestOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Signature file to write (default: REPORT.sig).", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing signature file.")] = False,
) -> None:
    """Sign a sealed JSON report (and its evidence manifest) with a detached signature."""
    text = read_text_file(report)
    _verified(text, str(report), report_only=True)  # never sign a broken seal or something not a report
    target = output or _signature_path(report)
    if target.exists() and not force:
        raise InputError("already exists; pass --force to overwrite", source=str(target))
    signature = sign(_payload(report, text, manifest), key)
    write_atomically(target, dumps(signature))
    covers = f"{report} and {manifest}" if manifest is not None else str(report)
    out.print(
        f"wrote {target}: {covers} signed by {signature['signer']} ({signature['algorithm']}, "
        f"key {signature['key_id']})",
        markup=False,
    )


def _read_signature(path: Path) -> dict[str, Any]:
    text = read_text_file(path)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", source=str(path), line=exc.lineno) from None
    if not isinstance(value, dict):
        raise InputError("a signature must be a JSON object", source=str(path))
    return value


def _check_receipt(path: Path, digest: str) -> None:
    from redline.services.records.receipts import check

    try:
        signer = check(_read_signature(path), digest)
    except RedlineError as exc:
        if exc.source is None:
            exc.source = str(path)
        raise
    out.print(
        f"receipt valid: {path} acknowledges sha256 {digest}, signed for {signer} (key not checked "
        "against a key you trust)",
        markup=False,
    )


@app.command("verify")
def verify_report(
    report: ReportArg,
    signature: Annotated[
        Path | None,
        typer.Option(
            "--signature", "-s", help="Signature file (default: REPORT.sig when it exists).", show_default=False
        ),
    ] = None,
    manifest: ManifestOpt = None,
    trust: Annotated[
        Path | None,
        typer.Option(
            "--trust",
            "-t",
            help="The signer's public key (.pub) you trust; the signature must be made with it.",
            show_default=False,
        ),
    ] = None,
    receipt: Annotated[
        list[Path] | None,
        typer.Option(
            "--receipt",
            "-r",
            help="A receipt (回执) of this report, as exported in its package under receipts/; repeat for each.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a JSON report's SHA-256 seal, its receipts and, when it is signed, its signature (exit 1 if any
    fails)."""
    text = read_text_file(report)
    digest = _verified(text, str(report), report_only=False)
    out.print(f"seal intact: sha256 {digest}", markup=False)
    for path in receipt or []:
        _check_receipt(path, digest)
    sig_path = signature or _signature_path(report)
    if signature is None and not sig_path.exists():
        if trust is not None or manifest is not None:
            raise CheckFailedError(f"not signed: {sig_path} does not exist (pass --signature FILE)", source=str(report))
        return
    document = _read_signature(sig_path)
    try:
        signer = verify(_payload(report, text, manifest), document, trust)
    except RedlineError as exc:
        if exc.source is None:
            exc.source = str(sig_path)
        if exc.message == CHANGED and manifest is None:
            exc.message += " (if it was signed together with an evidence manifest, pass --manifest)"
        raise
    if trust is None:
        out.print(
            f"不受信任 untrusted signature: valid for key {document['key_id']} ({document['algorithm']}), "
            f"which claims to be {signer}",
            markup=False,
        )
        err.print(
            "note: the signer's key was not checked against a key you trust; anyone can make a key "
            "in any name. Pass --trust SIGNER.pub to check who signed.",
            markup=False,
        )
    else:
        out.print(f"signed by {signer} ({document['algorithm']}, key {document['key_id']})", markup=False)
        out.print(f"key trusted: it is the key in {trust}", markup=False)
