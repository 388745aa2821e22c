"""The built-in probes, registered through the same hook third-party plugins use.

Each is imported when first used, so a run of one probe (`redline probe run aigc-label …`, and every worker
process of it) does not load the others' modules, their term tables and compiled patterns."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redline.probes.base import FileResult, Probe, ProbeInfo
from redline.probes.hooks import hookimpl

BUILT_IN = {
    "aigc-label": "redline.probes.aigc.probe:AigcLabelProbe",
    "log-retention": "redline.probes.log_retention.probe:LogRetentionProbe",
    "content-screen": "redline.probes.content_screen.probe:ContentScreenProbe",
}


class BuiltIn:
    """A built-in probe by name; its class is imported at the first use of anything but the name."""

    def __init__(self, name: str, spec: str) -> None:
        self.declared_name, self._spec = name, spec
        self._probe: Probe | None = None

    def loaded(self) -> Probe:
        if self._probe is None:
            module, _, cls = self._spec.partition(":")
            self._probe = getattr(importlib.import_module(module), cls)()
            if self._probe.info.name != self.declared_name:
                raise RuntimeError(f"built-in probe {self._spec} is named {self._probe.info.name!r}")
        return self._probe

    @property
    def info(self) -> ProbeInfo:
        return self.loaded().info

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        return self.loaded().check_file(path, options)

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        return self.loaded().summarise(results)

    def __getattr__(self, name: str) -> Any:  # anything else a probe offers beyond the protocol
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.loaded(), name)


def name_of(probe: Probe) -> str:
    """A probe's name, without importing a built-in one."""
    return probe.declared_name if isinstance(probe, BuiltIn) else probe.info.name


@hookimpl
def redline_register_probes() -> list[Probe]:
    return [BuiltIn(name, spec) for name, spec in BUILT_IN.items()]
