"""Documentation is tested: every hook, setting and exit code must be written down."""

from __future__ import annotations

import inspect

from redline import hookspecs
from redline.config import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_hook_is_documented() -> None:
    hooks = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("redline_")]
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert hooks and all(f"`{name}`" in text for name in hooks)
    assert hookspecs.ENTRY_POINT_GROUP in text


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [f"REDLINE_{name.upper()}" for name in Settings.model_fields if f"REDLINE_{name.upper()}" not in README]
    assert missing == []


def test_every_exit_code_is_documented_in_the_readme() -> None:
    for code, meaning in (
        ("`0`", "success"),
        ("`1`", "a check ran and failed"),
        ("`2`", "user error"),
        ("`130`", "interrupted"),
    ):
        assert f"{code} {meaning}" in README
