"""Which rulebook a filing was made under: each filing records the digest of the rulebook its obligations
and checklist came from, and the installation keeps that rulebook (store/models/rulebooks.py) so the impact
of a later upgrade can be worked out against it (services/rulebook_impact)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redline.rulebook.book import Rulebook
from redline.rulebook.snapshot import content_of, rulebook_from
from redline.store.models import Filing, RulebookVersion


def record(session: Session, book: Rulebook) -> str:
    """Keep `book` if this installation has not yet (in the caller's transaction); its digest."""
    if session.scalar(select(RulebookVersion.id).where(RulebookVersion.digest == book.version)) is None:
        row = RulebookVersion(digest=book.version, label=book.label, dated=book.dated, content=content_of(book))
        try:
            with session.begin_nested():  # another transaction may keep the same rulebook at the same moment
                session.add(row)
        except IntegrityError:
            pass
    return book.version


def stamp(session: Session, filing: Filing, book: Rulebook) -> None:
    """`filing` was (re)assessed under `book`."""
    filing.rulebook_version = record(session, book)


def stored(session: Session, digest: str, current: Rulebook) -> Rulebook | None:
    """The rulebook kept under `digest` (the current one without a query), or None if it was never kept."""
    if digest == current.version:
        return current
    row = session.scalar(select(RulebookVersion).where(RulebookVersion.digest == digest))
    if row is None:
        return None
    return rulebook_from(row.content, current.divisions, row.digest, row.label, row.dated)


def recorded(session: Session) -> list[tuple[str, str, str | None]]:
    """Every rulebook kept: digest, label and date (ISO), oldest first."""
    rows = session.execute(
        select(RulebookVersion.digest, RulebookVersion.label, RulebookVersion.dated).order_by(RulebookVersion.id)
    )
    return [(d, label, dated.isoformat() if dated else None) for d, label, dated in rows]
