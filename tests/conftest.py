from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from redline.rulebook.book import Rulebook
from redline.rulebook.loader import default_rulebook

# exiftool needs this user-defined namespace to WRITE XMP-TC260 tags (it reads them without it).
TC260_CONFIG = """%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => {
        TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } },
    },
);
%Image::ExifTool::UserDefined::TC260 = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
    NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
    WRITABLE => 'string',
    AIGC => { },
);
1;
"""

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def book() -> Rulebook:
    return default_rulebook()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return _write


# ---- platform fixtures: a migrated database on SQLite, and on PostgreSQL when one is configured ----

import contextlib  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

POSTGRES_URL = os.environ.get("REDLINE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if POSTGRES_URL else ["sqlite"]


@contextlib.contextmanager
def fresh_database(kind: str, tmp: Path, filename: str = "redline.db", prefix: str = "redline_test") -> Iterator[str]:
    """A fresh, empty database: a SQLite file `tmp/filename`, or a new PostgreSQL database (dropped
    afterwards) on REDLINE_TEST_POSTGRES_URL. This process's job heartbeat for it stops at the end."""
    from redline.services.background.jobs_heartbeat import forget

    if kind == "sqlite":
        url = f"sqlite:///{tmp}/{filename}"
        try:
            yield url
        finally:
            forget(url)
        return
    assert POSTGRES_URL
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(
        POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        forget(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database, once per backend (see `fresh_database`)."""
    with fresh_database(request.param, tmp_path) as url:
        yield url
