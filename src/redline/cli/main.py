"""Entry point: the one funnel from errors to messages and exit codes (the command tree is tree.py).

Exit codes: 0 success; 1 a check ran and failed (lint errors, broken seal); 2 user error
(bad or missing input, bad option); 130 interrupted.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.markup import escape

from redline.errors import RedlineError

from .common import err

# `redline probe …` and `redline label …` run over many files, often from scripts: they start with only their
# own sub-app, not the whole tree (which loads the rulebook, the database layer and the web renderers).
_LIGHT = {"probe": "probe_app", "label": "label_app"}


def __getattr__(name: str) -> Any:
    """`app`, the whole command tree, built on first use."""
    if name != "app":
        raise AttributeError(name)
    from redline.cli.tree import app

    globals()["app"] = app
    return app


def _light(command: str) -> typer.Typer:
    from redline.cli import probe

    from .root import new_app

    light = new_app()
    light.add_typer(getattr(probe, _LIGHT[command]), name=command)
    return light


def _app_for(argv: list[str] | None) -> typer.Typer:
    args = sys.argv[1:] if argv is None else argv
    if "app" not in globals() and args and args[0] in _LIGHT:
        return _light(args[0])
    return __getattr__("app")  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """Run one command; usage errors exit 2 through Typer, RedlineErrors through here."""
    try:
        _app_for(argv)(args=argv, prog_name="redline")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except RedlineError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        return exc.exit_code
    return 0


def run() -> None:
    sys.exit(main())
