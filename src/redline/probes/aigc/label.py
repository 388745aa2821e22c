"""The GB 45438-2025 implicit label: parsing every serialisation in use, and checking its fields.

Field rules follow Annex E of GB 45438-2025 as quoted by independent implementations (among them
github.com/StarPluckerZ/AigcTotal docs/checks.md): seven case-sensitive string fields, Label in 1/2/3, values from
GB18030 code points 0x21, 0x23-0x5B, 0x5D-0x7E, one label per file. Whether the propagator fields must be set
(equal to the producer's) at first write is an unsettled reading of note 1 to Annex E, taken from one implementation
and not from a text we hold: an empty one is a warning, and non-compliance only under `strict_propagation`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator", "PropagateID", "ReservedCode2")
REQUIRED_NON_EMPTY = ("Label", "ContentProducer", "ProduceID", "ContentPropagator", "PropagateID")
PROPAGATION = ("ContentPropagator", "PropagateID")
LABEL_VALUES = {"1": "AI-generated", "2": "possibly AI-generated", "3": "suspected AI-generated"}
ALLOWED = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]*$")
ANNEX_E = "GB 45438-2025 附录E"
UNIQUE = "GB 45438-2025 6.1 c)"
MEASURES_ART5 = "人工智能生成合成内容标识办法 第五条"


@dataclass(frozen=True)
class RawLabel:
    """A label's text as found in a carrier (JSON, perhaps HTML-escaped), and where."""

    carrier: str
    text: str
    offset: int | None = None
    mention: bool = False  # free text naming AIGC that is no label: reported as a note, never checked


@dataclass(frozen=True)
class Problem:
    clause: str
    message: str
    warning: bool = False  # reported, but not a reason to call the label non-compliant


@dataclass(frozen=True)
class CheckedLabel:
    carrier: str
    fields: dict[str, str] | None
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    form: str = ""

    @property
    def ok(self) -> bool:
        return self.fields is not None and not any(not p.warning for p in self.problems)


def _decode(text: str) -> tuple[Any, str]:
    """JSON from the forms in use: HTML-escaped, `AIGC{...}` blobs, single-quoted attribute noise."""
    cleaned = html.unescape(text).strip().strip("\x00").strip()
    if cleaned.startswith("AIGC") and not cleaned.startswith('AIGC"'):
        cleaned = cleaned[4:].lstrip(":= ")
    return json.loads(cleaned), cleaned


def check_label(raw: RawLabel, strict_propagation: bool = False) -> CheckedLabel:
    try:
        value, _ = _decode(raw.text)
    except (ValueError, RecursionError):
        return CheckedLabel(raw.carrier, None, (Problem(ANNEX_E, "the label is not valid JSON"),))
    form = "bare"
    if isinstance(value, dict) and set(value) == {"AIGC"} and isinstance(value["AIGC"], dict):
        value, form = value["AIGC"], "wrapped"
    if not isinstance(value, dict):
        return CheckedLabel(raw.carrier, None, (Problem(ANNEX_E, "the label is not a JSON object"),), form)
    problems: list[Problem] = []
    missing = [f for f in FIELDS if f not in value]
    extra = sorted(k for k in value if k not in FIELDS)
    if missing:
        problems.append(Problem(ANNEX_E, f"missing field(s): {', '.join(missing)}"))
    if extra:
        problems.append(Problem(ANNEX_E, f"unknown field(s): {', '.join(map(str, extra))} (names are case-sensitive)"))
    fields: dict[str, str] = {}
    for name in FIELDS:
        if name not in value:
            continue
        item = value[name]
        if not isinstance(item, str):
            problems.append(Problem(ANNEX_E, f"{name} must be a string, not {type(item).__name__}"))
            continue
        fields[name] = item
        if not ALLOWED.match(item):
            problems.append(
                Problem(
                    ANNEX_E,
                    f"{name} has characters outside 0x21, 0x23-0x5B, 0x5D-0x7E "
                    "(no spaces, quotes, backslashes or Chinese)",
                )
            )
    for name in REQUIRED_NON_EMPTY:
        if name in fields and not fields[name]:
            if name in PROPAGATION:
                problems.append(
                    Problem(
                        f"{ANNEX_E} 注1",
                        f"{name} is empty (content not yet propagated)",
                        warning=not strict_propagation,
                    )
                )
            else:
                problems.append(Problem(ANNEX_E, f"{name} is empty"))
    if "Label" in fields and fields["Label"] and fields["Label"] not in LABEL_VALUES:
        problems.append(Problem(ANNEX_E, f"Label must be 1, 2 or 3, not {fields['Label']!r}"))
    return CheckedLabel(raw.carrier, fields, tuple(problems), form)


def same_label(a: CheckedLabel, b: CheckedLabel) -> bool:
    return a.fields is not None and a.fields == b.fields


def label_json(
    label: str,
    producer: str,
    produce_id: str,
    propagator: str | None = None,
    propagate_id: str | None = None,
    reserved1: str = "",
    reserved2: str = "",
) -> str:
    """The wrapped form written by `redline label add`; refuses values the standard forbids."""
    fields = {
        "Label": label,
        "ContentProducer": producer,
        "ProduceID": produce_id,
        "ReservedCode1": reserved1,
        "ContentPropagator": propagator or producer,
        "PropagateID": propagate_id or produce_id,
        "ReservedCode2": reserved2,
    }
    checked = check_label(RawLabel("new", json.dumps({"AIGC": fields})))
    if not checked.ok:
        raise ValueError("; ".join(p.message for p in checked.problems))
    return json.dumps({"AIGC": fields}, separators=(",", ":"))
