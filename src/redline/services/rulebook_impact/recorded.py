"""The rulebooks this installation has kept (one per version its filings were made under), to list and to
compare: `redline rules versions`, `redline rules diff recorded:LABEL installed`."""

from __future__ import annotations

import datetime as dt

from redline.errors import NotFoundError
from redline.rulebook.book import Rulebook
from redline.services.context import Context
from redline.services.filing import rulebook_versions
from redline.services.view_model import ViewModel


class RecordedOut(ViewModel):
    digest: str
    label: str
    dated: dt.date | None
    current: bool  # the rulebook the installation runs now


def recorded_rulebooks(ctx: Context) -> list[RecordedOut]:
    with ctx.reader() as uow:
        kept = rulebook_versions.recorded(uow.session)
    return [
        RecordedOut(
            digest=d, label=label, dated=dt.date.fromisoformat(day) if day else None, current=d == ctx.book.version
        )
        for d, label, day in kept
    ]


def recorded_rulebook(ctx: Context, key: str) -> Rulebook:
    """The kept rulebook whose digest or label is `key` (the latest kept, when a label was reused)."""
    matches = [r for r in recorded_rulebooks(ctx) if key in (r.digest, r.label)]
    if not matches:
        raise NotFoundError(f"no rulebook '{key}' kept by this installation (see `redline rules versions`)")
    with ctx.reader() as uow:
        book = rulebook_versions.stored(uow.session, matches[-1].digest, ctx.book)
    if book is None:
        raise NotFoundError(f"no rulebook '{key}' kept by this installation")
    return book
