"""A probe run as the plain JSON values of its document (schema `redline/probe-run`, models in document.py),
checked before it is sealed.

The check is the models' (`ProbeRunContent`, the published schema); but pydantic takes most of the time of
sealing a run of 100,000 files, and importing it most of the start of `redline probe run`. So the frame and
each result are first checked here in plain Python, strictly (exact types), and only what this does not
accept is given to the models: they stay the one judge of anything unusual. `tests/unit/
test_probe_document_fast_check.py` holds this check to never accepting what the models refuse.
"""

from __future__ import annotations

from typing import Any

from redline.domain.assessment import Severity
from redline.probes.base import Verdict
from redline.probes.run_schema import SCHEMA, VERSION
from redline.probes.runner import ProbeRun, to_document

DOCUMENT_KEYS = frozenset({"schema", "schema_version", "probe", "started", "finished", "options", "results", "summary"})
PROBE_KEYS = frozenset({"name", "version", "title", "items", "inputs", "options"})
ENTRY_KEYS = frozenset({"path", "sha256", "size", "verdict", "kind", "carriers", "findings", "details"})
FINDING_KEYS = frozenset({"item", "severity", "location", "message", "evidence", "clause", "code", "params"})
FINDING_REQUIRED = FINDING_KEYS - {"code", "params"}
_VERDICTS = frozenset(v.value for v in Verdict)
_SEVERITIES = frozenset(s.value for s in Severity)
_LEAVES = frozenset({str, int, bool, type(None)})


def _plain_json(value: Any) -> bool:
    """Strings, integers, booleans, null, lists and string-keyed objects only (exact types)."""
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            if not all(type(k) is str for k in node):
                return False
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif kind not in _LEAVES:
            return False
    return True


def _strings(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _finding_is_valid(f: Any) -> bool:
    if type(f) is not dict or not FINDING_REQUIRED <= f.keys() <= FINDING_KEYS:
        return False
    params = f.get("params", {})
    return (
        all(type(v) is str for k, v in f.items() if k != "params")
        and f["severity"] in _SEVERITIES
        and type(params) is dict
        and all(type(k) is str and type(v) is str for k, v in params.items())
    )


def entry_is_valid(entry: Any) -> bool:
    """Whether `entry` is certainly a valid FileEntry. False means "let the model judge", never "invalid"."""
    return (
        type(entry) is dict
        and entry.keys() == ENTRY_KEYS
        and type(entry["path"]) is str
        and type(entry["sha256"]) is str
        and type(entry["kind"]) is str
        and type(entry["size"]) is int
        and entry["size"] >= 0
        and type(entry["verdict"]) is str
        and entry["verdict"] in _VERDICTS
        and _strings(entry["carriers"])
        and type(entry["findings"]) is list
        and all(_finding_is_valid(f) for f in entry["findings"])
        and type(entry["details"]) is dict
        and _plain_json(entry["details"])
    )


def frame_is_valid(document: Any) -> bool:
    """Whether everything but the results is certainly valid ProbeRunContent (same reading as entry_is_valid)."""
    if type(document) is not dict or document.keys() != DOCUMENT_KEYS:
        return False
    probe, summary = document["probe"], document["summary"]
    return (
        document["schema"] == SCHEMA
        and type(document["schema_version"]) is int
        and document["schema_version"] == VERSION
        and type(document["started"]) is str
        and type(document["finished"]) is str
        and type(document["options"]) is dict
        and _plain_json(document["options"])
        and type(probe) is dict
        and probe.keys() == PROBE_KEYS
        and all(type(probe[k]) is str for k in ("name", "version", "title"))
        and _strings(probe["items"])
        and _strings(probe["inputs"])
        and type(probe["options"]) is dict
        and all(type(k) is str and type(v) is str for k, v in probe["options"].items())
        and type(summary) is dict
        and _plain_json({k: v for k, v in summary.items() if k != "findings"})
        and type(summary.get("findings", [])) is list
        and all(_finding_is_valid(f) for f in summary.get("findings", []))
    )


def unsealed(run_: ProbeRun) -> dict[str, Any]:
    """The run as plain JSON values, checked against `ProbeRunContent` before it is sealed (a producer bug
    fails here, not in a reader). The checked values are returned as they are rather than dumped from the
    model, which gives the same JSON: on runs of 100,000 files that halves the cost."""
    document: dict[str, Any] = {"schema": SCHEMA, "schema_version": VERSION, **to_document(run_)}
    unsure = [entry for entry in document["results"] if not entry_is_valid(entry)]
    if unsure or not frame_is_valid({**document, "results": []}):
        from redline.probes.document import ProbeRunContent

        ProbeRunContent.model_validate({**document, "results": unsure})
    return document
