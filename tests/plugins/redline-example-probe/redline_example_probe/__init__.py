"""An example third-party probe: flags files larger than a limit. Installed separately from redline."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redline.domain.assessment import Severity
from redline.hookspecs import hookimpl
from redline.probes.base import FileResult, Probe, ProbeFinding, ProbeInfo, Verdict


class SizeProbe:
    info = ProbeInfo(
        name="example-size",
        version="0.1.0",
        title="Files larger than max_bytes",
        items=("sa2018-5-3-log-protection",),
        inputs=("files",),
        options={"max_bytes": "largest size allowed (default 1000)"},
    )

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        limit = int(options.get("max_bytes", 1000))
        if len(data) > limit:
            finding = ProbeFinding(self.info.items[0], Severity.MEDIUM, str(path), f"{len(data)} > {limit} bytes", sha)
            return FileResult(str(path), sha, len(data), Verdict.NON_COMPLIANT, "file", findings=(finding,))
        return FileResult(str(path), sha, len(data), Verdict.COMPLIANT, "file")

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        return {"files": len(results), "too_large": sum(r.verdict is Verdict.NON_COMPLIANT for r in results)}


@hookimpl
def redline_register_probes() -> list[Probe]:
    return [SizeProbe()]
