"""Signed checkpoints of the audit chain: tamper evidence with a key.

The audit chain and the report seals are unkeyed SHA-256: whoever can write the database can edit a
sealed report, reseal it and recompute the chain. A checkpoint binds both to the platform key
(Ed25519, ``KEY_NAME`` in the key directory, made on first use with mode 0600), and can be exported
so that a regulator keeps and countersigns it outside the platform (``redline audit checkpoints export``),
as Certificate Transparency logs are witnessed.

A checkpoint's body, signed as canonical JSON (``canonical.canonical_bytes``)::

    {"schema": "redline/audit-checkpoint", "version": 1, "seq": n, "at": ISO 8601 UTC,
     "chain": {"seq": audit head seq, "hash": audit head hash},
     "reports": {"added": [[filing id, report digest], ...], "root": hex},
     "prev": SHA-256 of the previous checkpoint's body and signature (64 zeros for the first),
     "key_id": the platform key's id}

``added`` lists the sealed report versions new since the previous checkpoint (sorted by filing id); a filing
resubmitted has one pair per version, in order. ``root`` = SHA-256(previous root || canonical JSON of ``added``),
so every checkpoint commits to the digest of every sealed report version up to it: each named version must still
have its digest, and the latest digest named for a filing is the one its current report must have.
Checkpoints are written in the same transaction as a submission or an import (which holds the audit
head lock, so they are numbered without gaps), and by ``redline audit checkpoint`` for everything else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.errors import RedlineError
from redline.reports.canonical import canonical_bytes
from redline.reports.signatures import (
    Algorithm,
    PrivateKey,
    PublicKey,
    load_private_key,
    load_public_key,
    new_key,
    utc_stamp,
)
from redline.services.context import Context
from redline.store.models import AuditCheckpoint, AuditHead, ReportVersion

SCHEMA = "redline/audit-checkpoint"
VERSION = 1
GENESIS = "0" * 64
KEY_NAME = "platform-checkpoint.key"
PUBLIC_NAME = "platform-checkpoint.pub"
SIGNER = "redline platform (audit checkpoints)"


class PlatformKeyError(RedlineError):
    """The platform key cannot be made or read (key directory missing, not writable, damaged)."""


# ---- the platform key ----------------------------------------------------------------------------


def _create_exclusive(target: Path, text: str, mode: int) -> bool:
    """Write `text` to `target` whole or not at all; never replace an existing file. False when another
    process made it first (concurrent first uses): then theirs is used."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)  # exactly `mode`, whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)


def key_made_on_first_use(private: Path, signer: str, what: str, public: Path | None = None) -> PrivateKey:
    """The Ed25519 key in `private`, made on first use (private key mode 0600, the `public` copy 0644);
    concurrent first uses agree on one key. PlatformKeyError naming `what` when it cannot be made or read."""
    try:
        if not private.exists():
            private.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            pair = new_key(Algorithm.ED25519, signer)
            if _create_exclusive(private, pair.private_text, 0o600) and public is not None:
                _create_exclusive(public, pair.public_text, 0o644)
        return load_private_key(private)
    except OSError as exc:
        raise PlatformKeyError(f"cannot make or read {what}: {exc.strerror}", source=str(private)) from None


def platform_key(key_dir: Path) -> PrivateKey:
    """The platform's checkpoint signing key, made on first use."""
    return key_made_on_first_use(key_dir / KEY_NAME, SIGNER, "the platform checkpoint key", key_dir / PUBLIC_NAME)


def platform_public_key(key_dir: Path) -> PublicKey | None:
    """The platform's public checkpoint key, or None when there is none yet; never makes one."""
    path = key_dir / PUBLIC_NAME
    return load_public_key(path) if path.exists() else None


# ---- writing -------------------------------------------------------------------------------------


def root_after(prev_root: str, added: list[list[Any]]) -> str:
    return hashlib.sha256(prev_root.encode("ascii") + canonical_bytes({"added": added})).hexdigest()


def link_of(row: AuditCheckpoint) -> str:
    return hashlib.sha256(f"{row.body}\n{row.signature}".encode()).hexdigest()


def covered(session: Session) -> set[tuple[int, str]]:
    """Every (filing id, report digest) some checkpoint names."""
    named: set[tuple[int, str]] = set()
    for body in session.scalars(select(AuditCheckpoint.body).order_by(AuditCheckpoint.seq)):
        named.update((int(fid), str(d)) for fid, d in json.loads(body)["reports"]["added"])
    return named


def _changed_reports(session: Session) -> list[list[Any]]:
    """Versions no checkpoint names yet, oldest first within a filing (so the latest is named last)."""
    known = covered(session)
    versions = session.execute(
        select(ReportVersion.filing_id, ReportVersion.digest).order_by(ReportVersion.filing_id, ReportVersion.number)
    )
    return [[fid, d] for fid, d in versions if (fid, d) not in known]


def write(
    session: Session,
    key_dir: Path,
    at: dt.datetime,
    added: list[tuple[int, str]] | None = None,
) -> AuditCheckpoint:
    """A new checkpoint in the caller's transaction, after its audit entries; `added` the reports sealed in
    it (None: find every report not yet covered, reading all checkpoints)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    session.flush()
    last = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)).first()
    entries = _changed_reports(session) if added is None else [[fid, d] for fid, d in sorted(added, key=lambda a: a[0])]
    prev_root = json.loads(last.body)["reports"]["root"] if last else GENESIS
    key = platform_key(key_dir)
    when = at.astimezone(dt.UTC)
    body = {
        "schema": SCHEMA,
        "version": VERSION,
        "seq": (last.seq + 1) if last else 1,
        "at": utc_stamp(when),
        "chain": {"seq": head.seq, "hash": head.hash},
        "reports": {"added": entries, "root": root_after(prev_root, entries)},
        "prev": link_of(last) if last else GENESIS,
        "key_id": key.public.key_id,
    }
    text = canonical_bytes(body)
    assert key.ed25519 is not None
    row = AuditCheckpoint(
        seq=body["seq"],
        at=when,
        body=text.decode("utf-8"),
        key_id=key.public.key_id,
        signature=base64.b64encode(key.ed25519.sign(text)).decode("ascii"),
    )
    session.add(row)
    session.flush()
    return row


def checkpoint(ctx: Context) -> int:
    """`redline audit checkpoint`: a checkpoint now, covering every report not yet covered; returns its seq."""
    with ctx.uow() as uow:
        row = write(uow.session, ctx.settings.key_dir, ctx.now())
        uow.commit()
        return row.seq


def export_lines(session: Session, key_dir: Path) -> list[str]:
    """Every checkpoint as one JSON line: its body, its signature and the platform public key (base64 of
    the raw Ed25519 key), so a witness can check it without the platform."""
    public = platform_public_key(key_dir)
    rows = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)))
    if rows and public is None:
        raise PlatformKeyError(f"the platform public key {PUBLIC_NAME} is missing", source=str(key_dir))
    key_text = base64.b64encode(public.raw).decode("ascii") if public else ""
    return [
        json.dumps(
            {"body": json.loads(row.body), "signature": row.signature, "public_key": key_text},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        for row in rows
    ]


def export(ctx: Context) -> list[str]:
    """`export_lines` for the installation: what `redline audit checkpoints export` writes."""
    with ctx.reader() as uow:
        return export_lines(uow.session, ctx.settings.key_dir)
