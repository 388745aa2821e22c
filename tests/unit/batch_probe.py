"""A test-only probe for batch runs, installed through the `redline.probes` entry point by the tests.

It records every file it checks (option `calls`: a log file, appended to from every worker), and it kills
its own worker process on files named `crash-always*` and, once, on `crash-once*` (a marker file next to
it remembers the first crash): a real worker death, not a raised exception. Option `sleep` slows each
file down (seconds) so a test can interrupt a run half way; option `spin` burns that many seconds of CPU.
A file with a `NAME.hang` marker next to it hangs its worker (for HANG_SECONDS, so a test cluster can still
shut down) until the marker is removed.
Each result tells the process that checked the file and its CPU-time limit (`pid`, `cpu_limit`).
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redline.hookspecs import hookimpl
from redline.probes.base import FileResult, Probe, ProbeInfo, Verdict

HANG_SECONDS = 60.0


class BatchTestProbe:
    info = ProbeInfo(
        name="batch-test",
        version="1.0",
        title="Records calls; crashes on request",
        items=(),
        inputs=("files",),
        options={
            "calls": "log file of checked paths",
            "sleep": "seconds per file",
            "spin": "CPU seconds to burn per file",
        },
    )

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        if "calls" in options:
            with Path(options["calls"]).open("a", encoding="utf-8") as log:
                log.write(f"{path}\n")
        if path.name.startswith("crash-always"):
            os._exit(1)
        marker = path.with_name(path.name + ".crashed")
        if path.name.startswith("crash-once") and not marker.exists():
            marker.write_text("x")
            os._exit(1)
        hang = path.with_name(path.name + ".hang")
        deadline = time.monotonic() + HANG_SECONDS
        while hang.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(float(options.get("sleep", 0)))
        until = time.process_time() + float(options.get("spin", 0))
        while time.process_time() < until:
            pass
        data = path.read_bytes()
        verdict = Verdict.NON_COMPLIANT if b"bad" in data else Verdict.COMPLIANT
        return FileResult(
            str(path),
            hashlib.sha256(data).hexdigest(),
            len(data),
            verdict,
            "text",
            details={"pid": os.getpid(), "cpu_limit": resource.getrlimit(resource.RLIMIT_CPU)[0]},
        )

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        return {"files": len(results), "bad": sum(r.verdict is Verdict.NON_COMPLIANT for r in results)}


def install(site: Path) -> dict[str, str]:
    """Make this module an installed plugin (an entry point in `site`); return the environment that gives it
    to subprocesses."""
    root = Path(__file__).resolve().parents[2]
    dist = site / "redline_batch_test_probe-1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: redline-batch-test-probe\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[redline.probes]\nbatch-test = tests.unit.batch_probe\n")
    return {"PYTHONPATH": os.pathsep.join([str(site), str(root), os.environ.get("PYTHONPATH", "")])}


@hookimpl
def redline_register_probes() -> list[Probe]:
    return [BatchTestProbe()]
