"""What an invited assessor's signature covers: the statement, every answer and the evidence manifest.

The digest is taken when the assessor signs and kept with the filing. A signature holds only while the
filing still hashes to it, so evidence or answers added after signing (by any path) leave the filing
unsigned, and the report presents it as self-assessed until the assessor signs again.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.reports.canonical import canonical_bytes
from redline.store.models import Evidence, Filing


def covered_digest(session: Session, filing: Filing) -> str:
    """SHA-256 over the canonical JSON of the statement, the answers and the evidence manifest."""
    rows = session.scalars(select(Evidence).where(Evidence.filing_id == filing.id))
    manifest = sorted([e.item_id or "", e.sha256, e.filename, e.description] for e in rows)
    document = {"statement": filing.assessor_statement, "answers": filing.answers, "evidence": manifest}
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def holds(session: Session, filing: Filing) -> bool:
    """The invited assessor signed, and the filing is still exactly what the signature covers."""
    if filing.assessor_id is None or filing.assessor_signed_at is None or not filing.assessor_signed_digest:
        return False
    return filing.assessor_signed_digest == covered_digest(session, filing)
