"""The JSON Schema files of redline's documents, generated from their models (docs/schemas/).

Why generated: the models are what redline writes and reads, so a schema written by hand would drift from
them; a test fails when the files in docs/schemas/ differ from what the models generate now
(`redline schemas export -o docs/schemas` rewrites them)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from redline.probes.document import ProbeRunDocument, ProbeRunDocumentV1
from redline.reports.models import AssessmentReport, AssessmentReportV1

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# file name -> (model, the document's schema identifier and version)
SCHEMAS: dict[str, tuple[type[BaseModel], str, int]] = {
    "assessment-report.v2.schema.json": (AssessmentReport, "redline/assessment-report", 2),
    "assessment-report.v1.schema.json": (AssessmentReportV1, "redline/assessment-report", 1),
    "probe-run.v2.schema.json": (ProbeRunDocument, "redline/probe-run", 2),
    "probe-run.v1.schema.json": (ProbeRunDocumentV1, "redline/probe-run", 1),
}


def schema_text(name: str) -> str:
    """One schema file's text: stable (sorted keys) so a regenerated file differs only when a model does."""
    model, identifier, version = SCHEMAS[name]
    schema = {
        "$schema": DIALECT,
        "$id": f"urn:redline:schema:{identifier.removeprefix('redline/')}:v{version}",
        **model.model_json_schema(by_alias=True, mode="validation"),
    }
    return json.dumps(schema, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def export(directory: Path) -> list[Path]:
    """Write every schema file into `directory` (made if missing); the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = directory / name
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written
