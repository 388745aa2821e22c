from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from redline.rulebook.book import Rulebook
from redline.rulebook.loader import default_rulebook

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
