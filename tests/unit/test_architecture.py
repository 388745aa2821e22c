"""The import graph of `src/redline` has no cycle, module by module (issue 18).

The layer and package rules are contracts in pyproject.toml, checked by `lint-imports` in `make lint`; a
cycle between two modules is not something those contracts express, so it is checked here, on the graph
grimp builds from the source (every import, including those inside functions and under TYPE_CHECKING)."""

from __future__ import annotations

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("redline")


def test_no_module_imports_one_that_imports_it_back(graph: grimp.ImportGraph) -> None:
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append(" -> ".join((module, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_check_sees_a_cycle_when_there_is_one(graph: grimp.ImportGraph) -> None:
    """The check above can fail: an import from the store back to a use case would close a cycle."""
    graph.add_import(importer="redline.store.db", imported="redline.services.context")
    assert graph.find_shortest_chain(importer="redline.services.context", imported="redline.store.db") is not None
    assert graph.find_shortest_chain(importer="redline.store.db", imported="redline.services.context") is not None


def test_cli_and_web_never_import_each_other(graph: grimp.ImportGraph) -> None:
    crossing = [
        f"{a} -> {b}"
        for a in sorted(graph.modules)
        if a.startswith(("redline.cli", "redline.web"))
        for b in graph.find_modules_directly_imported_by(a)
        if b.split(".")[1:2] in (["cli"], ["web"]) and b.split(".")[1:2] != a.split(".")[1:2]
    ]
    assert not crossing
