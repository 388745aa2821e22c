"""Benchmark: batch probe runs on one process, a local process pool and a Dask LocalCluster, in one run.

100,000 generated files of mixed formats (the shared generator `bench/generators/gen_media.py`, as the
aigc-label benchmark uses: JPEG, PNG, WebP, WAV, MP3, MP4; 10 % labelled) are checked by the aigc-label
probe through `redline.probes.batch.run_batch`:
in-process (the floor), on a local process pool of W workers, and on a Dask LocalCluster of W single-threaded
worker processes, with W = all cores, and Dask also with 1 worker for the scaling figure. The results of
every run must be identical file by file. Writes bench/results/batch.json.

    .venv/bin/python bench/batch.py [--files 100000] [--dir EXISTING_CORPUS] [--workers W]
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
import resource
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import dask
import distributed
from distributed import LocalCluster

from redline.probes import runner
from redline.probes.batch import run_batch

RESULTS = Path(__file__).parent / "results" / "batch.json"


GENERATOR = Path(__file__).parent / "generators" / "gen_media.py"
GOAL_SCALING = 1.8  # issue 20: a 2-worker local pool at least 1.8 x one process


CPU: dict[str, dict[str, float]] = {}  # label -> CPU seconds of this process and of the workers it waited for


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def timed(label: str, files: list[Path], **where: Any) -> tuple[float, list[dict[str, Any]]]:
    cpu_before = _cpu()
    started = time.perf_counter()
    result = run_batch("aigc-label", files, {}, **where)
    elapsed = time.perf_counter() - started
    cpu_after = _cpu()
    CPU[label] = {
        "this_process": round(cpu_after[0] - cpu_before[0], 2),
        "workers": round(cpu_after[1] - cpu_before[1], 2),
    }
    print(f"{label}: {len(files) / elapsed:,.0f} files/s ({elapsed:.1f} s)", file=sys.stderr)
    return elapsed, runner.to_document(result)["results"]


def on_cluster(label: str, files: list[Path], workers: int, trim: bool) -> tuple[float, list[dict[str, Any]]]:
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap threshold: every file
    # buffer over 128 KiB is then mmapped and unmapped, about 2x slower here. None leaves glibc's defaults.
    environ = {} if trim else {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    with (
        dask.config.set(environ),
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
    ):
        run_batch(
            "aigc-label", files[: workers * 64], {}, scheduler=cluster.scheduler_address
        )  # workers import redline
        return timed(label, files, scheduler=cluster.scheduler_address)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="check the files of this directory instead of generating them")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--dask-malloc-trim",
        action="store_true",
        help="keep Dask's MALLOC_TRIM_THRESHOLD_=65536 for the workers (slower for this load)",
    )
    args = parser.parse_args()
    tmp = None
    if args.dir is None:
        if shutil.which("ffmpeg") is None:
            sys.exit("ffmpeg is needed to generate the corpus (Debian: ffmpeg)")
        tmp = Path(tempfile.mkdtemp(prefix="redline-batch-bench-"))
        started = time.perf_counter()
        subprocess.run([sys.executable, str(GENERATOR), str(args.files), str(tmp / "corpus")], check=True)
        corpus = tmp / "corpus" / json.loads((tmp / "corpus" / "truth.json").read_text())["root"]
        print(f"generated {args.files:,} files in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    else:
        corpus = args.dir
    files = runner.walk([corpus])
    for path in files:  # read once before any timing: the first run would otherwise pay for a cold page cache
        path.read_bytes()
    w = args.workers
    runs: dict[str, tuple[float, list[dict[str, Any]]]] = {
        "single_process": timed("single process", files, jobs=1),
        f"local_pool_{w}": timed(f"local pool, {w} workers", files, jobs=w),
    }
    # the cluster's own scheduler runs in this process: the local pool ran first, before its threads existed
    runs["dask_1"] = on_cluster("Dask, 1 worker", files, 1, args.dask_malloc_trim)
    runs[f"dask_{w}"] = on_cluster(f"Dask, {w} workers", files, w, args.dask_malloc_trim)
    floor = runs["single_process"][1]
    identical = {name: sum(a == b for a, b in zip(floor, results, strict=True)) for name, (_, results) in runs.items()}
    rate = {name: len(files) / seconds for name, (seconds, _) in runs.items()}
    result = {
        "benchmark": "batch",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "system": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "inputs": {
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
            "workers": w,
            "by_format": dict(Counter(p.suffix[1:] for p in files)),
            "dask": dask.__version__,
            "distributed": distributed.__version__,
            "probe": "aigc-label",
            "dask_worker_malloc_trim_threshold": "65536 (Dask default)"
            if args.dask_malloc_trim
            else "unset (glibc default)",
        },
        "seconds": {name: round(seconds, 2) for name, (seconds, _) in runs.items()},
        "files_per_second": {name: round(r, 1) for name, r in rate.items()},
        # CPU the local runs took: the pool's own process competes with its workers for the cores
        "cpu_seconds": {"single_process": CPU["single process"], f"local_pool_{w}": CPU[f"local pool, {w} workers"]},
        "scaling": {
            f"local_pool_{w}_vs_single": round(rate[f"local_pool_{w}"] / rate["single_process"], 2),
            f"dask_{w}_vs_dask_1": round(rate[f"dask_{w}"] / rate["dask_1"], 2),
            "local_pool_per_worker": round(rate[f"local_pool_{w}"] / rate["single_process"] / w, 2),
            "dask_per_worker": round(rate[f"dask_{w}"] / rate["dask_1"] / w, 2),
            f"dask_{w}_vs_local_pool_{w}": round(rate[f"dask_{w}"] / rate[f"local_pool_{w}"], 2),
        },
        "verdicts": {
            "identical_to_single_process": identical,
            "by_verdict": dict(Counter(r["verdict"] for r in floor)),
        },
        "notes": "All runs go through redline.probes.batch.run_batch (no CLI start-up, no JSON printing); the "
        "Dask clusters are LocalClusters of single-threaded worker processes on this machine, started "
        "and warmed up (one small run, so each worker has imported redline) before the timer. Results "
        "compared file by file, whole result records (verdict, digest, findings, details).",
    }
    result["goal"] = f"local pool of {w} workers >= {GOAL_SCALING} x one process, every result identical"
    scaling = rate[f"local_pool_{w}"] / rate["single_process"]
    result["goal_met"] = all(n == len(files) for n in identical.values()) and scaling >= GOAL_SCALING
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
