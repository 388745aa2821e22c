"""The public name of the plug-in manager (`redline.plugins.get_plugin_manager`, `installed_probes`), kept for
plug-in authors' tests: the manager lives in `redline.probes.registry`, so the probes package imports nothing
above it."""

from redline.probes.registry import get_plugin_manager, installed_probes, probe, probes_of

__all__ = ["get_plugin_manager", "installed_probes", "probe", "probes_of"]
