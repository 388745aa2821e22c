"""ApacheBench (Debian's apache2-utils) driven from the platform benchmarks, and a free loopback port."""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_ab(url: str, seconds: int, concurrency: int, headers: list[str], body: Path | None = None,
           ab: str = "ab") -> dict[str, float]:
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

    return {"requests": number(r"Complete requests:\s+(\d+)"), "failed": number(r"Failed requests:\s+(\d+)"),
            "non_2xx": number(r"Non-2xx responses:\s+(\d+)"),
            "requests_per_second": number(r"Requests per second:\s+([\d.]+)"),
            "p50_ms": number(r"\n\s+50%\s+(\d+)"), "p95_ms": number(r"\n\s+95%\s+(\d+)"),
            "p99_ms": number(r"\n\s+99%\s+(\d+)")}
