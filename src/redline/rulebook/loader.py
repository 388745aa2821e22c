"""Read the rulebook YAML files once, validate them, and build the indexed Rulebook."""

from __future__ import annotations

import csv
import hashlib
from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from redline.errors import RulebookError
from redline.rulebook.book import Rulebook
from redline.rulebook.divisions import Division, Divisions, Level
from redline.rulebook.holidays import load_holiday_files
from redline.rulebook.local import with_local_rules
from redline.rulebook.schema import Checklist, Regulation, TriggerFile, Vocabulary
from redline.yamldoc import load_model, read_yaml

DATA_DIR = Path(__file__).parent / "data"
ModelT = TypeVar("ModelT", bound=BaseModel)


def _load(model: type[ModelT], path: Path) -> ModelT:
    return load_model(model, read_yaml(path), error_type=RulebookError)


def _load_divisions(path: Path) -> Divisions:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [Division(r["code"], r["name"], Level(r["level"]), r["parent"] or None) for r in csv.DictReader(handle)]
    return Divisions(rows)


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


def load_rulebook(
    data_dir: Path = DATA_DIR, holiday_dirs: tuple[Path, ...] = (), override_official_holidays: bool = False
) -> Rulebook:
    """Load every file under `data_dir`; extra holiday files come from `holiday_dirs`. A holiday
    file may replace a year chinesecalendar holds only with `override_official_holidays`."""
    reg_files = sorted((data_dir / "regulations").glob("*.yaml"))
    checklist_files = sorted((data_dir / "checklists").glob("*.yaml"))
    holiday_files = sorted((data_dir / "holidays").glob("*.yaml"))
    for extra in holiday_dirs:
        holiday_files += sorted(extra.glob("*.yaml")) if extra.is_dir() else [extra]
    if not reg_files:
        raise RulebookError("no regulation files found", source=str(data_dir / "regulations"))
    vocabulary = _load(Vocabulary, data_dir / "vocabulary.yaml")
    triggers = _load(TriggerFile, data_dir / "triggers.yaml")
    all_files = [*reg_files, *checklist_files, data_dir / "vocabulary.yaml", data_dir / "triggers.yaml"]
    return Rulebook(
        regulations=tuple(_load(Regulation, p) for p in reg_files),
        capabilities=tuple(vocabulary.capabilities),
        technologies=tuple(vocabulary.technologies),
        triggers=tuple(triggers.triggers),
        checklists=tuple(_load(Checklist, p) for p in checklist_files),
        divisions=_load_divisions(data_dir / "divisions.csv"),
        holidays=load_holiday_files(holiday_files, override_official_holidays),
        version=_digest(all_files),
    )


@cache
def default_rulebook(
    holiday_dirs: tuple[Path, ...] = (), override_official_holidays: bool = False, local_packages: tuple[Path, ...] = ()
) -> Rulebook:
    """The shipped rulebook with the local packages given (rulebook/local.py), loaded once per process and
    never changed at run time."""
    book = load_rulebook(DATA_DIR, holiday_dirs, override_official_holidays)
    return with_local_rules(book, local_packages) if local_packages else book
