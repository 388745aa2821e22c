"""The plain-Python check of a probe run's results (probes/document.entry_is_valid) never accepts what the
model (FileEntry, the published schema) refuses: whatever it does not accept goes to the model."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from redline.probes import run_content
from redline.probes.document import FileEntry, ProbeDescription, ProbeFindingEntry, ProbeRunContent
from redline.probes.run_content import entry_is_valid

GOOD: dict[str, Any] = {
    "path": "/data/a.jpg",
    "sha256": "ab" * 32,
    "size": 10,
    "verdict": "no_label",
    "kind": "jpeg",
    "carriers": ["jpeg/xmp"],
    "findings": [
        {
            "item": "ailabel2025-5-metadata-implicit-label",
            "severity": "medium",
            "location": "/data/a.jpg",
            "message": "no implicit label",
            "evidence": "ab" * 32,
            "clause": "第五条",
            "code": "aigc.implicit.missing",
            "params": {"carrier": "jpeg/xmp"},
        }
    ],
    "details": {"labels": [{"carrier": "x", "fields": None, "n": 3, "ok": True}], "notes": []},
}

MUTATIONS: list[tuple[str, Any]] = [
    ("size", -1),
    ("size", "10"),
    ("size", True),
    ("size", 1.0),
    ("verdict", "maybe"),
    ("verdict", ["no_label"]),
    ("path", None),
    ("sha256", 5),
    ("carriers", "jpeg/xmp"),
    ("carriers", [1]),
    ("findings", {}),
    ("details", []),
    ("details", {"x": {1, 2}}),
    ("details", {"x": float("nan")}),
    ("details", {"x": (1, 2)}),
    ("extra", 1),
    ("findings.severity", "grave"),
    ("findings.severity", None),
    ("findings.params", {"a": 1}),
    ("findings.params", ["a"]),
    ("findings.code", 3),
    ("findings.extra", "x"),
    ("findings.clause", None),
    ("-findings.clause", None),
    ("-findings.params", None),
    ("-kind", None),
]


def _mutated(key: str, value: Any) -> dict[str, Any]:
    entry = copy.deepcopy(GOOD)
    target, name = (entry["findings"][0], key.split(".", 1)[1]) if "findings." in key else (entry, key.lstrip("-"))
    if key.startswith("-"):
        del target[name]
    else:
        target[name] = value
    return entry


def _model_accepts(entry: dict[str, Any]) -> bool:
    try:
        FileEntry.model_validate(entry)
    except ValidationError:
        return False
    return True


def test_a_well_formed_entry_is_accepted_by_both() -> None:
    assert entry_is_valid(GOOD) and _model_accepts(GOOD)


@pytest.mark.parametrize(("key", "value"), MUTATIONS, ids=[f"{k}={v!r}" for k, v in MUTATIONS])
def test_what_the_fast_check_accepts_the_model_accepts_too(key: str, value: Any) -> None:
    entry = _mutated(key, value)
    if entry_is_valid(entry):
        assert _model_accepts(entry)


def test_the_plain_check_knows_the_same_members_as_the_models() -> None:
    assert set(FileEntry.model_fields) == run_content.ENTRY_KEYS
    assert set(ProbeFindingEntry.model_fields) == run_content.FINDING_KEYS
    assert {k for k, f in ProbeFindingEntry.model_fields.items() if f.is_required()} == run_content.FINDING_REQUIRED
    assert set(ProbeDescription.model_fields) == run_content.PROBE_KEYS
    assert {f.alias or k for k, f in ProbeRunContent.model_fields.items()} == run_content.DOCUMENT_KEYS


FRAME: dict[str, Any] = {
    "schema": "redline/probe-run",
    "schema_version": 2,
    "probe": {"name": "p", "version": "1", "title": "t", "items": ["i"], "inputs": ["files"], "options": {"a": "b"}},
    "started": "2026-01-01T00:00:00+00:00",
    "finished": "2026-01-01T00:00:01+00:00",
    "options": {"quick": True},
    "results": [],
    "summary": {"files": 0, "findings": []},
}
FRAME_MUTATIONS: list[tuple[str, Any]] = [
    ("schema", "other"),
    ("schema_version", 1),
    ("schema_version", True),
    ("started", 5),
    ("options", []),
    ("options", {"x": 1.5}),
    ("probe", {"name": "p"}),
    ("summary", {"findings": [{"item": "x"}]}),
    ("summary", []),
    ("extra", 1),
]


def _frame_accepted(document: dict[str, Any]) -> bool:
    try:
        ProbeRunContent.model_validate(document)
    except ValidationError:
        return False
    return True


def test_a_well_formed_frame_is_accepted_by_both() -> None:
    assert run_content.frame_is_valid(FRAME) and _frame_accepted(FRAME)


@pytest.mark.parametrize(("key", "value"), FRAME_MUTATIONS, ids=[f"{k}={v!r}" for k, v in FRAME_MUTATIONS])
def test_what_the_fast_frame_check_accepts_the_model_accepts_too(key: str, value: Any) -> None:
    document = {**FRAME, key: value}
    if run_content.frame_is_valid(document):
        assert _frame_accepted(document)
