"""The plugin manager: built-ins registered like third-party plugins, then entry points."""

from __future__ import annotations

from functools import cache

import pluggy

from redline.errors import NotFoundError
from redline.probes import hooks
from redline.probes.base import Probe


def get_plugin_manager(*, load_entry_points: bool = True) -> pluggy.PluginManager:
    """A fresh manager; tests pass load_entry_points=False and register their plugins themselves."""
    pm = pluggy.PluginManager(hooks.PROJECT)
    pm.add_hookspecs(hooks)
    from redline.probes import builtin

    pm.register(builtin, name="redline.builtin")
    if load_entry_points:
        pm.load_setuptools_entrypoints(hooks.ENTRY_POINT_GROUP)
    return pm


def probes_of(pm: pluggy.PluginManager) -> dict[str, Probe]:
    from redline.probes.builtin import name_of

    found: dict[str, Probe] = {}
    for batch in pm.hook.redline_register_probes():
        for probe in batch:
            found.setdefault(name_of(probe), probe)
    return dict(sorted(found.items()))


@cache
def installed_probes() -> dict[str, Probe]:
    return probes_of(get_plugin_manager())


def probe(name: str) -> Probe:
    probes = installed_probes()
    if name not in probes:
        raise NotFoundError(f"no probe '{name}' (installed: {', '.join(probes) or 'none'})", field="probe")
    return probes[name]
