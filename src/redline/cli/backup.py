"""`redline backup`, `redline backup verify` and `redline restore`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from redline.errors import CheckFailedError, InputError

from .common import JsonOpt, err, out, plain
from .installation import platform_settings

if TYPE_CHECKING:
    from redline.services.backups.restore import Manifest

backup_app = typer.Typer(
    help="Back up the database (every table, as a dialect-neutral dump), the evidence blobs it "
    "references and the key directory into one archive, consistent while the server runs. "
    "Settings from REDLINE_DATABASE_URL, REDLINE_BLOB_DIR, REDLINE_KEY_DIR.",
    invoke_without_command=True,
)


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A Rich progress bar on stderr: one line per table, one for the blobs."""
    if not enabled:
        yield lambda *_: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(step: str, done: int, total: int) -> None:
            kind = "tables" if step.startswith("table:") else step
            if kind not in tasks:
                tasks[kind] = bar.add_task(kind, total=total or 1)
            label = f"tables ({step[6:]})" if kind == "tables" else kind
            bar.update(tasks[kind], completed=done, total=total or 1, description=label)

        yield update


@backup_app.callback()
def backup(
    typer_ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Archive to write: FILE.tar.zst (zstd), "
            "FILE.tar.gz or FILE.tar. Written whole or not at all, mode 0600.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a backup archive; `redline backup verify FILE` checks one."""
    if typer_ctx.invoked_subcommand is not None:
        return
    if output is None:
        raise InputError("name the archive to write", field="--output")
    from redline.services.backups.backup import create_backup

    settings = platform_settings()
    with _progress(not as_json) as progress:
        result = create_backup(settings, output, progress=progress)
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "path": str(result.path),
                    "size": result.size,
                    "rows": result.rows,
                    "blobs": result.blobs,
                    "keys": result.keys,
                    "private_keys": result.private_keys,
                    "alembic_revision": result.manifest["alembic_revision"],
                },
                ensure_ascii=False,
            )
        )
    else:
        out.print(
            f"wrote {result.path} ({result.size} bytes): {sum(result.rows.values())} rows in "
            f"{len(result.rows)} tables, {result.blobs} blobs, {len(result.keys)} key files; "
            f"schema revision {result.manifest['alembic_revision']}",
            markup=False,
        )
    if result.private_keys:
        keys = escape(", ".join(result.private_keys))
        err.print(
            f"[yellow]warning:[/yellow] the backup contains private keys ({keys}); "
            "keep it as secret as the keys themselves"
        )
    err.print(
        "[yellow]note:[/yellow] the backup holds password hashes and webhook secrets; it is written with mode 0600"
    )


def _manifest_table(manifest: Manifest) -> Table:
    table = Table(title="backup manifest")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in manifest.rows.items():
        table.add_row(*plain(name, rows))
    return table


@backup_app.command("verify")
def verify(
    archive: Annotated[Path, typer.Argument(help="The backup archive.", show_default=False)],
    as_json: JsonOpt = False,
) -> None:
    """Check every member of an archive against its manifest (integrity only; writes nothing). Exit 1 if
    anything was changed, added or removed."""
    from redline.services.backups.restore import ArchiveRefusedError, code_head, verify_archive

    if not archive.is_file():
        raise InputError("no such file", source=str(archive))
    try:
        manifest = verify_archive(archive)
    except ArchiveRefusedError as exc:  # here the check is the command's result: exit 1
        raise CheckFailedError(exc.message, source=exc.source) from None
    head = code_head()
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "ok": True,
                    **{k: v for k, v in manifest.data.items() if k != "members"},
                    "restorable_here": manifest.revision == head,
                },
                ensure_ascii=False,
            )
        )
        return
    out.print(_manifest_table(manifest), markup=False)
    out.print(
        f"archive intact: {len(manifest.members) + 1} members match the manifest · made "
        f"{manifest.data.get('created_at')} by redline {manifest.data.get('redline_version')} from "
        f"{manifest.data.get('source_dialect')} · schema revision {manifest.revision}"
        + (
            ""
            if manifest.revision == head
            else f" (this redline expects {head}: restore it with the redline version that made it)"
        ),
        markup=False,
    )


def restore(
    archive: Annotated[
        Path, typer.Argument(help="The backup archive (.tar.zst, .tar.gz or .tar).", show_default=False)
    ],
    database_url: Annotated[
        str | None,
        typer.Option(help="Target database; it must be empty. Default: REDLINE_DATABASE_URL.", show_default=False),
    ] = None,
    blob_dir: Annotated[
        Path | None, typer.Option(help="Target blob directory. Default: REDLINE_BLOB_DIR.", show_default=False)
    ] = None,
    key_dir: Annotated[
        Path | None,
        typer.Option(
            help="Target key directory (files written with mode 0600). Default: REDLINE_KEY_DIR.", show_default=False
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore a backup into an EMPTY database (SQLite or PostgreSQL, from either), then verify the
    copy: row counts, the audit chain, every report digest, every blob. Refuses a tampered archive or
    a non-empty database (exit 2) and writes nothing then; exit 1 if the restored copy fails a check."""
    from redline.services.backups.restore import restore_backup

    if not archive.is_file():
        raise InputError("no such file", source=str(archive))
    settings = platform_settings()
    with _progress(not as_json) as progress:
        report = restore_backup(
            archive,
            database_url=database_url or settings.database_url,
            blob_dir=blob_dir or settings.blob_dir,
            key_dir=key_dir or settings.key_dir,
            progress=progress,
        )
    if as_json:
        out.print_json(
            json.dumps(
                {"ok": report.ok, "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks]},
                ensure_ascii=False,
            )
        )
    else:
        table = Table(title=plain(f"restored {archive.name}")[0])
        for col in ("check", "result", "detail"):
            table.add_column(col)
        for check in report.checks:
            verdict = "[green]ok[/green]" if check.ok else "[red]FAILED[/red]"
            table.add_row(escape(check.name), verdict, escape(check.detail))
        out.print(table)
    if not report.ok:
        failed = next(c for c in report.checks if not c.ok)
        raise CheckFailedError(f"the restored copy failed the {failed.name} check: {failed.detail}")
