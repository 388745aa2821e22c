"""Benchmark: the regulator's queue (page and API) against a trivial health endpoint, same server.

100,000 filings over 200 cities; 50 concurrent clients on loopback for 30 s per endpoint, with
ApacheBench (Debian's apache2-utils, installed when missing). Goal (issue 4): p95 of the list
endpoints at most 3x the p95 of /api/v1/health, and no errors. Writes bench/results/platform.json.

    .venv/bin/python bench/platform.py [--filings 100000] [--seconds 30] [--concurrency 50]
"""

# ruff: noqa: E402  (imports follow the sys.path fix below, on purpose)
from __future__ import annotations

import sys

# This file's name shadows the standard library's `platform`: take its folder off the path first.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("bench")]
sys.path.append(__file__.rsplit("/", 1)[0])  # last, so the standard library comes first

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

import httpx
from abtool import run_ab, serving
from sqlalchemy import insert, select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.domain.workflow import FilingState
from redline.services.access import accounts
from redline.store.migrate import upgrade
from redline.store.models import Filing, Organisation

RESULTS = Path(__file__).parent / "results" / "platform.json"
TAGS = ["public_opinion", "deep_synthesis", "generative_ai", "algorithmic_recommendation", "audio_video"]


def ensure_ab() -> str:
    if shutil.which("ab") is None:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "apache2-utils"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    path = shutil.which("ab")
    assert path
    return path


def seed(url: str, blob_dir: Path, total: int) -> None:
    """Demo data (for the accounts), then `total` filings spread over 200 cities, inserted in bulk."""
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=blob_dir))
    load_demo(ctx)
    rng = random.Random(2026)
    with ctx.uow() as uow:
        s = uow.session
        cities = [d for d in ctx.book.divisions._by_code.values() if d.level.value == "county"]
        rng.shuffle(cities)
        seats = {}
        for county in cities:
            seats.setdefault(county.code[:4], county)
            if len(seats) == 200:
                break
        seats["3301"] = ctx.book.divisions.get("330106")  # 杭州 always among them
        orgs = []
        for prefix, county in seats.items():
            assert county is not None
            org = Organisation(kind="provider", name=f"基准测试公司 {prefix}", location=county.code)
            s.add(org)
            orgs.append(org)
        s.flush()
        states = [st.value for st in FilingState]
        today = dt.date.today()
        batch = []
        for n in range(total):
            org = orgs[n % len(orgs)]
            state = rng.choice(states)
            batch.append(
                {
                    "provider_id": org.id,
                    "region": org.location,
                    "state": state,
                    "visible_to_regulator": state != "draft",
                    "title": f"基准案件 {n}",
                    "change": {"kind": "launch"},
                    "obligations": [],
                    "answers": {},
                    "technologies": rng.sample(TAGS, 2),
                    "due_date": today + dt.timedelta(days=rng.randint(-60, 120)),
                    "due_provisional": False,
                }
            )
            if len(batch) == 5000:
                s.execute(insert(Filing), batch)
                batch = []
        if batch:
            s.execute(insert(Filing), batch)
        uow.commit()
        assert s.scalar(select(Filing.id).order_by(Filing.id.desc()).limit(1))


def measure(ab: str, url: str, tmp: Path, token: str, args: argparse.Namespace, cache: bool) -> dict[str, Any]:
    env = {
        "REDLINE_DATABASE_URL": url,
        "REDLINE_BLOB_DIR": str(tmp / "blobs"),
        "REDLINE_READ_CACHE_SIZE": "2048" if cache else "0",
    }
    with serving(env, args.workers) as base:
        client = httpx.Client(base_url=base)
        page = client.get("/login")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"username": "hz-cac", "password": DEMO_PASSWORD, "csrf_token": csrf})
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        runs = {
            "health": run_ab(base + "/api/v1/health", args.seconds, args.concurrency, [], ab=ab),
            "filings_api": run_ab(
                base + "/api/v1/filings?limit=50",
                args.seconds,
                args.concurrency,
                [f"Authorization: Bearer {token}"],
                ab=ab,
            ),
            "queue_page": run_ab(base + "/regulator", args.seconds, args.concurrency, [f"Cookie: {cookie}"], ab=ab),
        }
    health = max(runs["health"]["p95_ms"], 1.0)
    ratios = {name: round(runs[name]["p95_ms"] / health, 2) for name in ("filings_api", "queue_page")}
    errors = sum(r["failed"] + r["non_2xx"] for r in runs.values())
    return {
        "figures": runs,
        "ratio_p95_to_health": ratios,
        "errors": errors,
        "goal_met": all(v <= 3 for v in ratios.values()) and errors == 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = parser.parse_args()
    ab = ensure_ab()
    tmp = Path(tempfile.mkdtemp(prefix="redline-bench-"))
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    started = time.perf_counter()
    seed(url, tmp / "blobs", args.filings)
    seeded = time.perf_counter() - started
    ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
    _, officer = accounts.login(ctx, "hz-cac", DEMO_PASSWORD)
    token = accounts.create_api_token(ctx, officer, "bench")
    with ctx.reader() as uow:
        visible = len(
            uow.session.scalars(
                select(Filing.id).where(Filing.region.startswith("3301"), Filing.visible_to_regulator.is_(True))
            ).all()
        )
    cached = measure(ab, url, tmp, token, args, cache=True)
    uncached = measure(ab, url, tmp, token, args, cache=False)
    result = {
        "benchmark": "platform",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "system": platform.platform(), "cpus": os.cpu_count()},
        "inputs": {
            "filings": args.filings,
            "cities": 200,
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "database": url.split(":", 1)[0],
            "officer": "hz-cac (330100)",
            "filings_visible_to_officer": visible,
            "load_tool": "ApacheBench (apache2-utils)",
            "seed_seconds": round(seeded, 1),
        },
        "default_settings": cached,
        "read_cache_off": uncached,
        "note": (
            "default_settings is the product as shipped: list responses come from a read cache "
            "stamped with the audit chain's length, so any write invalidates it; with 50 clients "
            "asking the same list it mostly hits. read_cache_off shows the cost of computing each "
            "response (REDLINE_READ_CACHE_SIZE=0)."
        ),
        "goal": "list p95 <= 3 x health p95, and no errors",
        "goal_met": cached["goal_met"],
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
