"""Every extension hook of redline, with its documented signature.

A plugin is a module or object with functions marked `@hookimpl`; a separately installed package
exposes it under the entry-point group `redline.probes`. Built-in probes register through the
same hooks (see `redline.probes.registry`). Plug-in authors import these from `redline.hookspecs`, the
public name kept for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from redline.probes.base import Probe

PROJECT = "redline"
ENTRY_POINT_GROUP = "redline.probes"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def redline_register_probes() -> list[Probe]:  # type: ignore[empty-body]
    """Return the probes this plugin provides (objects following `redline.probes.base.Probe`)."""
