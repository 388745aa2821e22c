"""A report says which rulebook it was made under (label, date and digest); a version 2 report sealed before
the label was recorded still reads and verifies."""

from __future__ import annotations

import json
from pathlib import Path

from redline.cli.main import main
from redline.reports.canonical import dumps, seal, verify_text
from redline.reports.models import AssessmentReport, read_report
from redline.rulebook.book import Rulebook

ANSWERS = Path(__file__).parents[2] / "examples" / "chatbot-genai" / "answers.yaml"


def _report(tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "report.json"
    assert main(["assess", "report", str(ANSWERS), "--format", "json", "-o", str(path)]) == 0
    document: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_a_report_records_the_rulebook_release_it_was_made_under(tmp_path: Path, book: Rulebook) -> None:
    generator = _report(tmp_path)["generator"]
    assert generator == {
        "name": "redline",
        "version": generator["version"],  # type: ignore[index]
        "rulebook": book.version,
        "rulebook_label": book.label,
        "rulebook_date": book.dated.isoformat() if book.dated else None,
    }


def test_a_version_2_report_sealed_before_rulebook_labels_still_reads_and_verifies(tmp_path: Path) -> None:
    document = _report(tmp_path)
    generator = dict(document["generator"])  # type: ignore[call-overload]
    del generator["rulebook_label"], generator["rulebook_date"]
    earlier = seal({**document, "generator": generator})
    text = dumps(earlier)
    assert verify_text(text, "earlier.json") == earlier["seal"]["digest"]
    model = read_report(json.loads(text), "earlier.json")
    assert isinstance(model, AssessmentReport) and model.generator.rulebook_label is None
