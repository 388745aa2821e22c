"""What use cases need from the outside, handed in by the composition root (bootstrap)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from redline.config import Settings
from redline.domain.calendar import WorkCalendar
from redline.rulebook.book import Rulebook
from redline.services.cache import VersionedCache, data_version
from redline.store.blobs import BlobStore
from redline.store.db import UnitOfWork as UnitOfWork


def _today() -> dt.date:
    return dt.date.today()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    settings: Settings
    session_factory: Callable[[], Session]
    book: Rulebook
    blobs: BlobStore
    calendar: WorkCalendar
    read_session_factory: Callable[[], Session] | None = None
    cache: VersionedCache = field(default_factory=VersionedCache)
    # Rendered pages and parts of pages (web/templating.py), bounded by their length.
    pages: VersionedCache = field(default_factory=lambda: VersionedCache(4096, max_chars=16 * 1024 * 1024))
    today: Callable[[], dt.date] = field(default=_today)
    now: Callable[[], dt.datetime] = field(default=_now)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def version(self) -> int:
        """The data version: changes with every audited write."""
        with self.reader() as uow:
            return data_version(uow)

    def reader(self) -> UnitOfWork:
        """A unit of work for reading only: on SQLite it takes no write lock."""
        return UnitOfWork(self.read_session_factory or self.session_factory)
