"""Load: 50 concurrent clients of mixed roles on loopback, reads and writes, for 60 s; SQLite and
PostgreSQL (when REDLINE_TEST_POSTGRES_URL or --postgres is given) with several workers.

Checks: 0 errors, no lost or duplicated audit entries (every accepted write has exactly its entry, the
chain verifies); then the concurrent-conflict scenario (bench/load_conflict.py): officers sending different
decisions on the same filings at once leave 0 impossible states and 0 lost or doubled audit entries.
Records p95 per route in bench/results/load.json. Load tool: ApacheBench (Debian).

    .venv/bin/python bench/load.py [--seconds 60] [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

# ruff: noqa: E402  (imports follow the sys.path fix below, on purpose)
from __future__ import annotations

import sys

# bench/platform.py shadows the standard library's `platform`: take this folder off the path first.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("bench")]
sys.path.append(__file__.rsplit("/", 1)[0])  # last, so the standard library comes first

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from abtool import run_ab, serving
from load_conflict import run_conflicts
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services import audit
from redline.services.access import accounts
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry, Filing, Service

RESULTS = Path(__file__).parent / "results" / "load.json"


def _database(kind: str, tmp: Path, postgres: str) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{tmp}/load.db", None
    name = f"redline_load_{os.getpid()}"
    admin = create_engine(postgres.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(postgres).set(database=name).render_as_string(hide_password=False), name


def run_backend(kind: str, seconds: int, workers: int, postgres: str) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"redline-load-{kind}-"))
    url, pg_name = _database(kind, tmp, postgres)
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
    load_demo(ctx)
    tokens = {
        u: accounts.create_api_token(ctx, accounts.login(ctx, u, DEMO_PASSWORD)[1], "load")
        for u in ("hz-cac", "zj-cac", "hz-admin", "sz-admin", "assessor")
    }
    with ctx.reader() as uow:
        service = uow.session.scalar(select(Service.id).where(Service.name.like("拾光%")))
        before = uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        last_filing = uow.session.scalar(select(func.max(Filing.id))) or 0
    body = tmp / "change.json"
    body.write_text(
        json.dumps(
            {
                "service_id": service,
                "change": {"kind": "add_capability", "date": "2027-03-01", "capabilities": ["forum"]},
            }
        )
    )
    env = {"REDLINE_DATABASE_URL": url, "REDLINE_BLOB_DIR": str(tmp / "blobs")}
    with serving(env, workers) as base:
        auth = {u: [f"Authorization: Bearer {t}"] for u, t in tokens.items()}
        plan = {  # route: (url, concurrency, headers, body) — 50 clients in all
            "GET /api/v1/filings (hz-cac)": (base + "/api/v1/filings", 10, auth["hz-cac"], None),
            "GET /api/v1/dashboard (zj-cac)": (base + "/api/v1/dashboard", 8, auth["zj-cac"], None),
            "GET /api/v1/filings (hz-admin)": (base + "/api/v1/filings?limit=20", 8, auth["hz-admin"], None),
            "POST /api/v1/filings (sz-admin)": (base + "/api/v1/filings", 8, auth["sz-admin"], body),
            "GET /api/v1/filings (assessor)": (base + "/api/v1/filings", 6, auth["assessor"], None),
            "GET /api/v1/summonses (zj-cac)": (base + "/api/v1/summonses", 6, auth["zj-cac"], None),
            "GET /api/v1/health": (base + "/api/v1/health", 4, [], None),
        }
        with ThreadPoolExecutor(max_workers=len(plan)) as pool:
            futures = {name: pool.submit(run_ab, u, seconds, c, h, b) for name, (u, c, h, b) in plan.items()}
            routes = {name: f.result() for name, f in futures.items()}
        conflicts = run_conflicts(base, ctx, tokens)  # many officers on the same filings at once
    writes = routes["POST /api/v1/filings (sz-admin)"]
    accepted = int(writes["requests"] - writes["non_2xx"] - writes["failed"])
    with ctx.reader() as uow:
        after = uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        subjects = uow.session.scalars(
            select(AuditEntry.subject).where(AuditEntry.action == "filing.open", AuditEntry.seq > before)
        ).all()
        created = uow.session.scalars(select(Filing.id).where(Filing.id > last_filing)).all()
        chain = audit.verify(uow.session)
    opened = len(subjects)
    # ab stops counting at the deadline while the server finishes requests in flight, so the check is
    # between the database's two records: one "filing.open" entry per new filing, none lost or doubled
    exact = sorted(subjects) == sorted(f"filing:{i}" for i in created)
    if pg_name:
        admin = create_engine(
            postgres.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    errors = int(sum(r["failed"] + r["non_2xx"] for r in routes.values()))
    return {
        "database": kind,
        "workers": workers,
        "seconds": seconds,
        "clients": sum(p[1] for p in plan.values()),
        "routes": routes,
        "errors": errors,
        "writes_accepted": accepted,
        "audit_entries_added": after - before,
        "filings_created": len(created),
        "open_entries_added": opened,
        "audit_chain_ok": chain.ok,
        "no_lost_or_duplicated_audit": exact and chain.ok and len(created) >= accepted,
        "conflicts": conflicts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--postgres", default=os.environ.get("REDLINE_TEST_POSTGRES_URL", ""))
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if shutil.which("ab") is None:
        sys.exit("ApacheBench is needed (Debian: apache2-utils)")
    cpus = os.cpu_count() or 1
    runs = [run_backend("sqlite", args.seconds, cpus, "")]
    if args.postgres:
        runs.append(run_backend("postgresql", args.seconds, max(2, cpus * 2), args.postgres))
    result = {
        "benchmark": "load",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "system": platform.platform(), "cpus": cpus},
        "load_tool": "ApacheBench (apache2-utils)",
        "runs": runs,
        "goal": "0 errors; every accepted write has exactly one audit entry; the chain verifies; officers "
        "deciding on the same filings at once leave 0 impossible states and 0 lost or doubled entries",
        "goal_met": all(r["errors"] == 0 and r["no_lost_or_duplicated_audit"] and r["conflicts"]["ok"] for r in runs),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
