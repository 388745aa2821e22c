"""Composition root: settings + engine + rulebook + blob store -> the services' Context."""

from __future__ import annotations

from sqlalchemy import Engine

from redline.config import Settings
from redline.domain.calendar import WorkCalendar
from redline.rulebook.loader import default_rulebook
from redline.rulebook.local import discovered_packages
from redline.services.cache import VersionedCache
from redline.services.context import Context
from redline.store.blobs import BlobStore
from redline.store.db import make_engine, session_factory
from redline.store.migrate import check_current, upgrade

PAGE_CACHE_ENTRIES = 4096  # besides the size bound in characters


def build_context(
    settings: Settings | None = None, *, engine: Engine | None = None, require_migrated: bool = True
) -> Context:
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    if require_migrated:
        check_current(engine, settings.database_url)
    book = default_rulebook(tuple(settings.holidays), settings.holidays_override, discovered_packages())
    return Context(
        settings=settings,
        session_factory=session_factory(engine),
        book=book,
        blobs=BlobStore(settings.blob_dir, settings.max_upload_bytes),
        calendar=WorkCalendar(book.holidays),
        read_session_factory=session_factory(engine, readonly=True),
        cache=VersionedCache(settings.read_cache_size),
        pages=page_cache(settings),
    )


def page_cache(settings: Settings) -> VersionedCache:
    """Rendered pages for the read cache's versions: off when either setting is 0."""
    on = settings.read_cache_size > 0 and settings.page_cache_mib > 0
    return VersionedCache(PAGE_CACHE_ENTRIES if on else 0, max_chars=settings.page_cache_mib * 512 * 1024)


def migrate_database(settings: Settings, revision: str = "head") -> None:
    """Create or migrate the installation's database to `revision` (Alembic; idempotent)."""
    upgrade(settings.database_url, revision)
