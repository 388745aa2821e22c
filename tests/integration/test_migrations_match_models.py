"""The migrations build the schema the models describe: an empty database upgraded to head differs from the
SQLAlchemy metadata in nothing autogenerate can see (tables, columns, types, nullability, server defaults,
indexes, unique and foreign-key constraints). A model changed without a migration, or a migration that
forgot a column, fails here instead of on a user's database. On SQLite, and on PostgreSQL when configured
(each run gets its own fresh database, see `fresh_database` in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from redline.store.db import make_engine
from redline.store.migrate import upgrade
from redline.store.models import Base
from redline.store.models.base import on_dialect


def drift(database_url: str) -> list[Any]:
    """What `alembic check` would report, and server defaults besides (which it leaves out by default)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            opts = {
                "compare_type": True,
                "compare_server_default": True,
                "include_object": on_dialect(conn.dialect.name),
            }
            context = MigrationContext.configure(conn, opts=opts)
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_an_empty_database_upgraded_to_head_has_exactly_the_schema_of_the_models(database_url: str) -> None:
    upgrade(database_url)
    assert drift(database_url) == []


def test_a_column_the_models_do_not_know_is_reported(database_url: str) -> None:
    # The comparison must see the database as it is: a column added behind the models' back is drift.
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE organisations ADD COLUMN stray_note VARCHAR(20)"))
    finally:
        engine.dispose()
    found = drift(database_url)
    assert [(d[0], d[2], d[3].name) for d in found if isinstance(d, tuple)] == [
        ("remove_column", "organisations", "stray_note")
    ]
