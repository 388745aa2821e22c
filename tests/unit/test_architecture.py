"""The import graph of `src/redline` has no cycle, module by module (issue 18).

The layer and package rules are contracts in pyproject.toml, checked by `lint-imports` in `make lint`; a
cycle between two modules is not something those contracts express, so it is checked here, on the graph
grimp builds from the source (every import, including those inside functions and under TYPE_CHECKING)."""

from __future__ import annotations

import copy

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
    graph = copy.deepcopy(graph)  # the module's graph stays as the source has it
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


def _package_edges(graph: grimp.ImportGraph) -> dict[tuple[str, str], list[str]]:
    """Every import from one top-level part of redline (a package or a module) to another, with its witnesses."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module in graph.modules:
        source = module.split(".")[1:2]
        for imported in graph.find_modules_directly_imported_by(module):
            target = imported.split(".")[1:2]
            if source and target and source != target:
                edges.setdefault((source[0], target[0]), []).append(f"{module} -> {imported}")
    return edges


def test_no_package_imports_one_that_imports_it_back(graph: grimp.ImportGraph) -> None:
    """Issue 18: no cycle between redline's packages either (the domain and the rulebook, the probes and the
    plug-in manager used to import each other)."""
    edges = _package_edges(graph)
    both_ways = [
        f"{a} <-> {b}: {edges[a, b][0]}; {edges[b, a][0]}" for (a, b) in sorted(edges) if a < b and (b, a) in edges
    ]
    assert not both_ways, "package cycles:\n" + "\n".join(both_ways)


def test_the_package_check_sees_a_cycle_when_there_is_one(graph: grimp.ImportGraph) -> None:
    graph = copy.deepcopy(graph)
    graph.add_import(importer="redline.rulebook.book", imported="redline.domain.calendar")
    edges = _package_edges(graph)
    assert ("rulebook", "domain") in edges and ("domain", "rulebook") in edges
