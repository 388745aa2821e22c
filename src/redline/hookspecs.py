"""The public name plug-in authors import (`from redline.hookspecs import hookimpl`): the hooks themselves live
in `redline.probes.hooks`, beside the probes they register, so the probes package depends on nothing above it."""

from redline.probes.hooks import ENTRY_POINT_GROUP, PROJECT, hookimpl, hookspec, redline_register_probes

__all__ = ["ENTRY_POINT_GROUP", "PROJECT", "hookimpl", "hookspec", "redline_register_probes"]
