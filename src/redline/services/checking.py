"""Use case: a provider records a planned change and learns what falls due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, evaluate
from redline.rulebook.book import Rulebook
from redline.services.documents import change_from, service_from
from redline.yamldoc import read_yaml


def check_change(book: Rulebook, service_path: Path, change_path: Path,
                 as_of: dt.date | None = None) -> Evaluation:
    service = service_from(book, read_yaml(service_path))
    change = change_from(book, read_yaml(change_path))
    return evaluate(book, service, change, WorkCalendar(book.holidays), as_of or dt.date.today())
