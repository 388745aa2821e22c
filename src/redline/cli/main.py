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

from .common import err
from .lazy import lazy_group

# Each command's module is imported when the command runs (see lazy.py); `--help` lists them in this order.
COMMANDS = {
    "check": ("check", "check", False),
    "gate": ("gate", "gate", False),
    "serve": ("platform", "serve", False),
    "demo": ("platform", "demo", False),
    "worker": ("worker", "worker", False),
    "restore": ("backup", "restore", False),
    "rules": ("rules", "app", True),
    "assess": ("assess", "app", True),
    "report": ("report", "app", True),
    "db": ("platform", "db_app", True),
    # reminders.py adds `users set-email` and `orgs webhook` to platform.py's apps: load them through it
    "users": ("reminders", "users_app", True),
    "orgs": ("reminders", "orgs_app", True),
    "audit": ("audit", "audit_app", True),
    "tokens": ("tokens", "tokens_app", True),
    "jobs": ("worker", "jobs_app", True),
    "reminders": ("reminders", "reminders_app", True),
    "backup": ("backup", "backup_app", True),
    "probe": ("probe", "probe_app", True),
    "label": ("probe", "label_app", True),
    "package": ("package", "package_app", True),
    "versions": ("versions", "versions_app", True),
    "oscal": ("oscal", "oscal_app", True),
    "keys": ("keys", "keys_app", True),
    "pdf": ("pdf", "pdf_app", True),
    "campaign": ("campaign", "campaign_app", True),
    "schemas": ("schemas", "schemas_app", True),
}

app = typer.Typer(
    name="redline",
    help="redline: China's security-assessment rules for new internet technologies, as code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=lazy_group(__package__ or "redline.cli", COMMANDS),
)


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
