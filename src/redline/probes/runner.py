"""Run a probe over files and directories, on all cores, with progress; never stop on a bad file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.base import FileResult, ProbeFinding, ProbeInfo, Verdict


@dataclass(frozen=True)
class ProbeRun:
    probe: ProbeInfo
    started: dt.datetime
    finished: dt.datetime
    options: Mapping[str, Any]
    results: list[FileResult]
    summary: dict[str, Any]


def walk(paths: Iterable[Path]) -> list[Path]:
    """Every regular file under the given files and directories, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such file or directory", source=str(path))
    return files


def _check(name: str, path: Path, options: Mapping[str, Any]) -> FileResult:
    from redline.plugins import probe

    try:
        return probe(name).check_file(path, options)
    except Exception as exc:  # a probe bug on one file must not end the run; it is reported
        finding = ProbeFinding("", Severity.LOW, str(path), f"probe failed: {type(exc).__name__}: {exc}", "")
        return FileResult(str(path), "", 0, Verdict.ERROR, findings=(finding,))


def _check_batch(args: tuple[str, list[Path], Mapping[str, Any]]) -> list[FileResult]:
    name, batch, options = args
    return [_check(name, p, options) for p in batch]


def run(name: str, files: list[Path], options: Mapping[str, Any], jobs: int | None = None,
        on_progress: Callable[[int, int], None] | None = None) -> ProbeRun:
    """Check every file; `on_progress(files_done, bytes_done)` is called as batches finish."""
    from redline.plugins import probe

    info = probe(name).info
    started = dt.datetime.now(dt.UTC)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[FileResult] = []
    if jobs == 1 or len(files) < 32:
        for path in files:
            results.append(_check(name, path, options))
            if on_progress:
                on_progress(1, results[-1].size)
    else:
        size = max(8, min(256, len(files) // (jobs * 8) or 8))
        batches = [(name, files[i:i + size], options) for i in range(0, len(files), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for batch in pool.map(_check_batch, batches):
                results += batch
                if on_progress:
                    on_progress(len(batch), sum(r.size for r in batch))
    return ProbeRun(info, started, dt.datetime.now(dt.UTC), dict(options), results,
                    probe(name).summarise(results))


def _finding(f: ProbeFinding) -> dict[str, Any]:
    return {"item": f.item, "severity": f.severity.value, "location": f.location, "message": f.message,
            "evidence": f.evidence, "clause": f.clause}


def to_document(run_: ProbeRun) -> dict[str, Any]:
    """Plain JSON values, built directly: hot for runs over hundreds of thousands of files."""
    info = run_.probe
    return {
        "probe": {"name": info.name, "version": info.version, "title": info.title, "items": list(info.items),
                  "inputs": list(info.inputs), "options": dict(info.options)},
        "started": run_.started.isoformat(), "finished": run_.finished.isoformat(),
        "options": dict(run_.options),
        "results": [{"path": r.path, "sha256": r.sha256, "size": r.size, "verdict": r.verdict.value,
                     "kind": r.kind, "carriers": list(r.carriers), "findings": [_finding(f) for f in r.findings],
                     "details": r.details} for r in run_.results],
        "summary": {k: ([_finding(f) for f in v] if k == "findings" else v) for k, v in run_.summary.items()},
    }


def run_findings(run_: ProbeRun) -> list[ProbeFinding]:
    """Findings about the run as a whole (for example a gap across rotated log files)."""
    found = run_.summary.get("findings", [])
    return [f for f in found if isinstance(f, ProbeFinding)]
