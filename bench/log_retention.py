"""Benchmark: the log-retention audit against goaccess parsing the same nginx log, with `rg -c ''` as the floor.

A deterministic nginx combined log (default 2 GB, streamed to a temporary file) is read by each tool in the
same run, page cache warmed first: redline's full audit (`redline probe run log-retention FILE --json`: fields,
time, coverage, gaps, findings), goaccess (`--log-format=COMBINED -o JSON`) and ripgrep counting lines. Goal
(issue 6): at least half of ripgrep's throughput. Writes bench/results/log_retention.json.

    .venv/bin/python bench/log_retention.py [--size-mb 2048] [--keep]
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
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "log_retention.json"
REDLINE = Path(sys.executable).with_name("redline")
METHODS = ("GET",) * 8 + ("POST", "PUT", "DELETE")
PATHS = ("/", "/api/v1/feed", "/api/v1/post", "/static/app.js", "/user/profile", "/search?q=news")
AGENTS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
          "okhttp/4.12.0", "curl/8.5.0")


def generate(path: Path, size_mb: int, seed: int = 2026) -> dict[str, Any]:
    """Six months of combined-format lines, timestamps spread evenly to fill `size_mb` megabytes."""
    target = size_mb * 1024 * 1024
    start = dt.datetime(2025, 9, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    probe = random.Random(seed)
    average = sum(len(_line(probe, start)) for _ in range(5000)) / 5000
    step = 181 * 86400 / (target / average)  # six months up to the assessment date 2026-03-01
    rng = random.Random(seed)
    written = lines = 0
    with path.open("w", encoding="ascii") as handle:
        batch: list[str] = []
        while written < target:
            moment = start + dt.timedelta(seconds=lines * step)
            line = _line(rng, moment)
            batch.append(line)
            written += len(line)
            lines += 1
            if len(batch) == 20_000:
                handle.write("".join(batch))
                batch = []
        handle.write("".join(batch))
    return {"bytes": path.stat().st_size, "lines": lines, "from": start.isoformat(),
            "to": (start + dt.timedelta(seconds=lines * step)).isoformat()}


def _line(rng: random.Random, moment: dt.datetime) -> str:
    user = "-" if rng.random() < 0.6 else f"u{rng.randrange(100_000)}"
    return (f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)} - {user} "
            f"[{moment.strftime('%d/%b/%Y:%H:%M:%S +0800')}] \"{rng.choice(METHODS)} {rng.choice(PATHS)}"
            f"{rng.randrange(10_000)} HTTP/1.1\" {rng.choice((200, 200, 200, 304, 404, 500))} "
            f"{rng.randrange(100_000)} \"-\" \"{rng.choice(AGENTS)}\"\n")


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - began, done


def version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--keep", action="store_true", help="keep the generated log")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="redline-log-bench-"))
    log = tmp / "access.log"
    inputs = generate(log, args.size_mb)
    size_mb, lines = inputs["bytes"] / 1e6, inputs["lines"]
    figures: dict[str, Any] = {}
    try:
        subprocess.run(["cat", str(log)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache for all
        tools: dict[str, list[str]] = {
            "redline": [str(REDLINE), "probe", "run", "log-retention", str(log), "--json",
                        "--option", "assessment_date=2026-03-01"],
            "ripgrep": ["rg", "-c", "", str(log)],
        }
        if shutil.which("goaccess"):
            tools["goaccess"] = ["goaccess", str(log), "--log-format=COMBINED", "-o", str(tmp / "goaccess.json")]
        for name, command in tools.items():
            seconds, done = timed(command)
            entry: dict[str, Any] = {"seconds": round(seconds, 2), "exit": done.returncode,
                                     "mb_per_s": round(size_mb / seconds, 1), "lines_per_s": round(lines / seconds)}
            if name == "redline":
                summary = json.loads(done.stdout)["summary"]
                entry["records"] = summary["totals"]["records"]
                entry["findings"] = len(summary["findings"])
            if name == "ripgrep":
                entry["lines"] = int(done.stdout.strip() or 0)
            figures[name] = entry
        if "goaccess" not in figures:
            figures["goaccess"] = "not installed"
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    ratio = figures["redline"]["mb_per_s"] / figures["ripgrep"]["mb_per_s"]
    result = {
        "benchmark": "log_retention",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "system": platform.platform(), "cpus": os.cpu_count()},
        "inputs": {**inputs, "size_mb_requested": args.size_mb, "format": "nginx combined",
                   "goaccess": version(["goaccess", "--version"]) if shutil.which("goaccess") else "not installed",
                   "ripgrep": version(["rg", "--version"])},
        "figures": figures,
        "ratio": {"redline_vs_ripgrep": round(ratio, 3),
                  "redline_vs_goaccess": round(figures["redline"]["mb_per_s"] / figures["goaccess"]["mb_per_s"], 2)
                  if isinstance(figures["goaccess"], dict) else None},
        "goal": "redline's full audit at least half of ripgrep's line-count throughput",
        "goal_met": ratio >= 0.5,
        "notes": "wall-clock seconds including process start; page cache warm; redline parses every line's fields "
                 "and time and computes coverage, gaps and findings; goaccess builds its full report; "
                 "rg only counts lines",
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
