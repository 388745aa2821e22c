"""National-scale data for the platform (issue 21): providers in every prefecture office's area and their
filings, written to PostgreSQL with COPY so a million filings load in minutes.

Deterministic (fixed seed): the same sizes give the same rows. Providers are spread evenly over the 342
prefecture-level divisions of GB/T 2260 (`rulebook/data/divisions.csv`), each seated in one of its counties
(the prefecture itself when it has none); each filing belongs to a provider drawn at random, in the provider's
place. States follow a mature platform's mix: most filings closed or accepted, a few thousand under review or
owing something at any time.

    .venv/bin/python bench/scale_data.py postgresql://postgres@127.0.0.1:5432/redline_scale --filings 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections.abc import Iterator

import psycopg
from sqlalchemy import func, select

from redline.rulebook.divisions import Divisions, Level
from redline.rulebook.loader import load_rulebook
from redline.store import filing_totals
from redline.store.db import make_engine
from redline.store.models import Filing

SEED = 2026
FILINGS_PER_PROVIDER = 10  # 1,000,000 filings over 100,000 providers
# (state, weight): a platform a few years in, where most cases are done
STATES = [
    ("closed", 40),
    ("accepted", 25),
    ("verified", 5),
    ("draft", 6),
    ("notice_issued", 2),
    ("submitted", 5),
    ("under_review", 6),
    ("supplement_requested", 3),
    ("reassessment_ordered", 1),
    ("onsite_inspection", 1),
    ("rectification_ordered", 3),
    ("rectification_submitted", 3),
]
SUBMITTED = {"draft", "notice_issued"}  # states before any submission
TAGS = ["public_opinion", "deep_synthesis", "generative_ai", "algorithmic_recommendation", "audio_video"]
WORDS = ["资讯", "社区", "直播", "短视频", "问答", "语音", "写作助手", "绘图", "推荐", "搜索", "音乐", "电商"]
FILING_COLUMNS = (
    "provider_id, region, state, visible_to_regulator, title, change, obligations, technologies, due_date, "
    "due_provisional, answers, assessor_statement, submitted_at, created_at, updated_at, owed_due"
)


def prefectures(divisions: Divisions) -> dict[str, list[str]]:
    """Every prefecture-level division (GB/T 2260 level 2, 342 of them) with the counties under it, or itself
    when it has none."""
    found: dict[str, list[str]] = {d.code: [] for d in divisions.all() if d.level is Level.PREFECTURE}
    for d in divisions.all():
        if d.level is Level.COUNTY and d.parent in found and len(d.code) == 6:
            found[d.parent].append(d.code)
    return {code: sorted(counties) or [code] for code, counties in sorted(found.items())}


def providers(divisions: Divisions, count: int) -> Iterator[tuple[str, str]]:
    """(name, location) of `count` providers, the prefectures taken in turn, a county of each at random."""
    rng = random.Random(SEED)
    areas = list(prefectures(divisions).values())
    for n in range(count):
        county = rng.choice(areas[n % len(areas)])
        yield f"{rng.choice(WORDS)}科技有限公司 {n:06d}", county


def filings(locations: list[tuple[int, str]], count: int, today: dt.date) -> Iterator[tuple[object, ...]]:
    """Rows for COPY into `filings` (FILING_COLUMNS), each for a provider (id, location) drawn at random."""
    rng = random.Random(SEED + 1)
    names = [s for s, _ in STATES]
    weights = [w for _, w in STATES]
    for n in range(count):
        provider, region = rng.choice(locations)
        state = rng.choices(names, weights)[0]
        created = dt.datetime.combine(today, dt.time(9), dt.UTC) - dt.timedelta(days=rng.randint(0, 1500))
        submitted = None if state in SUBMITTED else created + dt.timedelta(days=rng.randint(1, 20))
        due = today + dt.timedelta(days=rng.randint(-60, 120)) if state in SUBMITTED else None
        # the deadline owed now (store/filing_totals.owed_due_sql): no follow-up is generated, so the statutory
        # date before submission and nothing after; `load` checks it against the database's own recount
        yield (
            provider,
            region,
            state,
            state != "draft",
            f"基准案件 {n} {rng.choice(WORDS)}服务上线评估",
            json.dumps({"kind": "launch"}),
            "[]",
            json.dumps(rng.sample(TAGS, rng.randint(1, 2))),
            due,
            False,
            "{}",
            "",
            submitted,
            created,
            submitted or created,
            due,
        )


def load(url: str, filings_count: int, today: dt.date) -> dict[str, float]:
    """Append providers and filings at national scale (one provider per FILINGS_PER_PROVIDER filings) to the
    database at `url` (already at the schema's head, with whatever else it holds); returns how long each took."""
    divisions = load_rulebook().divisions
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        now = dt.datetime.now(dt.UTC)
        with conn.cursor() as cur, cur.copy("COPY organisations (kind, name, location, created_at) FROM STDIN") as copy:
            for name, location in providers(divisions, max(1, filings_count // FILINGS_PER_PROVIDER)):
                copy.write_row(("provider", name, location, now))
        with conn.cursor() as cur:
            cur.execute("SELECT id, location FROM organisations WHERE name LIKE '%科技有限公司 %' ORDER BY id")
            locations = [(int(i), str(loc)) for i, loc in cur.fetchall()]
        organised = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY filings ({FILING_COLUMNS}) FROM STDIN") as copy:
            for row in filings(locations, filings_count, today):
                copy.write_row(row)
        copied = time.perf_counter()
        conn.commit()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:  # the running totals of the dashboard, from the rows just copied
            filing_totals.recount_totals(connection)
            wrong = connection.execute(
                select(func.count()).where(Filing.owed_due.is_distinct_from(filing_totals.owed_due_sql()))
            ).scalar_one()
            if wrong:
                raise SystemExit(f"{wrong} generated filings owe another deadline than the platform computes")
    finally:
        engine.dispose()
    totalled = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE organisations")
        conn.execute("VACUUM ANALYZE filings")
    return {
        "providers_seconds": round(organised - started, 1),
        "filings_seconds": round(copied - organised, 1),
        "totals_seconds": round(totalled - copied, 1),
        "analyze_seconds": round(time.perf_counter() - totalled, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="a PostgreSQL database at the schema's head")
    parser.add_argument("--filings", type=int, default=1_000_000)
    args = parser.parse_args()
    print(json.dumps(load(args.url, args.filings, dt.date.today())))


if __name__ == "__main__":
    main()
