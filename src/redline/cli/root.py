"""The root `redline` app without its sub-commands: its help and the --version option."""

from __future__ import annotations

import typer

from redline import __version__

HELP = "redline: China's security-assessment rules for new internet technologies, as code."


def _version(value: bool) -> None:
    if value:
        typer.echo(f"redline {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """redline: China's security-assessment rules for new internet technologies, as code."""


def new_app() -> typer.Typer:
    """The root app, to which the sub-commands are added."""
    app = typer.Typer(
        name="redline", help=HELP, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False
    )
    app.callback()(_root)
    return app
