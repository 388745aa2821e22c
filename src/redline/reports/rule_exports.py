"""The rulebook's checklists in other tools' formats (`redline rules export`): each file is built,
checked the way its reader would check it, and returned with its name; writing is the caller's."""

from __future__ import annotations

from enum import StrEnum

from redline.errors import CheckFailedError
from redline.reports import ciso_assistant, oscal, oscal_profile, oscal_validate
from redline.reports.ciso_assistant_read import problems
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Checklist


class ExportFormat(StrEnum):
    CISO_ASSISTANT = "ciso-assistant"
    OSCAL = "oscal"


def _ciso_assistant(book: Rulebook, checklists: list[Checklist], version: int) -> dict[str, str]:
    files = {}
    for checklist in checklists:
        document = ciso_assistant.library(book, checklist, version)
        found = problems(document)
        if found:
            raise CheckFailedError(f"the CISO Assistant library of {checklist.id} would not load: {found[0]}")
        files[ciso_assistant.file_name(checklist.id)] = ciso_assistant.to_yaml(document)
    return files


def _oscal(book: Rulebook, checklists: list[Checklist]) -> dict[str, str]:
    catalog = oscal.catalog(book)
    oscal_validate.validate(catalog)
    files = {oscal_profile.CATALOG_FILE: oscal.to_json(catalog)}
    for checklist in checklists:
        document = oscal_profile.profile(book, checklist)
        oscal_validate.validate(document)
        files[oscal_profile.file_name(checklist.id)] = oscal.to_json(document)
    return files


def export_files(
    book: Rulebook, fmt: ExportFormat, checklist_ids: list[str] | None = None, version: int = 1
) -> dict[str, str]:
    """File name to content for every checklist (or those named) in `fmt`. OSCAL gives the catalog of
    all checklists and a profile per checklist; CISO Assistant gives a library per checklist."""
    checklists = [book.checklist(i) for i in checklist_ids] if checklist_ids else list(book.checklists)
    if fmt is ExportFormat.CISO_ASSISTANT:
        return _ciso_assistant(book, checklists, version)
    return _oscal(book, checklists)
