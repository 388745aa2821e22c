"""Checking signed checkpoints (services/records/checkpoints.py) against the live database.

`verify` checks the checkpoints table with the platform public key in the key directory; `verify_witness`
checks a witness's exported copy with the key recorded in that copy, independently of the table and of
the key directory (either of which an attacker with server access may have rewritten). Both then check,
for every checkpoint, that the audit chain still hashes to the head it names and that every covered
report still has the digest its latest checkpoint names, and name the first break. Run `audit.verify`
first: it proves each stored entry hash is the hash of its entry.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.reports.canonical import canonical_bytes, digest
from redline.reports.signatures import key_id
from redline.services import audit
from redline.services.context import Context
from redline.services.records.checkpoints import GENESIS, PUBLIC_NAME, SCHEMA, VERSION, platform_public_key, root_after
from redline.store.models import AuditCheckpoint, AuditEntry, AuditHead, Filing, ReportVersion


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    checkpoints: int
    reports: int = 0
    reason: str = ""


@dataclass(frozen=True)
class Signed:
    """One checkpoint as signed: the exact body text, its signature and the key it must verify with."""

    body_text: str
    signature: str
    public_key: bytes


class BrokenError(Exception):
    """The first break found; its text names the checkpoint, entry or filing."""


def _signature_ok(item: Signed) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(item.public_key).verify(
            base64.b64decode(item.signature, validate=True), item.body_text.encode("utf-8")
        )
        return True
    except (InvalidSignature, ValueError, binascii.Error):
        return False


Named = dict[tuple[int, str], int]
"""(filing id, report digest) -> the first checkpoint naming it, in naming order (a filing's latest last)."""


def _walk(items: list[Signed]) -> tuple[dict[int, tuple[str, int]], Named]:
    """Signatures, numbering and links; returns chain claims {entry seq: (hash, checkpoint)} and the
    report versions named."""
    prev_link, prev_root = GENESIS, GENESIS
    chain: dict[int, tuple[str, int]] = {}
    reports: Named = {}
    for number, item in enumerate(items, start=1):
        if not _signature_ok(item):
            raise BrokenError(
                f"checkpoint {number}: the signature does not match (the checkpoint was altered, or "
                "signed by another key than the platform key)"
            )
        body: dict[str, Any] = json.loads(item.body_text)
        if body.get("schema") != SCHEMA or body.get("version") != VERSION or body.get("seq") != number:
            raise BrokenError(f"checkpoint {number}: missing, or out of order (found checkpoint {body.get('seq')})")
        if canonical_bytes(body).decode("utf-8") != item.body_text or body.get("key_id") != key_id(item.public_key):
            raise BrokenError(f"checkpoint {number}: not in canonical form, or names another key")
        if body["prev"] != prev_link:
            raise BrokenError(
                f"checkpoint {number} does not follow checkpoint {number - 1} (one was removed or replaced)"
            )
        added = body["reports"]["added"]
        if body["reports"]["root"] != root_after(prev_root, added):
            raise BrokenError(f"checkpoint {number}: the report root does not match its reports")
        chain[int(body["chain"]["seq"])] = (str(body["chain"]["hash"]), number)
        for fid, d in added:
            reports.setdefault((int(fid), str(d)), number)
        prev_link = hashlib.sha256(f"{item.body_text}\n{item.signature}".encode()).hexdigest()
        prev_root = body["reports"]["root"]
    return chain, reports


def _check_chain(session: Session, chain: dict[int, tuple[str, int]]) -> None:
    head = session.get(AuditHead, 1)
    wanted = [seq for seq in chain if seq > 0]
    stored = (
        {
            seq: digest
            for seq, digest in session.execute(
                select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(wanted))
            )
        }
        if wanted
        else {}
    )
    stored[0] = GENESIS  # a checkpoint of the empty chain
    for seq, (expected, number) in sorted(chain.items()):
        actual = stored.get(seq)
        if actual is None or (head is not None and seq > head.seq):
            raise BrokenError(f"checkpoint {number}: audit entry {seq} is gone (entries after it were removed)")
        if actual != expected:
            raise BrokenError(
                f"checkpoint {number}: the audit chain up to entry {seq} no longer hashes to the "
                "signed head (entries up to it were edited and the chain recomputed)"
            )


def _latest_named(reports: Named) -> dict[int, tuple[str, int]]:
    latest: dict[int, tuple[str, int]] = {}
    for (fid, d), number in reports.items():
        latest[fid] = (d, number)
    return latest


def _check_versions(session: Session, reports: Named, *, all_covered: bool) -> None:
    """Every named version still holds the report it was sealed with; unnamed ones are a break when
    every version must be covered."""
    stored = {
        (fid, d): report
        for fid, d, report in session.execute(
            select(ReportVersion.filing_id, ReportVersion.digest, ReportVersion.report)
        )
    }
    for (fid, expected), number in sorted(reports.items(), key=lambda r: r[1]):
        report = stored.get((fid, expected))
        if report is None or not isinstance(report, dict) or digest(report) != expected:
            raise BrokenError(
                f"checkpoint {number}: a sealed report version of filing {fid} is gone or changed "
                f"after the checkpoint (signed digest {expected[:16]}…)"
            )
    if all_covered:
        for fid, d in sorted(set(stored) - set(reports)):
            raise BrokenError(
                f"the sealed report of filing {fid} (version {d[:16]}…) is not covered by any "
                "checkpoint (checkpoints removed, or sealed before checkpoints existed: then run "
                "`redline audit checkpoint`)"
            )


def _check_reports(session: Session, reports: Named, *, all_covered: bool) -> None:
    rows = {
        fid: (d, report)
        for fid, d, report in session.execute(
            select(Filing.id, Filing.report_digest, Filing.report).where(Filing.report_digest.is_not(None))
        )
    }
    newest = {
        fid: d
        for fid, d, _ in session.execute(
            select(ReportVersion.filing_id, ReportVersion.digest, ReportVersion.number).order_by(
                ReportVersion.filing_id, ReportVersion.number
            )
        )
    }
    for fid, (expected, number) in sorted(_latest_named(reports).items()):
        if fid not in rows:
            raise BrokenError(f"checkpoint {number}: the sealed report of filing {fid} is gone")
        stated, report = rows[fid]
        current = newest.get(fid, expected)  # the copy review works on is the newest version
        if stated != current or not isinstance(report, dict) or digest(report) != current:
            raise BrokenError(
                f"checkpoint {number}: the sealed report of filing {fid} changed after the "
                f"checkpoint (signed digest {expected[:16]}…, now {str(stated)[:16]}…)"
            )
    _check_versions(session, reports, all_covered=all_covered)
    if all_covered:
        for fid in sorted(set(rows) - set(_latest_named(reports))):
            raise BrokenError(
                f"the sealed report of filing {fid} is not covered by any checkpoint (checkpoints "
                "removed, or sealed before checkpoints existed: then run `redline audit checkpoint`)"
            )


def _check_all(session: Session, items: list[Signed], *, all_covered: bool) -> CheckpointReport:
    try:
        chain, reports = _walk(items)
        _check_reports(session, reports, all_covered=all_covered)
        _check_chain(session, chain)
    except BrokenError as exc:
        return CheckpointReport(False, len(items), reason=str(exc))
    except (KeyError, TypeError, ValueError) as exc:
        return CheckpointReport(False, len(items), reason=f"a checkpoint is malformed ({exc!r})")
    return CheckpointReport(True, len(items), len(_latest_named(reports)))


def verify(session: Session, key_dir: Path) -> CheckpointReport:
    """The checkpoints table, with the platform public key in `key_dir`."""
    rows = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)))
    public = platform_public_key(key_dir)
    if rows and public is None:
        return CheckpointReport(
            False,
            len(rows),
            reason=f"the platform public key {PUBLIC_NAME} is missing from "
            f"{key_dir}: the checkpoints cannot be checked",
        )
    items = [Signed(r.body, r.signature, public.raw if public else b"") for r in rows]
    return _check_all(session, items, all_covered=True)


def parse_witness(lines: list[str]) -> list[Signed]:
    """An exported checkpoint file's lines; ValueError naming the line when one is not a checkpoint."""
    items = []
    for number, line in enumerate((x for x in lines if x.strip()), start=1):
        try:
            value = json.loads(line)
            items.append(
                Signed(
                    canonical_bytes(value["body"]).decode("utf-8"),
                    str(value["signature"]),
                    base64.b64decode(value["public_key"], validate=True),
                )
            )
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise ValueError(f"line {number} is not an exported redline checkpoint") from None
    return items


def verify_witness(session: Session, lines: list[str]) -> CheckpointReport:
    """A witness's exported copy against the live database: each checkpoint with the key recorded in the copy.

    Reports sealed after the copy was taken are not covered by it; that is not a break."""
    items = parse_witness(lines)
    if len({item.public_key for item in items}) > 1:
        return CheckpointReport(False, len(items), reason="the copy names more than one platform key")
    result = _check_all(session, items, all_covered=False)
    if not result.ok:
        return result
    rows = {r.seq: r for r in session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.seq <= len(items)))}
    for number, item in enumerate(items, start=1):
        row = rows.get(number)
        if row is None or row.body != item.body_text or row.signature != item.signature:
            return CheckpointReport(
                False,
                len(items),
                reason=f"checkpoint {number} in the database is missing or "
                "differs from the witnessed copy (the checkpoints table was rewritten)",
            )
    return result


def verify_installation(ctx: Context) -> tuple[audit.ChainReport, CheckpointReport | None]:
    """The audit chain, then (when it holds) every signed checkpoint with the platform key, in one snapshot."""
    with ctx.reader() as uow:
        chain = audit.verify(uow.session)
        return chain, (verify(uow.session, ctx.settings.key_dir) if chain.ok else None)


def verify_witnessed(ctx: Context, lines: list[str]) -> tuple[audit.ChainReport, CheckpointReport]:
    """The audit chain and a witness's kept copy of the checkpoints, against the database, in one snapshot."""
    with ctx.reader() as uow:
        return audit.verify(uow.session), verify_witness(uow.session, lines)
