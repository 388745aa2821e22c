"""A probe run as a result: the files it found, and the plain-JSON document of its results.

The run itself (a process pool or Dask, journal, cancelling) is `redline.probes.batch.run_batch`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redline.errors import InputError
from redline.probes.base import FileResult, ProbeFinding, ProbeInfo


@dataclass(frozen=True)
class ProbeRun:
    probe: ProbeInfo
    started: dt.datetime
    finished: dt.datetime
    options: Mapping[str, Any]
    results: list[FileResult]
    summary: dict[str, Any]


def _regular_files(directory: Path) -> list[Path]:
    """The regular files under `directory` in path order, symbolic links neither listed nor followed; from the
    directory entries' own types, without a stat call per file (campaigns list millions)."""
    found: list[str] = []
    pending = [str(directory)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    found.append(entry.path)
    found.sort(key=lambda name: name.split(os.sep))  # noqa: PTH206  (Paths sort by their parts: this order, at string speed)
    return [Path(name) for name in found]


def walk(paths: Iterable[Path]) -> list[Path]:
    """Every regular file under the given files and directories, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += _regular_files(path)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such file or directory", source=str(path))
    return files


def _finding(f: ProbeFinding, probe: str) -> dict[str, Any]:
    """`probe`: the probe's name, giving a finding made without a code its `<probe>.other` code; empty in
    the journal, which keeps findings as the probe made them."""
    return {
        "item": f.item,
        "severity": f.severity.value,
        "location": f.location,
        "message": f.message,
        "evidence": f.evidence,
        "clause": f.clause,
        "code": f.code_of(probe) if probe else f.code,
        "params": dict(f.params),
    }


def result_dict(r: FileResult, probe: str = "") -> dict[str, Any]:
    """One file's result as plain JSON values (the results document and the batch journal share it)."""
    return {
        "path": r.path,
        "sha256": r.sha256,
        "size": r.size,
        "verdict": r.verdict.value,
        "kind": r.kind,
        "carriers": list(r.carriers),
        "findings": [_finding(f, probe) for f in r.findings],
        "details": r.details,
    }


def to_document(run_: ProbeRun) -> dict[str, Any]:
    """Plain JSON values, built directly: hot for runs over hundreds of thousands of files."""
    info = run_.probe
    return {
        "probe": {
            "name": info.name,
            "version": info.version,
            "title": info.title,
            "items": list(info.items),
            "inputs": list(info.inputs),
            "options": dict(info.options),
        },
        "started": run_.started.isoformat(),
        "finished": run_.finished.isoformat(),
        "options": dict(run_.options),
        "results": [result_dict(r, info.name) for r in run_.results],
        "summary": {
            k: ([_finding(f, info.name) for f in v] if k == "findings" else v) for k, v in run_.summary.items()
        },
    }


def run_findings(run_: ProbeRun) -> list[ProbeFinding]:
    """Findings about the run as a whole (for example a gap across rotated log files)."""
    found = run_.summary.get("findings", [])
    return [f for f in found if isinstance(f, ProbeFinding)]
