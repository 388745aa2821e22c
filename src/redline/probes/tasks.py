"""One task of a probe run, as a worker process or thread executes it: check a batch of files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redline.domain.assessment import Severity
from redline.probes.base import FileResult, ProbeFinding, Verdict
from redline.words.findings import PROBE_FAILED


def _check(name: str, path: Path, options: Mapping[str, Any]) -> FileResult:
    from redline.probes.registry import probe

    try:
        return probe(name).check_file(path, options)
    except Exception as exc:  # a probe bug on one file must not end the run; it is reported
        finding = ProbeFinding.coded(
            "", Severity.LOW, str(path), PROBE_FAILED, {"error": f"{type(exc).__name__}: {exc}"}, ""
        )
        return FileResult(str(path), "", 0, Verdict.ERROR, findings=(finding,))


def check_batch(name: str, batch: list[Path], options: Mapping[str, Any]) -> list[FileResult]:
    """One task of a batch run: a few hundred files, so per-task overhead stays small."""
    return [_check(name, p, options) for p in batch]
