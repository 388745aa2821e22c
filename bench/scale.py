"""Benchmark: the regulator's lists, queue, search and dashboard at national scale on PostgreSQL (issue 21).

The same generated country twice (bench/scale_data.py: filings spread over the 342 prefecture offices' areas,
one provider per ten filings), at 10,000 and at 1,000,000 filings, each in a database of its own created for
the run and dropped after it, each served by its own `redline serve`. Each endpoint is loaded with ApacheBench,
50 clients on loopback, at one size then at the other straight after (the machine is shared: what else runs
weighs on both alike), with the read cache and the page cache off so that the database does the work,
as a city office (hz-cac, 杭州市, about 1/342 of the filings) and as a provincial one (zj-cac, 浙江省,
about 11/342). Goal: every endpoint's p95 at
1,000,000 filings at most 1.5 x its p95 at 10,000, and no failed or non-2xx response.
Writes bench/results/scale.json.

    .venv/bin/python bench/scale.py [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
        [--sizes 10000 1000000] [--seconds 20] [--concurrency 50] [--workers 2] [--keep]
"""

# ruff: noqa: E402  (imports follow the sys.path fix below, on purpose)
from __future__ import annotations

import sys

# bench/platform.py shadows the standard library's `platform`: take this folder off the path first.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("bench")]
sys.path.append(__file__.rsplit("/", 1)[0])  # last, so the standard library comes first

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import scale_data
from abtool import peak_rss, run_ab, server
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.rulebook.loader import load_rulebook
from redline.services.access import accounts
from redline.store.migrate import upgrade
from redline.store.models import Filing

RESULTS = Path(__file__).parent / "results" / "scale.json"
GOAL_RATIO = 1.5  # p95 at the largest size over p95 at the smallest
OFFICERS = {"city": ("hz-cac", "3301"), "province": ("zj-cac", "33")}
SEARCH = {"q": "基准案件 1", "sort": "time_left", "order": "desc"}  # as bench/platform.py: about a ninth of titles


def _platform_bench() -> ModuleType:
    """bench/platform.py, for its login and page checks (its file name shadows the standard library's)."""
    spec = importlib.util.spec_from_file_location("platform_bench", Path(__file__).with_name("platform.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PLATFORM = _platform_bench()


def _admin(postgres: str) -> Any:
    return create_engine(postgres.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def create_database(postgres: str, name: str) -> str:
    admin = _admin(postgres)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(postgres).set(database=name).render_as_string(hide_password=False)


def drop_database(postgres: str, name: str) -> None:
    admin = _admin(postgres)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str, blobs: Path, filings: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Schema, demo accounts, then the generated country; what was loaded, and an API token per officer."""
    started = time.perf_counter()
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=blobs))
    load_demo(ctx)
    timings = scale_data.load(url, filings, ctx.today())
    tokens = {}
    visible = {}
    for scope, (user, prefix) in OFFICERS.items():
        tokens[scope] = accounts.create_api_token(ctx, accounts.login(ctx, user, DEMO_PASSWORD)[1], "scale")
        with ctx.reader() as uow:
            visible[scope] = uow.session.scalar(
                select(func.count()).where(Filing.region.startswith(prefix), Filing.visible_to_regulator.is_(True))
            )
    with ctx.reader() as uow:
        total = uow.session.scalar(select(func.count()).select_from(Filing))
        size = uow.session.scalar(text("SELECT pg_database_size(current_database())"))
    loaded = {
        "filings": total,
        "visible_to_officer": visible,
        "database_mib": round((size or 0) / 2**20),
        **timings,
        "prepare_seconds": round(time.perf_counter() - started, 1),
    }
    return loaded, tokens


def plan(tokens: dict[str, str], cookies: dict[str, str]) -> dict[str, tuple[str, str]]:
    """name: (path, header) for every endpoint measured."""
    endpoints = {"health": ("/api/v1/health", "")}
    for scope in OFFICERS:
        bearer = f"Authorization: Bearer {tokens[scope]}"
        cookie = f"Cookie: {cookies[scope]}"
        endpoints |= {
            f"filings_api_{scope}": ("/api/v1/filings?limit=50", bearer),
            f"queue_page_{scope}": ("/regulator", cookie),
            f"queue_search_sort_page_{scope}": ("/regulator?" + urlencode(SEARCH), cookie),
            f"dashboard_page_{scope}": ("/regulator/dashboard", cookie),
            f"dashboard_api_{scope}": ("/api/v1/dashboard", bearer),
        }
    return endpoints


def measure(prepared: dict[int, tuple[str, dict[str, str]]], tmp: Path, args: argparse.Namespace, ab: str) -> Any:
    """Both sizes served at once, each endpoint loaded at one size then at the other straight after, so that
    what else the shared machine does weighs on both alike. Per size: the runs, the server's peak RSS."""
    with contextlib.ExitStack() as stack:
        bases: dict[int, str] = {}
        pids: dict[int, int] = {}
        plans: dict[int, dict[str, tuple[str, str]]] = {}
        for size, (url, tokens) in prepared.items():
            env = {
                "REDLINE_DATABASE_URL": url,
                "REDLINE_BLOB_DIR": str(tmp / f"blobs-{size}"),
                "REDLINE_READ_CACHE_SIZE": "0",
                "REDLINE_PAGE_CACHE_MIB": "0",
            }
            running = stack.enter_context(server(env, args.workers))
            bases[size], pids[size] = running.base, running.pid
            cookies = {scope: PLATFORM.login(running.base, user) for scope, (user, _) in OFFICERS.items()}
            plans[size] = plan(tokens, cookies)
        runs: dict[int, dict[str, Any]] = {size: {} for size in prepared}
        for name in plans[args.sizes[0]]:
            for size in prepared:
                path, header = plans[size][name]
                if header:
                    PLATFORM.check(bases[size], path, header)
                headers = [header] if header else []
                database = make_url(prepared[size][0]).database or ""
                before = cpu_seconds(pids[size], database)
                run = run_ab(bases[size] + path, args.seconds, args.concurrency, headers, ab=ab)
                used = cpu_used(before, cpu_seconds(pids[size], database), run["requests"])
                runs[size][name] = {
                    "path": path,
                    **run,
                    **used,
                    "load_average_1min_after": round(os.getloadavg()[0], 2),
                }
        memory = {size: peak_rss(pid) for size, pid in pids.items()}
    return {size: {"endpoints": runs[size], "peak_rss_mib": memory[size]} for size in prepared}


def _ticks(pid: int) -> int:
    """User and system CPU time of one process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process this user can read."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        found.append((int(entry.name), parent, command))
    return found


def cpu_seconds(server_pid: int, database: str) -> dict[str, float]:
    """CPU seconds used so far by the `redline serve` tree and by the PostgreSQL backends of `database` (their
    command lines name it), and the machine's busy and total CPU seconds: read before and after a run, they say
    how much of the shared machine's time the run had."""
    processes = _processes()
    tree, grew = {server_pid}, True
    while grew:
        more = {pid for pid, parent, _ in processes if parent in tree} - tree
        tree |= more
        grew = bool(more)
    backends = {pid for pid, _, command in processes if command.startswith("postgres:") and f" {database} " in command}
    tick = os.sysconf("SC_CLK_TCK")
    machine = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = machine[3] + machine[4]
    return {
        "server": sum(_ticks(p) for p in tree) / tick,
        "database": sum(_ticks(p) for p in backends) / tick,
        "machine_busy": (sum(machine) - idle) / tick,
        "machine_total": sum(machine) / tick,
    }


def cpu_used(before: dict[str, float], after: dict[str, float], requests: float) -> dict[str, float]:
    """What a run cost in CPU: the server's and its database's seconds, per request, and the share of the
    machine's CPU that was busy (everything, not only this run) while it ran."""
    server = after["server"] - before["server"]
    # a lower bound: a backend that ended during the run (a pool's overflow connection closed on its return) took its
    # time with it, and the sum can even fall (then 0)
    database = max(0.0, after["database"] - before["database"])
    total = after["machine_total"] - before["machine_total"]
    return {
        "server_cpu_seconds": round(server, 2),
        "database_cpu_seconds": round(database, 2),
        "cpu_ms_per_request": round(1000 * (server + database) / max(requests, 1.0), 2),
        "machine_busy_share": round((after["machine_busy"] - before["machine_busy"]) / max(total, 1e-9), 2),
    }


def compare(small: dict[str, Any], large: dict[str, Any]) -> dict[str, Any]:
    """Per endpoint: p95 at both sizes, their ratio, and whether it is within the goal with no errors."""
    out = {}
    for name, big in large["endpoints"].items():
        base = small["endpoints"][name]
        ratio = round(big["p95_ms"] / max(base["p95_ms"], 1.0), 2)
        errors = sum(run["failed"] + run["non_2xx"] for run in (base, big))
        out[name] = {
            "p95_ms_small": base["p95_ms"],
            "p95_ms_large": big["p95_ms"],
            "ratio_p95": ratio,
            # CPU per request (server and database): what the work costs, which the shared machine's load changes least
            "cpu_ms_per_request_small": base["cpu_ms_per_request"],
            "cpu_ms_per_request_large": big["cpu_ms_per_request"],
            "ratio_cpu_per_request": round(big["cpu_ms_per_request"] / max(base["cpu_ms_per_request"], 0.01), 2),
            "errors": errors,
            "goal_met": errors == 0 and ratio <= GOAL_RATIO,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the databases (redline_scale_SIZE)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    ab = PLATFORM.ensure_ab()
    tmp = Path(tempfile.mkdtemp(prefix="redline-scale-"))
    loaded: dict[int, dict[str, Any]] = {}
    prepared: dict[int, tuple[str, dict[str, str]]] = {}
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        for size in args.sizes:
            url = create_database(args.postgres, f"redline_scale_{size}")
            loaded[size], tokens = prepare(url, tmp / f"blobs-{size}", size)
            prepared[size] = (url, tokens)
        load_measuring = [round(x, 2) for x in os.getloadavg()]
        measured = measure(prepared, tmp, args, ab)
    finally:
        if not args.keep:
            for size in args.sizes:
                drop_database(args.postgres, f"redline_scale_{size}")
        shutil.rmtree(tmp, ignore_errors=True)
    sizes = {size: {"loaded": loaded[size], **measured[size]} for size in args.sizes}
    small, large = (sizes[s] for s in args.sizes)
    endpoints = compare(small, large)
    result = {
        "benchmark": "scale",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "system": platform.platform(), "cpus": os.cpu_count()},
        "inputs": {
            "sizes": args.sizes,
            "providers": [max(1, s // scale_data.FILINGS_PER_PROVIDER) for s in args.sizes],
            "prefecture_offices": len(scale_data.prefectures(load_rulebook().divisions)),
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "database": "postgresql",
            "settings": {"REDLINE_READ_CACHE_SIZE": "0", "REDLINE_PAGE_CACHE_MIB": "0"},
            "officers": {scope: user for scope, (user, _) in OFFICERS.items()},
            "queue_search_sort": SEARCH,
            "load_tool": "ApacheBench (apache2-utils)",
        },
        "by_size": {str(s): v for s, v in sizes.items()},
        "endpoints": endpoints,
        "missed": [n for n, e in endpoints.items() if not e["goal_met"]],
        "peak_rss_mib": {str(s): v["peak_rss_mib"] for s, v in sizes.items()},
        "load_average": {
            "note": "1, 5 and 15 minutes; the machine's 2 cores are shared with other work",
            "before_loading": load_before,
            "before_measuring": load_measuring,
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "goal": f"each endpoint's p95 at {args.sizes[1]:,} filings <= {GOAL_RATIO} x its p95 at {args.sizes[0]:,}, "
        "read and page caches off, and no errors",
        "goal_met": all(e["goal_met"] for e in endpoints.values()),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
