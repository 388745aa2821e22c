"""The CLI and the web call use cases that hand back typed values, never database table rows (issue 18, point 2).

Read from the source: every use case (a function in `redline.services`) whose declared return type names a
table class of `redline.store.models`, and every call the CLI and the web make to a use case, resolved
through their imports. No call may reach one of the former."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import redline

SRC = Path(redline.__file__).parent


def _module(path: Path) -> str:
    return ".".join(("redline", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")


def _tables() -> set[str]:
    return {
        node.name
        for path in (SRC / "store" / "models").glob("*.py")
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef)
    }


def _row_returning_use_cases(tables: set[str]) -> dict[tuple[str, str], str]:
    """(module, function) -> its declared return type, for use cases whose return type names a table."""
    named = re.compile(r"\b(" + "|".join(sorted(tables)) + r")\b")
    found = {}
    for path in (SRC / "services").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.returns is not None:
                returns = ast.unparse(node.returns)
                if named.search(returns):
                    found[(_module(path), node.name)] = returns
    return found


def _calls(path: Path) -> Iterator[tuple[str, str, int]]:
    """(module, function, line) of each call in `path` to a function of a `redline.services` module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}  # local name -> a services module
    functions: dict[str, tuple[str, str]] = {}  # local name -> (module, function)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("redline.services"):
            for alias in node.names:
                local = alias.asname or alias.name
                full = f"{node.module}.{alias.name}"
                if (SRC / Path(*full.split(".")[1:])).with_suffix(".py").exists() or (
                    SRC / Path(*full.split(".")[1:]) / "__init__.py"
                ).exists():
                    modules[local] = full
                else:
                    functions[local] = (node.module, alias.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in modules:
            yield modules[target.value.id], target.attr, node.lineno
        elif isinstance(target, ast.Name) and target.id in functions:
            yield (*functions[target.id], node.lineno)


def _offending_calls() -> list[str]:
    returning = _row_returning_use_cases(_tables())
    return [
        f"{path.relative_to(SRC)}:{line} calls {module}.{function} -> {returning[(module, function)]}"
        for layer in ("cli", "web")
        for path in sorted((SRC / layer).rglob("*.py"))
        for module, function, line in _calls(path)
        if (module, function) in returning
    ]


def test_no_entry_point_calls_a_use_case_that_returns_a_table_row() -> None:
    offending = _offending_calls()
    assert not offending, "entry points given table rows:\n" + "\n".join(offending)


def test_the_check_knows_a_use_case_that_returns_a_table_row() -> None:
    """The check can fail: the store-facing helpers it must see are found (the filing read side has them)."""
    returning = _row_returning_use_cases(_tables())
    assert ("redline.services.filing.queries", "list_filings") in returning
    assert ("redline.services.filing.queries", "get_filing") not in returning  # it returns typed rows
