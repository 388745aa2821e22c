"""Alembic environment: the URL comes from redline's settings via the Config object."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from redline.store.db import make_engine
from redline.store.models import Base
from redline.store.models.base import on_dialect

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=on_dialect(connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a batch step recreates a table that other rows refer to: check the keys after, not during
            _sqlite_foreign_keys(conn, on=False)
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=on_dialect(conn.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            _sqlite_foreign_keys(conn, on=True)
            if broken:
                raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
    engine.dispose()


def _sqlite_foreign_keys(conn: Connection, *, on: bool) -> None:
    """SQLite ignores this pragma inside a transaction, so it goes to the driver between transactions (through
    SQLAlchemy every statement would open one: see store/db.py)."""
    conn.commit()
    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
