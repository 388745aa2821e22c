"""`redline keys`: signing keys for reports, and the register of keys this platform trusts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from redline.errors import InputError
from redline.reports.signatures import Algorithm, key_id, load_public_key, new_key

from .common import JsonOpt, out

keys_app = typer.Typer(
    help="Signing keys: make a key pair for `redline report sign`; register and approve the "
    "keys whose signatures this platform trusts.",
    no_args_is_help=True,
)


def _file_stem(name: str) -> str:
    stem = name.strip()
    if not stem or stem in {".", ".."} or stem.startswith(".") or any(c in stem for c in "/\\\0"):
        raise InputError("cannot be used as a file name (no '/', '\\' or leading '.')", field="--name")
    return stem


def _write_new(path: Path, text: str, mode: int) -> None:
    """Create `path` with `mode`; never replace an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise InputError("already exists; refusing to overwrite a key", source=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", source=str(path)) from None
    os.fchmod(fd, mode)  # exactly `mode`, whatever the umask
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@keys_app.command("new")
def new(
    name: Annotated[
        str,
        typer.Option(
            "--name",
            "-n",
            help="The signer: a person or organisation, shown when a signature is verified; also the file name.",
            show_default=False,
        ),
    ],
    algorithm: Annotated[
        Algorithm,
        typer.Option(
            "--algorithm",
            "-a",
            help="ed25519, or sm2-sm3 (国密 SM2 "
            "with SM3; its signing time leaks the nonce, so sign on a "
            "machine you trust: docs/adr/0020).",
        ),
    ] = Algorithm.ED25519,
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for NAME.key and NAME.pub.")] = Path(),
) -> None:
    """Make a key pair: NAME.key (private, mode 0600) and NAME.pub (public, to give to verifiers)."""
    stem = _file_stem(name)
    if not output.is_dir():
        raise InputError("output directory does not exist", source=str(output))
    private_path, public_path = output / f"{stem}.key", output / f"{stem}.pub"
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise InputError("already exists; refusing to overwrite a key", source=str(path))
    pair = new_key(algorithm, name)
    _write_new(private_path, pair.private_text, 0o600)
    try:
        _write_new(public_path, pair.public_text, 0o644)
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise
    kid = key_id(load_public_key(public_path).raw)
    out.print(
        f"wrote {private_path} (private: keep it secret) and {public_path} (public: give it to "
        f"verifiers) · {algorithm.value} · key {kid}",
        markup=False,
    )


AsOpt = Annotated[
    str,
    typer.Option(
        "--as", help="Your account: the platform admin, or the organisation's provider_admin.", show_default=False
    ),
]


@keys_app.command("register")
def register(
    public_key: Annotated[Path, typer.Argument(help="The signer's public key file (NAME.pub).", show_default=False)],
    organisation: Annotated[
        int, typer.Option("--organisation", help="Id of the organisation the key signs for.", show_default=False)
    ],
    as_user: AsOpt,
) -> None:
    """Register a public key to an organisation, pending approval; until approved its signatures are untrusted."""
    from redline.services.access import signing_keys

    from .common import acting_as

    ctx, principal = acting_as(as_user)
    kid = signing_keys.register(ctx, principal, organisation, public_key)
    out.print(
        f"registered key {kid} to organisation {organisation}: pending approval "
        f"(`redline keys approve {kid} --as ADMIN`)",
        markup=False,
    )


@keys_app.command("approve")
def approve(
    key: Annotated[str, typer.Argument(help="The key id (16 hex digits).", show_default=False)], as_user: AsOpt
) -> None:
    """Approve a registered key: its signatures then count and name its organisation."""
    from redline.services.access import signing_keys

    from .common import acting_as

    ctx, principal = acting_as(as_user)
    signing_keys.approve(ctx, principal, key)
    out.print(f"approved key {key}", markup=False)


@keys_app.command("revoke")
def revoke(
    key: Annotated[str, typer.Argument(help="The key id (16 hex digits).", show_default=False)], as_user: AsOpt
) -> None:
    """Revoke a registered key: its signatures are untrusted from now on."""
    from redline.services.access import signing_keys

    from .common import acting_as

    ctx, principal = acting_as(as_user)
    signing_keys.revoke(ctx, principal, key)
    out.print(f"revoked key {key}", markup=False)


@keys_app.command("list")
def list_(as_user: AsOpt, as_json: JsonOpt = False) -> None:
    """Registered keys you may manage, with organisation and status."""
    from redline.services.access import signing_keys

    from .common import acting_as

    ctx, principal = acting_as(as_user)
    rows = [k.model_dump() for k in signing_keys.list_keys(ctx, principal)]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        out.print(
            f"{row['key_id']}  {row['algorithm']}  {row['status']}  {row['organisation']}  "
            f"(key file claims: {row['claimed_signer']})",
            markup=False,
        )
