"""Local rules: a provincial or city regulator's own rulebook package, in force only in its jurisdiction.

A package is a directory holding `rulebook.yaml` (who issues it and for which GB/T 2260 division) and
the same files as the shipped rulebook: `regulations/*.yaml`, `checklists/*.yaml` and `triggers.yaml`
(each optional but at least one regulation). It is found through the `redline.rulebooks` entry point
group (an entry point names a function returning the directory) or named in REDLINE_RULEBOOKS (paths
separated by the OS path separator). Its triggers and checklists apply only to services whose provider
sits inside the division; their titles carry the jurisdiction, so every output that names them (check,
reports, pages, rules list/show) shows them as local rules.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints

from redline.errors import RulebookError
from redline.rulebook.book import LocalScope, Rulebook
from redline.rulebook.schema import Checklist, Ident, Regulation, Strict, Trigger, TriggerFile
from redline.yamldoc import load_model, read_yaml

ENTRY_POINT_GROUP = "redline.rulebooks"
ENV_VAR = "REDLINE_RULEBOOKS"
MANIFEST = "rulebook.yaml"
MAX_FILES = 500  # a package is a handful of files; bound what a stray directory can make us read


class Manifest(Strict):
    """`rulebook.yaml`: the package's id, its issuer, and the division its rules are in force in."""

    id: Ident
    title_zh: str
    title_en: str
    issuer_zh: str
    issuer_en: str
    division: Annotated[str, StringConstraints(pattern=r"^[1-8]\d{5}$")]


def _files(directory: Path, pattern: str) -> list[Path]:
    found = sorted(directory.glob(pattern))
    if len(found) > MAX_FILES:
        raise RulebookError(f"more than {MAX_FILES} files", source=str(directory))
    return found


def _mark(scope: LocalScope) -> tuple[str, str]:
    return f"【{scope.place_zh}地方规则】", f"[Local rule, {scope.place_en}] "


def _marked_trigger(trigger: Trigger, scope: LocalScope) -> Trigger:
    zh, en = _mark(scope)
    return trigger.model_copy(update={"title_zh": zh + trigger.title_zh, "title_en": en + trigger.title_en})


def _marked_checklist(checklist: Checklist, scope: LocalScope) -> Checklist:
    zh, en = _mark(scope)
    return checklist.model_copy(update={"title_zh": zh + checklist.title_zh, "title_en": en + checklist.title_en})


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


def add_package(book: Rulebook, directory: Path) -> Rulebook:
    """The rulebook with one local package added; its ids must be new to the rulebook."""
    if not (directory / MANIFEST).is_file():
        raise RulebookError(f"a local rulebook package needs a {MANIFEST}", source=str(directory))
    manifest = load_model(Manifest, read_yaml(directory / MANIFEST), error_type=RulebookError)
    if any(scope.package == manifest.id for scope in book.local):
        raise RulebookError(f"two local rulebook packages are called '{manifest.id}'", source=str(directory))
    division = book.divisions.get(manifest.division)
    if division is None:
        raise RulebookError(f"division {manifest.division} is not a GB/T 2260 code redline knows", source=MANIFEST)
    scope = LocalScope(
        package=manifest.id,
        division=manifest.division,
        place_zh=book.divisions.full_name(manifest.division),
        place_en=book.divisions.full_name_en(manifest.division),
        title_zh=manifest.title_zh,
        title_en=manifest.title_en,
        issuer_zh=manifest.issuer_zh,
        issuer_en=manifest.issuer_en,
    )
    reg_files = _files(directory / "regulations", "*.yaml")
    checklist_files = _files(directory / "checklists", "*.yaml")
    trigger_file = directory / "triggers.yaml"
    if not reg_files:
        raise RulebookError("a local rulebook package needs at least one regulation", source=str(directory))
    regulations = [load_model(Regulation, read_yaml(p), error_type=RulebookError) for p in reg_files]
    checklists = [load_model(Checklist, read_yaml(p), error_type=RulebookError) for p in checklist_files]
    triggers = (
        load_model(TriggerFile, read_yaml(trigger_file), error_type=RulebookError).triggers
        if trigger_file.is_file()
        else []
    )
    scope = replace(
        scope,
        regulations=frozenset(r.id for r in regulations),
        triggers=frozenset(t.id for t in triggers),
        checklists=frozenset(c.id for c in checklists),
    )
    used = [p for p in (directory / MANIFEST, *reg_files, *checklist_files, trigger_file) if p.is_file()]
    return replace(
        book,
        regulations=(*book.regulations, *regulations),
        triggers=(*book.triggers, *(_marked_trigger(t, scope) for t in triggers)),
        checklists=(*book.checklists, *(_marked_checklist(c, scope) for c in checklists)),
        local=(*book.local, scope),
        version=f"{book.version}+{manifest.id}.{_digest(used)}",
    )


def _entry_point_directory(load: Callable[[], object], name: str) -> Path:
    try:
        target = load()
        directory = target() if callable(target) else target
    except Exception as exc:  # a broken third-party package must not crash every command with a traceback
        raise RulebookError(f"entry point '{name}' in {ENTRY_POINT_GROUP} failed to load: {exc}") from None
    if not isinstance(directory, (str, Path)):
        raise RulebookError(f"entry point '{name}' in {ENTRY_POINT_GROUP} gives no directory")
    return Path(directory)


def discovered_packages() -> tuple[Path, ...]:
    """Package directories named in REDLINE_RULEBOOKS, then those installed under the entry point group."""
    named = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    installed = [_entry_point_directory(ep.load, ep.name) for ep in entry_points(group=ENTRY_POINT_GROUP)]
    return tuple(named + installed)


def with_local_rules(book: Rulebook, directories: tuple[Path, ...]) -> Rulebook:
    for directory in directories:
        if not directory.is_dir():
            raise RulebookError("local rulebook package not found", source=str(directory))
        book = add_package(book, directory)
    return book
