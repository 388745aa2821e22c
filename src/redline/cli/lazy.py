"""A command group that imports a command's module only when that command runs (or help lists it).

Importing every command module costs about a second of start (the database layer, the document models, the
web templates); `redline probe run` on one file needs none of that, and on a large log the start was a third
of the run.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup

# name -> (module in the package, attribute, whether the attribute is a Typer app or a command function)
Table = dict[str, tuple[str, str, bool]]


class LazyGroup(TyperGroup):
    package: ClassVar[str] = ""
    table: ClassVar[Table] = {}

    def list_commands(self, ctx: Any) -> list[str]:  # ctx, commands: of the click Typer carries inside
        return [*super().list_commands(ctx), *(name for name in self.table if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in self.table:
            return found
        module, attribute, is_app = self.table[cmd_name]
        target: Any = getattr(importlib.import_module(f"{self.package}.{module}"), attribute)
        command: Any
        if is_app:
            command = typer.main.get_group(target)
        else:
            holder = typer.Typer(add_completion=False)
            holder.command(cmd_name)(target)
            command = typer.main.get_command(holder)
        command.name = cmd_name
        self.add_command(command, cmd_name)
        return command


def lazy_group(package: str, table: Table) -> type[LazyGroup]:
    return type("RedlineGroup", (LazyGroup,), {"package": package, "table": table})
