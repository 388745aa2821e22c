"""Entry point: the command tree, and the one funnel from errors to messages and exit codes.

Exit codes: 0 success; 1 a check ran and failed (lint errors, broken seal); 2 user error
(bad or missing input, bad option); 130 interrupted.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from redline import __version__
from redline.errors import RedlineError

from . import assess, audit, backup, keys, oscal, package, pdf, platform, probe, report, rules
from .campaign import campaign_app
from .check import check
from .common import err
from .gate import gate
from .reminders import reminders_app
from .schemas import schemas_app
from .tokens import tokens_app
from .versions import versions_app
from .worker import jobs_app, worker

app = typer.Typer(
    name="redline",
    help="redline: China's security-assessment rules for new internet technologies, as code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(rules.app, name="rules")
app.add_typer(assess.app, name="assess")
app.add_typer(report.app, name="report")
app.command("check")(check)
app.command("gate")(gate)
app.command("serve")(platform.serve)
app.command("demo")(platform.demo)
app.add_typer(platform.db_app, name="db")
app.add_typer(platform.users_app, name="users")
app.add_typer(platform.orgs_app, name="orgs")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(tokens_app, name="tokens")
app.command("worker")(worker)
app.add_typer(jobs_app, name="jobs")
app.add_typer(reminders_app, name="reminders")
app.add_typer(backup.backup_app, name="backup")
app.command("restore")(backup.restore)
app.add_typer(probe.probe_app, name="probe")
app.add_typer(probe.label_app, name="label")
app.add_typer(package.package_app, name="package")
app.add_typer(versions_app, name="versions")
app.add_typer(oscal.oscal_app, name="oscal")
app.add_typer(keys.keys_app, name="keys")
app.add_typer(pdf.pdf_app, name="pdf")
app.add_typer(campaign_app, name="campaign")
app.add_typer(schemas_app, name="schemas")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"redline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """redline: China's security-assessment rules for new internet technologies, as code."""


def main(argv: list[str] | None = None) -> int:
    """Run one command; usage errors exit 2 through Typer, RedlineErrors through here."""
    try:
        app(args=argv, prog_name="redline")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except RedlineError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        return exc.exit_code
    return 0


def run() -> None:
    sys.exit(main())
