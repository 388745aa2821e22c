"""What a probe is: its declaration, and what it returns for each file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from redline.domain.assessment import Severity
from redline.words.findings import english, other_code


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
    """One fact found: for which checklist item, how serious, where, and the evidence digest.

    `code` names the kind of fact, stable across versions and languages (`log.retention.gap`); `params`
    are the values its words are filled with. People read the catalogue's words for the code in their
    language (`redline.words.findings`); `message` is the English text, kept for scripts reading the
    JSON. A finding made without a code (probes written before codes existed) is `<probe>.other` and
    shows its message in every language: see `code_of` and docs/plugins.md.
    """

    item: str
    severity: Severity
    location: str
    message: str
    evidence: str
    clause: str = ""
    code: str = ""
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def coded(
        cls,
        item: str,
        severity: Severity,
        location: str,
        code: str,
        params: Mapping[str, object],
        evidence: str,
        clause: str = "",
    ) -> ProbeFinding:
        """A finding whose code has words in the catalogue: its English message is those words, filled."""
        plain = {k: str(v) for k, v in params.items()}
        message = _english_without_params(code) if not plain else english(code, plain)
        return cls(item, severity, location, message, evidence, clause, code, plain)

    def code_of(self, probe: str) -> str:
        """The finding's code; `<probe>.other` for a finding made without one."""
        return self.code or other_code(probe)


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


@cache
def _english_without_params(code: str) -> str:
    """The same words for every file: "no implicit label" is said of most files of a large run."""
    return english(code, {})


@runtime_checkable
class Probe(Protocol):
    """A probe checks one file at a time (so runs spread over processes) and sums up a run."""

    @property
    def info(self) -> ProbeInfo:
        """What the probe is (a class attribute in most probes)."""
        ...

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult: ...

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        """Plain JSON values about the whole run; under the key "findings", a list of ProbeFinding
        for facts that only the whole run shows (gaps across files, totals)."""
        ...


def option_value(text: str) -> Any:
    """A probe option written as text (CLI `--option k=v`, the campaign form): "true"/"false" become
    booleans, anything else stays the text the probe reads."""
    return {"true": True, "false": False}.get(text.lower(), text)
