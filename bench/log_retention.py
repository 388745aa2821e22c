"""Benchmark: the log-retention audit against `rg -c ''` (the floor: it only counts lines), and GoAccess on request.

The input is the nginx log of `bench/generators/gen_log.py` (the "audit" log_format with $remote_port and
$server_addr, 200 days), 2 GB by default. Each tool reads the same file with the page cache warm, in rounds
(the best round of each counts: the machine is shared); peak resident memory (RSS) comes from the kernel's
accounting of each child process. redline runs its full audit (`redline probe run log-retention FILE --json`:
every line's fields and time, coverage, gaps, findings, and the file's SHA-256), once on the compiled scanner
and once on the pure-Python path when `--pure` is given. GoAccess builds a full report at about 1-10 MB/s (half
an hour for 2 GB on a busy machine): it runs, one round, only with `--goaccess`. Goal (issue 20): at least half
of ripgrep's throughput, with memory independent of the file's size. Writes bench/results/log_retention.json.

    .venv/bin/python bench/log_retention.py [--size-mb 2048] [--rounds 3] [--log EXISTING.log] [--keep] [--pure]
                                            [--goaccess]
"""

# ruff: noqa: E402  (imports follow the sys.path fix below, on purpose)
from __future__ import annotations

import sys

# bench/platform.py shadows the standard library's `platform`: take this folder off the path first.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("bench")]

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "log_retention.json"
REDLINE = Path(sys.executable).with_name("redline")
GENERATOR = ROOT / "bench" / "generators" / "gen_log.py"
LOG_FORMAT = (
    "log_format audit '$remote_addr $remote_port $server_addr - $remote_user [$time_local] "
    '"$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"\';'
)
GOACCESS_FORMAT = [
    '--log-format=%h %^ %^ - %e [%d:%t %^] "%r" %s %b "%R" "%u"',
    "--date-format=%d/%b/%Y",
    "--time-format=%T",
]
ASSESSMENT_DATE = "2026-07-20"  # the day after the generated 200 days end


def measured(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall-clock seconds and peak RSS of one child process (wait4 reports its own maximum)."""
    began = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        return {
            "seconds": seconds,
            "exit": child.returncode,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


# The audit inside one Python process, without the command line's start (imports of the whole CLI and domain):
# the scan engine's own throughput, reported beside the end-to-end figure.
IN_PROCESS = """
import json, sys, time
from pathlib import Path
began = time.perf_counter()
from redline.probes.log_retention.probe import LogRetentionProbe
imported = time.perf_counter()
probe = LogRetentionProbe()
result = probe.check_file(Path(sys.argv[1]), json.loads(sys.argv[2]))
summary = probe.summarise([result])
done = time.perf_counter()
print(json.dumps({"import_seconds": imported - began, "audit_seconds": done - imported,
                  "records": summary["totals"]["records"]}))
"""

# The scan alone (every line's fields and time, aggregated), without the file's SHA-256: what the engine costs.
SCAN_ONLY = """
import json, sys, time
from pathlib import Path
from redline.probes.log_retention.probe import Settings, make_plan, scan_file
settings = Settings.from_options(json.loads(sys.argv[2]))
began = time.perf_counter()
plan = make_plan(Path(sys.argv[1]), settings)
part, _ = scan_file(Path(sys.argv[1]), plan, 0)
print(json.dumps({"import_seconds": 0, "audit_seconds": time.perf_counter() - began, "records": part.parsed}))
"""


def in_process(log: Path, pure: bool, script: str = IN_PROCESS) -> dict[str, Any]:
    options = {"format": "nginx", "log_format": LOG_FORMAT, "assessment_date": ASSESSMENT_DATE}
    run = measured(
        [sys.executable, "-c", script, str(log), json.dumps(options)],
        {**os.environ, "REDLINE_PURE_PYTHON": "1" if pure else "0"},
    )
    got = json.loads(run["stdout"])
    return {
        **run,
        "seconds": got["audit_seconds"],
        "import_seconds": round(got["import_seconds"], 2),
        "records": got["records"],
        "stdout": "",
    }


def version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"


def _tools(log: Path, tmp: Path, pure: bool) -> dict[str, tuple[list[str], dict[str, str] | None]]:
    audit = [
        str(REDLINE),
        "probe",
        "run",
        "log-retention",
        str(log),
        "--json",
        "--option",
        "format=nginx",
        "--option",
        f"log_format={LOG_FORMAT}",
        "--option",
        f"assessment_date={ASSESSMENT_DATE}",
    ]
    tools: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "redline": (audit, {**os.environ, "REDLINE_PURE_PYTHON": "0"}),
        "ripgrep": (["rg", "-c", "", str(log)], None),
    }
    if shutil.which("openssl"):  # the SHA-256 the audit must compute, alone: a floor under redline's time
        tools["sha256_alone"] = (["openssl", "dgst", "-sha256", str(log)], None)
    if pure:
        tools["redline_pure_python"] = (audit, {**os.environ, "REDLINE_PURE_PYTHON": "1"})
    return tools


def _figure(name: str, run: dict[str, Any], size_mb: float) -> dict[str, Any]:
    entry = {
        "seconds": round(run["seconds"], 2),
        "exit": run["exit"],
        "mb_per_s": round(size_mb / run["seconds"], 1),
        "peak_rss_mb": run["peak_rss_mb"],
        "cpu_seconds": run["cpu_seconds"],
    }
    if name.startswith("redline") and run["stdout"].strip():
        summary = json.loads(run["stdout"])["summary"]
        entry["records"] = summary["totals"]["records"]
        entry["lines"] = summary["totals"]["lines"]
        entry["findings"] = len(summary["findings"])
    if name == "ripgrep":
        entry["lines"] = int(run["stdout"].strip() or 0)
    if "import_seconds" in run:
        entry.update(import_seconds=run["import_seconds"], records=run["records"])
    return entry


def _floor(figures: dict[str, Any], ripgrep: dict[str, Any]) -> str:
    """Why the goal can or cannot be met: the SHA-256 of the file runs on one core, whatever else does."""
    sha = figures.get("sha256_alone")
    if not isinstance(sha, dict):
        return "openssl not installed: the SHA-256 floor was not measured"
    share = sha["mb_per_s"] / ripgrep["mb_per_s"]
    verdict = "below" if share < 0.5 else "above"
    return (
        f"the file's SHA-256 alone (openssl, one core: a hash chain cannot be split) runs at {share:.2f} x rg, "
        f"{verdict} the goal's 0.5 x: an audit that hashes the evidence it reads is at most that fast; the scan "
        f"alone runs at {figures['redline_scan_only_in_process']['mb_per_s'] / ripgrep['mb_per_s']:.2f} x rg; "
        f"CPU seconds (less bent by other load than wall time): redline {figures['redline']['cpu_seconds']}, "
        f"SHA-256 alone {sha['cpu_seconds']}, scan alone {figures['redline_scan_only_in_process']['cpu_seconds']}, "
        f"rg {ripgrep['cpu_seconds']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--log", type=Path, help="an existing gen_log.py output of --size-mb (skips generating)")
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    parser.add_argument("--keep", action="store_true", help="keep the generated log")
    parser.add_argument("--pure", action="store_true", help="also time the pure-Python path (slow)")
    parser.add_argument("--goaccess", action="store_true", help="also run GoAccess, one round (slow: ~30 min)")
    args = parser.parse_args()
    load_at_start = round(os.getloadavg()[0], 1)
    tmp = Path(tempfile.mkdtemp(prefix="redline-log-bench-"))
    log = args.log or tmp / "access.log"
    try:
        if args.log is None:
            subprocess.run([sys.executable, str(args.generator), str(args.size_mb), str(log)], check=True)
        size_mb = log.stat().st_size / 1e6
        subprocess.run(["cat", str(log)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache for all
        tools = _tools(log, tmp, args.pure)
        best: dict[str, dict[str, Any]] = {}
        for _ in range(max(1, args.rounds)):
            runs = {name: measured(command, env) for name, (command, env) in tools.items()}
            runs["redline_audit_in_process"] = in_process(log, False)
            runs["redline_scan_only_in_process"] = in_process(log, False, SCAN_ONLY)
            for name, run in runs.items():
                if name not in best or run["seconds"] < best[name]["seconds"]:
                    best[name] = run
        if args.goaccess and shutil.which("goaccess"):  # 1-10 MB/s: one round
            best["goaccess"] = measured(["goaccess", str(log), *GOACCESS_FORMAT, "-o", str(tmp / "goaccess.json")])
        figures: dict[str, Any] = {name: _figure(name, run, size_mb) for name, run in best.items()}
        figures.setdefault("goaccess", "not installed" if args.goaccess else "not run (give --goaccess)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    redline, ripgrep = figures["redline"], figures["ripgrep"]
    ratio = redline["mb_per_s"] / ripgrep["mb_per_s"]
    engine = figures["redline_audit_in_process"]["mb_per_s"] / ripgrep["mb_per_s"]
    result = {
        "benchmark": "log_retention",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "system": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1min_at_start": load_at_start,
            "load_average_1min_at_end": round(os.getloadavg()[0], 1),
        },
        "inputs": {
            "generator": "bench/generators/gen_log.py",
            "size_mb_requested": args.size_mb,
            "bytes": int(size_mb * 1e6),
            "lines": ripgrep["lines"],
            "format": "nginx log_format audit",
            "assessment_date": ASSESSMENT_DATE,
            "rounds": args.rounds,
            "goaccess": version(["goaccess", "--version"]) if shutil.which("goaccess") else "not installed",
            "ripgrep": version(["rg", "--version"]),
        },
        "figures": figures,
        "ratio": {
            "redline_vs_ripgrep": round(ratio, 3),
            "redline_audit_in_process_vs_ripgrep": round(engine, 3),
            "redline_scan_only_in_process_vs_ripgrep": round(
                figures["redline_scan_only_in_process"]["mb_per_s"] / ripgrep["mb_per_s"], 3
            ),
            "sha256_alone_vs_ripgrep": round(figures["sha256_alone"]["mb_per_s"] / ripgrep["mb_per_s"], 3)
            if "sha256_alone" in figures
            else None,
            "redline_vs_goaccess": round(redline["mb_per_s"] / figures["goaccess"]["mb_per_s"], 1)
            if isinstance(figures["goaccess"], dict)
            else None,
        },
        "goal": "redline's full audit at least half of ripgrep's line-count throughput, memory independent of size",
        "goal_met": ratio >= 0.5 and redline["records"] == ripgrep["lines"],
        "speed_up_still_needed": round(0.5 / ratio, 2) if ratio < 0.5 else None,
        "floor": _floor(figures, ripgrep),
        "notes": "wall-clock seconds of the best round, including process start; page cache warm; redline parses "
        "every line's fields and time, computes coverage, gaps and findings and the file's SHA-256 (beside "
        "the scan, in a thread; sha256_alone is `openssl dgst -sha256` on the same file, the part no core can "
        "share); rg only counts lines, and its RSS counts the file it maps; goaccess (with --goaccess) builds "
        "its full report, one round; redline_audit_in_process times the same audit (check_file and "
        "summarise) inside Python, without the start of the command line (import_seconds: the probe's "
        "imports); redline_scan_only_in_process is the scan alone (fields, times, aggregates; no SHA-256)",
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
