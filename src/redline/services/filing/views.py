"""Lists of filings as the API, the queue and the CLI show them: typed rows (`snapshots.FilingOut`)."""

from __future__ import annotations

from redline.services.context import Context
from redline.services.filing import queries
from redline.services.filing.snapshots import FilingOut
from redline.services.principal import Principal


def filing_rows(ctx: Context, p: Principal, f: queries.FilingFilter) -> tuple[list[FilingOut], int]:
    """The filings `p` may see, as `queries.list_filings` orders them, each with whether it is overdue; and how
    many match in all. What every list of filings shows: the API's, the queue's, the provider's."""
    rows, total = queries.list_filings(ctx, p, f)
    late = queries.overdue_among(ctx, rows)
    return [FilingOut.of(x, x.id in late) for x in rows], total
