"""Each authority's review track of a filing, as stored (store/models/review.py) and as the domain sees it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain.parallel_review import Authority, both
from redline.domain.workflow import FilingState
from redline.store.models import Filing, FilingReview


@dataclass(frozen=True)
class TrackView:
    """What a page, the API or the CLI shows of one authority's review."""

    authority: str
    state: str
    officer_name: str
    at: dt.datetime | None
    note: str


def rows_of(session: Session, filing: Filing) -> dict[Authority, FilingReview]:
    """The filing's tracks, read afresh; a track not stored yet (a filing made before any step, or by a
    package import) is added at the filing's state. Call with the filing row locked (store/locking.py)."""
    rows = {
        Authority(r.authority): r
        for r in session.scalars(
            select(FilingReview).where(FilingReview.filing_id == filing.id).execution_options(populate_existing=True)
        )
    }
    for authority in Authority:
        if authority not in rows:
            rows[authority] = FilingReview(
                filing_id=filing.id, authority=authority.value, state=filing.state, officer_name="", note=""
            )
            session.add(rows[authority])
    return rows


def states_of(rows: dict[Authority, FilingReview]) -> dict[Authority, FilingState]:
    return {a: FilingState(r.state) for a, r in rows.items()}


def read(filing: Filing) -> list[TrackView]:
    """The tracks for display, without writing: a missing track stands at the filing's state."""
    stored = {r.authority: r for r in filing.reviews}
    views = []
    for authority, state in both(FilingState(filing.state)).items():
        row = stored.get(authority.value)
        views.append(
            TrackView(authority.value, row.state, row.officer_name, row.at, row.note)
            if row
            else TrackView(authority.value, state.value, "", None, "")
        )
    return views


def tracks(views: list[TrackView]) -> dict[Authority, FilingState]:
    return {Authority(v.authority): FilingState(v.state) for v in views}
