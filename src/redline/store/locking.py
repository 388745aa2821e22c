"""Rows a use case decides on, read under lock so that no concurrent transaction changes them first.

PostgreSQL: `SELECT … FOR UPDATE`, held until the transaction ends; a second writer waits, then reads the
row as the first one left it. SQLite: every write transaction begins with `BEGIN IMMEDIATE` (store/db.py),
so the single writer already holds the database; the clause is left out there. Either way the row is read
again from the database, never taken from the session's cache, so a decision is made on the state as it is.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from redline.store.models import Base

Row = TypeVar("Row", bound=Base)


def get_for_update(session: Session, model: type[Row], row_id: int) -> Row | None:
    """The row with primary key `row_id`, locked for the rest of the transaction, or None."""
    # OF: only this table's row; rows joined in eagerly (the filing's provider, say) stay unlocked
    return session.get(model, row_id, with_for_update={"of": model}, populate_existing=True)
