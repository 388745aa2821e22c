"""The concurrent-conflict scenario of the load benchmark: many officers decide on the same filings at once.

Each round sends, at the same moment, a different review step from several officers for each of a few
filings (start review, accept, request a supplement, order rectification or re-assessment, start an
inspection). Afterwards every filing's timeline must be one unbroken path of the workflow (each step starts
from the state the one before left), its state the last step's, its rectification rounds exactly its
orders, and every step must have exactly one audit entry: 0 impossible states, 0 lost or doubled entries.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import select

from redline.services import audit
from redline.services.context import Context
from redline.store.models import AuditEntry, Filing, FilingEvent, RectificationItem, Service

OFFICERS = ("hz-cac", "zj-cac", "hz-cac", "zj-cac", "hz-cac", "zj-cac")
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("start_review", {}),
    ("accept", {"note": "无异议"}),
    ("request_supplement", {"note": "补充材料"}),
    ("order_rectification", {"note": "整改", "items": [{"text": "补齐日志留存", "due": "2027-12-31"}]}),
    ("order_reassessment", {"note": "重新评估"}),
    ("start_inspection", {"note": "现场检查"}),
]


def _submitted_filing(client: httpx.Client, service_id: int, n: int) -> int:
    created = client.post(
        "/api/v1/filings",
        json={
            "service_id": service_id,
            "change": {
                "kind": "add_capability",
                "date": "2027-06-01",
                "capabilities": ["forum"],
                "description": f"conflict {n}",
            },
        },
    )
    filing_id = int(created.json()["id"])
    items = client.get(f"/api/v1/filings/{filing_id}").json()["checklist_items"]
    client.put(f"/api/v1/filings/{filing_id}/answers", json={"answers": {i: {"status": "met"} for i in items}})
    client.post(f"/api/v1/filings/{filing_id}/actions/submit", json={})
    return filing_id


def _round(base: str, tokens: dict[str, str], filing_id: int) -> list[int]:
    gate, codes = threading.Barrier(len(STEPS)), [0] * len(STEPS)

    def send(n: int) -> None:
        action, body = STEPS[n]
        with httpx.Client(
            base_url=base, timeout=60, headers={"Authorization": f"Bearer {tokens[OFFICERS[n]]}"}
        ) as client:
            gate.wait()
            codes[n] = client.post(f"/api/v1/filings/{filing_id}/actions/{action}", json=body).status_code

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(STEPS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def _impossible(ctx: Context, filing_id: int) -> list[str]:
    """What in the filing's record no serial order of steps could have produced."""
    with ctx.reader() as uow:
        s = uow.session
        filing = s.get(Filing, filing_id)
        events = s.scalars(select(FilingEvent).where(FilingEvent.filing_id == filing_id).order_by(FilingEvent.id)).all()
        rounds = set(s.scalars(select(RectificationItem.round).where(RectificationItem.filing_id == filing_id)))
        entries = Counter(s.scalars(select(AuditEntry.action).where(AuditEntry.subject == f"filing:{filing_id}")))
    assert filing is not None
    problems = []
    for before, after in itertools.pairwise(events):
        if after.from_state is not None and after.from_state != before.to_state:
            problems.append(
                f"filing {filing_id}: '{after.action}' from {after.from_state}, "
                f"but the step before left {before.to_state}"
            )
    if events and events[-1].to_state != filing.state:
        problems.append(f"filing {filing_id}: state {filing.state}, last step left {events[-1].to_state}")
    orders = sum(e.action == "order_rectification" for e in events)
    if len(rounds) != orders:
        problems.append(f"filing {filing_id}: {len(rounds)} rectification round(s) for {orders} order(s)")
    for action, count in Counter(f"filing.{e.action}" for e in events).items():
        if entries[action] != count:
            problems.append(f"filing {filing_id}: {count} '{action}' step(s), {entries[action]} audit entries")
    return problems


def run_conflicts(base: str, ctx: Context, tokens: dict[str, str], filings: int = 5, rounds: int = 4) -> dict[str, Any]:
    """Create `filings` submitted filings, fire `rounds` rounds of conflicting steps at each; the verdict."""
    with ctx.reader() as uow:
        service_id = uow.session.scalar(select(Service.id).where(Service.name.like("声浪%")))
    assert service_id is not None
    with httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {tokens['hz-admin']}"}) as c:
        ids = [_submitted_filing(c, service_id, n) for n in range(filings)]
    codes: Counter[int] = Counter()
    for _ in range(rounds):
        for filing_id in ids:
            codes.update(_round(base, tokens, filing_id))
    problems = [p for filing_id in ids for p in _impossible(ctx, filing_id)]
    with ctx.reader() as uow:
        chain_ok = audit.verify(uow.session).ok
    return {
        "filings": filings,
        "rounds": rounds,
        "officers_at_once": len(STEPS),
        "answers": {str(k): v for k, v in sorted(codes.items())},
        "server_errors": sum(v for k, v in codes.items() if k >= 500),
        "impossible_states": len(problems),
        "problems": problems[:20],
        "audit_chain_ok": chain_ok,
        "ok": not problems and chain_ok and not any(k >= 500 for k in codes),
    }
