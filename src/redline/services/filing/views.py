"""A filing as the API returns it (and other entry points may print it): a typed shape built from the row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from redline.domain.workflow import BEFORE_SUBMISSION, FilingState
from redline.services.context import Context
from redline.services.filing import queries, review_tracks
from redline.services.principal import Principal
from redline.store.models import Filing


def _tags(value: Any) -> list[str]:
    """A filing's tags as strings; a malformed stored value (an old import) shows as none, never fails a list."""
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _obligations(value: Any) -> list[dict[str, Any]]:
    return [o for o in value if isinstance(o, dict)] if isinstance(value, list) else []


class ReviewOut(BaseModel):
    """One authority's review of the filing: its state, and the officer who last took a step in it."""

    authority: str
    state: str
    officer: str
    at: dt.datetime | None
    note: str


class FilingOut(BaseModel):
    id: int
    title: str
    state: str
    provider_id: int
    provider: str
    region: str
    service_id: int | None
    due_date: dt.date | None
    due_provisional: bool
    overdue: bool
    technologies: list[str]
    obligations: list[dict[str, Any]]
    submitted_at: dt.datetime | None
    report_digest: str | None
    reviews: list[ReviewOut]

    @property
    def review_lines(self) -> list[ReviewOut]:
        """The review tracks a list of filings shows: none before the report went to the regulators (both
        would only repeat the filing's own state)."""
        return [] if FilingState(self.state) in BEFORE_SUBMISSION else self.reviews

    @classmethod
    def of(cls, f: Filing, overdue: bool) -> FilingOut:
        return cls(
            id=f.id,
            title=f.title,
            state=f.state,
            provider_id=f.provider_id,
            provider=f.provider.name,
            region=f.region,
            service_id=f.service_id,
            due_date=f.due_date,
            due_provisional=f.due_provisional,
            overdue=overdue,
            technologies=_tags(f.technologies),
            obligations=_obligations(f.obligations),
            submitted_at=f.submitted_at,
            report_digest=f.report_digest,
            reviews=[
                ReviewOut(authority=r.authority, state=r.state, officer=r.officer_name, at=r.at, note=r.note)
                for r in review_tracks.read(f)
            ],
        )


def filing_rows(ctx: Context, p: Principal, f: queries.FilingFilter) -> tuple[list[FilingOut], int]:
    """The filings `p` may see, as `queries.list_filings` orders them, each with whether it is overdue; and how
    many match in all. What every list of filings shows: the API's, the queue's, the provider's."""
    rows, total = queries.list_filings(ctx, p, f)
    late = queries.overdue_among(ctx, rows)
    return [FilingOut.of(x, x.id in late) for x in rows], total
