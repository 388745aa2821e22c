"""Use case: a provider records planned changes and learns what falls due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, evaluate
from redline.rulebook.book import Rulebook
from redline.services.assessment.documents import changes_from, reconcile, service_from
from redline.yamldoc import read_yaml


def check_changes(
    book: Rulebook, service_path: Path, change_paths: list[Path], as_of: dt.date | None = None
) -> list[Evaluation]:
    """Every change of every file, in order; each measured against the profile as the ones before left it."""
    service = service_from(book, read_yaml(service_path))
    calendar = WorkCalendar(book.holidays)
    loaded = []
    for path in change_paths:
        doc = read_yaml(path)
        loaded += [(doc, change, place) for change, place in changes_from(book, doc)]
    evaluations: list[Evaluation] = []
    for doc, change, place in loaded:
        reconcile(service, change, doc, place)
        evaluations.append(evaluate(book, service, change, calendar, as_of or dt.date.today()))
        service = change.applied_to(service)
    return evaluations
