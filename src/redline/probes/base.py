"""What a probe is: its declaration, and what it returns for each file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from redline.domain.assessment import Severity


class Verdict(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    NO_LABEL = "no_label"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"


@dataclass(frozen=True)
class ProbeInfo:
    name: str
    version: str
    title: str
    items: tuple[str, ...]
    inputs: tuple[str, ...]
    options: Mapping[str, str] = field(default_factory=dict)
    # Options whose value names a file the probe reads. On the platform such a value is the digest of a file
    # uploaded to the campaign, never a server path (services/patrol/campaign_options.py).
    file_options: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProbeFinding:
    """One fact found: for which checklist item, how serious, where, and the evidence digest."""

    item: str
    severity: Severity
    location: str
    message: str
    evidence: str
    clause: str = ""


@dataclass(frozen=True)
class FileResult:
    path: str
    sha256: str
    size: int
    verdict: Verdict
    kind: str = ""
    carriers: tuple[str, ...] = ()
    findings: tuple[ProbeFinding, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Probe(Protocol):
    """A probe checks one file at a time (so runs spread over processes) and sums up a run."""

    info: ProbeInfo

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult: ...

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        """Plain JSON values about the whole run; under the key "findings", a list of ProbeFinding
        for facts that only the whole run shows (gaps across files, totals)."""
        ...


def option_value(text: str) -> Any:
    """A probe option written as text (CLI `--option k=v`, the campaign form): "true"/"false" become
    booleans, anything else stays the text the probe reads."""
    return {"true": True, "false": False}.get(text.lower(), text)
