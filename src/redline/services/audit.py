"""The audit chain: append-only entries, each holding the SHA-256 of the one before.

`verify` finds any edited, deleted, inserted or reordered entry and names the first bad link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.services.context import Context
from redline.store.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def entry_hash(seq: int, at: str, actor: str, action: str, subject: str, data: str, prev: str) -> str:
    payload = json.dumps([seq, at, actor, action, subject, data, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _iso(at: dt.datetime) -> str:
    if at.tzinfo is None:  # SQLite returns naive datetimes; they were stored as UTC
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def append(
    session: Session, at: dt.datetime, actor: str, action: str, subject: str, data: dict[str, Any]
) -> AuditEntry:
    """Add an entry in the caller's transaction; the head row lock orders concurrent writers."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    seq = head.seq + 1
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    digest = entry_hash(seq, _iso(at), actor, action, subject, text, head.hash)
    entry = AuditEntry(
        seq=seq, at=at, actor=actor, action=action, subject=subject, data=text, prev_hash=head.hash, hash=digest
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    first_broken: int | None = None
    reason: str = ""


def verify(session: Session) -> ChainReport:
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"entry {expected_seq} is missing (next is {entry.seq})")
        if entry.prev_hash != prev:
            return ChainReport(
                False,
                count,
                entry.seq,
                f"entry {entry.seq} does not follow entry {entry.seq - 1} (deleted, inserted or reordered)",
            )
        actual = entry_hash(
            entry.seq, _iso(entry.at), entry.actor, entry.action, entry.subject, entry.data, entry.prev_hash
        )
        if actual != entry.hash:
            return ChainReport(False, count, entry.seq, f"entry {entry.seq} was edited")
        prev, expected_seq = entry.hash, expected_seq + 1
    head = session.get(AuditHead, 1)
    if head is None or head.seq != count or head.hash != prev:
        return ChainReport(
            False,
            count,
            count + 1 if head and head.seq > count else count,
            "the chain ends early: entries after the last one were removed",
        )
    return ChainReport(True, count)


def verify_chain(ctx: Context) -> ChainReport:
    """`verify` on the installation's database."""
    with ctx.reader() as uow:
        return verify(uow.session)
