"""Engine and unit of work. SQLite gets WAL, foreign keys and write transactions that take
the write lock at BEGIN, so concurrent writers queue instead of failing mid-transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

READONLY = "redline_readonly"


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_setup(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # How long a writer waits for another's lock before "database is locked" (a 503 with Retry-After).
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers take no lock; writers take the write lock up front, so a transaction never
        # fails half-way when it upgrades from reading to writing.
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 30_000) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": sqlite_busy_timeout_ms / 1000})
        _sqlite_setup(engine, sqlite_busy_timeout_ms)
        return engine
    # JIT compilation pays for itself on long analytical queries; on the platform's short ones over many rows
    # (a province's queue sorted by its deadlines) it costs more than the query (docs/adr/0025).
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"options": "-c jit=off"})


class UnitOfWork:
    """One transaction per use case: commit explicitly, roll back otherwise."""

    def __init__(self, factory: Callable[[], Session]) -> None:
        self._factory = factory
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() rolls back whatever was not committed but, unlike rollback(), leaves loaded
        # objects readable after the unit of work ends (read-side use cases return them).
        self.session.close()

    def commit(self) -> None:
        self.session.commit()


def session_factory(engine: Engine, *, readonly: bool = False) -> sessionmaker[Session]:
    bind = engine.execution_options(**{READONLY: True}) if readonly else engine
    return sessionmaker(bind=bind, expire_on_commit=False)
