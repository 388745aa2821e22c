"""Receipts (回执): the receiving authority countersigns a submitted report; a provider acknowledges an issued
document. Both are signed with a platform-custodied key of the signing organisation (docs/adr/0004).

A receipt's body, signed as canonical JSON with a detached redline signature (reports/signatures.py)::

    {"schema": "redline/receipt", "version": 1, "kind": "submission" | "acknowledgement",
     "subject": {"filing": id, "report_sha256": hex} | {"document": 文号, "document_sha256": hex},
     "signer": organisation name, "by": person, "at": ISO 8601 UTC}

The key of each organisation lives in the key directory as ``org-<id>.key`` (mode 0600), made on first
use and entered in the signing-key registry as approved, so `trust_of` names the organisation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.errors import CheckFailedError, InputError
from redline.reports.canonical import canonical_bytes
from redline.reports.signatures import PrivateKey, sign_with, utc_stamp, verify
from redline.services import audit
from redline.services.access.signing_keys import KeyStatus
from redline.services.records.checkpoints import key_made_on_first_use
from redline.store.models import Organisation, Receipt, SigningKey

SCHEMA = "redline/receipt"
VERSION = 1


def _key_path(key_dir: Path, org: Organisation) -> Path:
    return key_dir / f"org-{org.id}.key"


def organisation_key(session: Session, key_dir: Path, org: Organisation, at: dt.datetime) -> PrivateKey:
    """The organisation's custodied private key, made and registered (approved) on first use."""
    key = key_made_on_first_use(
        _key_path(key_dir, org), f"{org.name} (redline custodied key)", "the organisation's custodied key"
    )
    registered = session.scalar(select(SigningKey).where(SigningKey.key_id == key.public.key_id))
    if registered is None:
        session.add(
            SigningKey(
                key_id=key.public.key_id,
                algorithm=key.algorithm.value,
                claimed_signer=key.signer,
                public_key=base64.b64encode(key.public.raw).decode("ascii"),
                status=KeyStatus.APPROVED.value,
                organisation_id=org.id,
                registered_at=at,
                decided_at=at,
            )
        )
        audit.append(
            session, at, "system", "signing_key.custodied", f"signing_key:{key.public.key_id}", {"organisation": org.id}
        )
    return key


def sign_receipt(
    session: Session,
    key_dir: Path,
    at: dt.datetime,
    kind: str,
    subject: dict[str, Any],
    signer: Organisation,
    by: str,
    *,
    filing_id: int | None = None,
    document_id: int | None = None,
    user_id: int | None = None,
) -> Receipt:
    """Sign and store one receipt in the caller's transaction, with its audit entry."""
    body = {
        "schema": SCHEMA,
        "version": VERSION,
        "kind": kind,
        "subject": subject,
        "signer": signer.name,
        "by": by,
        "at": utc_stamp(at),
    }
    text = canonical_bytes(body)
    signature = sign_with(text, organisation_key(session, key_dir, signer, at))
    digest = str(subject.get("report_sha256") or subject.get("document_sha256"))
    row = Receipt(
        kind=kind,
        filing_id=filing_id,
        document_id=document_id,
        subject_sha256=digest,
        signer_id=signer.id,
        signed_by=user_id,
        at=at,
        body=text.decode("utf-8"),
        signature=json.dumps(signature, sort_keys=True, ensure_ascii=False),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        at,
        by,
        f"receipt.{kind}",
        f"receipt:{row.id}",
        {
            "subject": subject,
            "signer": signer.name,
            "key_id": signature["key_id"],
            "receipt_sha256": hashlib.sha256(text).hexdigest(),
        },
    )
    return row


def export(row: Receipt) -> dict[str, Any]:
    """A receipt as exported with a package or beside a report: its body and signature."""
    return {"body": json.loads(row.body), "signature": json.loads(row.signature)}


def check(receipt: Any, subject_sha256: str) -> str:
    """Check an exported receipt against the digest it must acknowledge; returns who signed it.

    CheckFailedError for a forged or altered receipt or one for another digest; InputError when malformed."""
    if not isinstance(receipt, dict) or not isinstance(receipt.get("body"), dict):
        raise InputError("a receipt is a JSON object with 'body' and 'signature'", field="receipt")
    body = receipt["body"]
    if body.get("schema") != SCHEMA or body.get("version") != VERSION:
        raise InputError(f"expected {SCHEMA!r} version {VERSION}: this is not a redline receipt", field="schema")
    signature = receipt.get("signature")
    if not isinstance(signature, dict):
        raise InputError("the receipt has no signature object", field="signature")
    verify(canonical_bytes(body), signature)
    subject = body.get("subject") if isinstance(body.get("subject"), dict) else {}
    named = subject.get("report_sha256") or subject.get("document_sha256")
    if named != subject_sha256:
        raise CheckFailedError(
            f"the receipt acknowledges digest {named}, not this one ({subject_sha256}): "
            "it is a receipt for another document"
        )
    return str(body.get("signer", ""))


# ---- receipts in a submission package: receipts/submission-N.json ---------------------------------

PACKAGE_PREFIX = "receipts/"


def package_members(session: Session, filing_id: int, report_sha256: str) -> dict[str, bytes]:
    """The submission receipts for the report as it stands, as package members."""
    rows = session.scalars(
        select(Receipt)
        .where(Receipt.filing_id == filing_id, Receipt.kind == "submission", Receipt.subject_sha256 == report_sha256)
        .order_by(Receipt.id)
    )
    return {
        f"{PACKAGE_PREFIX}submission-{i}.json": (
            json.dumps(export(row), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
        ).encode("utf-8")
        for i, row in enumerate(rows, start=1)
    }


def check_package(members: dict[str, bytes], report_sha256: str) -> list[dict[str, Any]]:
    """Every receipt in a package must be a signed receipt of this very report; raises naming the member."""
    found = []
    for name in sorted(n for n in members if n.startswith(PACKAGE_PREFIX)):
        try:
            receipt = json.loads(members[name].decode("utf-8"))
            check(receipt, report_sha256)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise CheckFailedError(f"package refused: {name} is not a JSON receipt") from None
        except (CheckFailedError, InputError) as exc:
            raise CheckFailedError(f"package refused: {name}: {exc.message}") from None
        found.append(receipt)
    return found
