"""The probe-run result as a typed, versioned document (schema `redline/probe-run`).

Why typed: `redline probe run -o` writes it as evidence for an assessment, the platform shows it as a page,
and other tools read it; the model is its one description, `docs/schemas/probe-run.v2.schema.json` is
generated from it and every run is validated before it is sealed. What a probe puts in a file's `details`
and in the run's `summary` is its own (plain JSON values); everything around it is fixed here.

Version 2 differs from version 1 only in the seal (RFC 8785, see reports/canonical.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from redline.document_models import DocumentModel, Seal, SealV1, validated
from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.base import Verdict
from redline.probes.run_schema import SCHEMA as SCHEMA  # the run itself: run_content.py
from redline.probes.run_schema import VERSION as VERSION


class ProbeDescription(DocumentModel):
    name: str
    version: str
    title: str
    items: list[str] = Field(description="checklist item ids the probe answers")
    inputs: list[str]
    options: dict[str, str] = Field(description="the options the probe takes, with their help text")


class ProbeFindingEntry(DocumentModel):
    item: str
    severity: Severity
    location: str
    message: str
    evidence: str
    clause: str
    code: str = Field(
        default="",
        description="stable kind of the finding (`log.retention.gap`); `<probe>.other` for a probe that set "
        "none; absent in documents written before codes existed",
    )
    params: dict[str, str] = Field(default_factory=dict, description="the values the code's words are filled with")


class FileEntry(DocumentModel):
    path: str
    sha256: str = Field(description="SHA-256 of the file's bytes; empty when it could not be read")
    size: int = Field(ge=0)
    verdict: Verdict
    kind: str
    carriers: list[str]
    findings: list[ProbeFindingEntry]
    details: dict[str, JsonValue]


class RunSummary(BaseModel):
    """The probe's own summary of the run; `findings` holds what only the whole run shows."""

    model_config = ConfigDict(extra="allow", frozen=True)
    findings: list[ProbeFindingEntry] = []


class _Body(DocumentModel):
    schema_: Literal["redline/probe-run"] = Field(alias="schema")
    probe: ProbeDescription
    started: str = Field(description="ISO 8601 date and time the run started")
    finished: str = Field(description="ISO 8601 date and time the run finished")
    options: dict[str, JsonValue] = Field(description="the options the run was given")
    results: list[FileEntry]
    summary: RunSummary


class ProbeRunContent(_Body):
    """What `content` fills in before sealing."""

    schema_version: Literal[2]


class ProbeRunDocument(ProbeRunContent):
    """A sealed probe-run result, version 2."""

    model_config = ConfigDict(title="ProbeRunDocument")
    seal: Seal


class ProbeRunDocumentV1(_Body):
    """A sealed probe-run result, version 1: still read and verified, no longer written."""

    model_config = ConfigDict(title="ProbeRunDocumentV1")
    schema_version: Literal[1]
    seal: SealV1


def read_probe_run(document: Any, source: str) -> ProbeRunDocument | ProbeRunDocumentV1:
    """A parsed, sealed probe run as its model, by the version it states; InputError naming the first bad
    field."""
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise InputError(f"not a redline probe run (expected schema {SCHEMA!r})", source=source, field="schema")
    version = document.get("schema_version")
    model: type[ProbeRunDocument | ProbeRunDocumentV1]
    if version == 1:
        model = ProbeRunDocumentV1
    elif version == VERSION:
        model = ProbeRunDocument
    else:
        raise InputError(
            f"unknown probe-run version {version!r} (this redline reads versions 1 and {VERSION})",
            source=source,
            field="schema_version",
        )
    run_ = validated(model, document, "run", source, "probe run")
    for name in ("started", "finished"):
        try:
            dt.datetime.fromisoformat(getattr(run_, name))
        except ValueError:
            raise InputError("not an ISO 8601 date and time", source=source, field=f"run.{name}") from None
    return run_
