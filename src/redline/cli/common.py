"""What every command shares: consoles, the rulebook option, safe file output."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from redline.errors import InputError

if TYPE_CHECKING:
    from redline.rulebook.book import Rulebook
    from redline.services.context import Context
    from redline.services.principal import Principal

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

HolidaysOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--holidays",
        help="Extra holiday schedule file or directory (YAML, one year "
        "per file) for years chinesecalendar does not know. Also REDLINE_HOLIDAYS.",
        show_default=False,
    ),
]
OverrideHolidaysOpt = Annotated[
    bool,
    typer.Option(
        "--override-official-holidays",
        help="Let a --holidays file replace a year chinesecalendar already holds; the output then "
        "says so. Also REDLINE_HOLIDAYS_OVERRIDE=1.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Output language: zh-CN or en.")]


def plain(*cells: object) -> list[Text]:
    """Table cells and titles shown as written: names, paths and messages are never read as Rich markup
    (a "[unverified]" in them would otherwise vanish as an unknown tag)."""
    return [Text(str(cell)) for cell in cells]


def parse_date(raw: str, option: str) -> dt.date:
    """A YYYY-MM-DD option value; anything else is a user error naming the option."""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"'{raw}' is not a date (YYYY-MM-DD)", field=option) from None


def rulebook(holidays: list[Path] | None = None, override_official: bool = False) -> Rulebook:
    extra = list(holidays or [])
    override = override_official or os.environ.get("REDLINE_HOLIDAYS_OVERRIDE", "").lower() in ("1", "true", "yes")
    env = os.environ.get("REDLINE_HOLIDAYS")
    if env:
        extra += [Path(p) for p in env.split(os.pathsep) if p]
    for path in extra:
        if not path.exists():
            raise InputError("holiday file or directory not found", source=str(path))
    from redline.rulebook.loader import default_rulebook  # here: `redline probe` starts without the rulebook
    from redline.rulebook.local import discovered_packages

    return default_rulebook(tuple(extra), override, discovered_packages())


def write_atomically(path: Path, content: str) -> None:
    """Write the whole file or nothing: a temporary file renamed into place."""
    write_bytes_atomically(path, content.encode("utf-8"))


def write_bytes_atomically(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: a temporary file renamed into place."""
    target = path.resolve()
    if not target.parent.is_dir():
        raise InputError("output directory does not exist", source=str(path.parent))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def acting_as(username: str) -> tuple[Context, Principal]:
    """`--as USER`: the installation's context and the named account, whose access rules then apply
    (so actions from the terminal are authorised and audited like any other)."""
    from redline.services.access.accounts import principal_named

    from .installation import platform_context

    ctx = platform_context()
    return ctx, principal_named(ctx, username, field="--as")
