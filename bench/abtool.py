"""For the platform benchmarks: a `redline serve` on a free loopback port, and ApacheBench (Debian's
apache2-utils) to load it."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT
    pid: int  # the `redline serve` process (uvicorn's supervisor when there are several workers)


@contextlib.contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[str]:
    """`redline serve` with `workers` processes and these REDLINE_* settings; yields the base URL once it
    answers, and stops the server afterwards."""
    with server(env, workers) as running:
        yield running.base


@contextlib.contextmanager
def server(env: dict[str, str], workers: int) -> Iterator[Server]:
    """As `serving`, yielding the server's process id too (for `peak_rss`)."""
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("redline")), "serve", "--port", str(port), "--workers", str(workers)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_ab(
    url: str, seconds: int, concurrency: int, headers: list[str], body: Path | None = None, ab: str = "ab"
) -> dict[str, float]:
    """Load `url` for `seconds` with `concurrency` clients; ab's counts and latency percentiles (ms).
    A POST when `body` (a JSON file) is given."""
    args = [ab, "-q", "-t", str(seconds), "-n", "10000000", "-c", str(concurrency), "-l"]
    for header in headers:
        args += ["-H", header]
    if body is not None:
        args += ["-p", str(body), "-T", "application/json"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=False).stdout

    def number(pattern: str) -> float:
        match = re.search(pattern, out)
        return float(match.group(1)) if match else 0.0

    return {
        "requests": number(r"Complete requests:\s+(\d+)"),
        "failed": number(r"Failed requests:\s+(\d+)"),
        "non_2xx": number(r"Non-2xx responses:\s+(\d+)"),
        "requests_per_second": number(r"Requests per second:\s+([\d.]+)"),
        "p50_ms": number(r"\n\s+50%\s+(\d+)"),
        "p95_ms": number(r"\n\s+95%\s+(\d+)"),
        "p99_ms": number(r"\n\s+99%\s+(\d+)"),
    }


def peak_rss(pid: int) -> dict[str, float]:
    """The largest resident set (MiB, the kernel's VmHWM) each process of the tree under `pid` has had so far,
    the largest of them, and their sum (an upper bound for the tree: the peaks need not coincide)."""
    peaks = [kib / 1024 for kib in (_vm_hwm_kib(p) for p in _tree(pid)) if kib]
    return {
        "processes": len(peaks),
        "largest_mib": round(max(peaks, default=0.0), 1),
        "sum_mib": round(sum(peaks), 1),
    }


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:  # the thread ended meanwhile
            continue
        for child in children:
            found += _tree(int(child))
    return found


def _vm_hwm_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) if match else 0
