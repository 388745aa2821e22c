"""The answers file `redline assess init` writes: every applicable question, ready to fill in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Checklist, TextStatus

_HEADER = """\
# redline assessment questionnaire · 安全评估问卷
# Fill in `status` for every item: met | partly_met | not_met | not_applicable
# (not_applicable needs a `reason`). Evidence: list files next to this one; their SHA-256 is
# computed when the report is made. Findings: {severity: low|medium|high|critical, text: ...}.
# Then: redline assess report THIS_FILE --format html -o report.html
"""


def _block(key: str, data: Any) -> str:
    dumped = yaml.safe_dump({key: data}, allow_unicode=True, sort_keys=False, width=100)
    return str(dumped)


def _comment(text: str, indent: str = "  ") -> str:
    return "\n".join(f"{indent}# {line}" for line in text.splitlines())


def render_questionnaire(
    book: Rulebook, service_data: Any, change_data: Any, checklists: list[Checklist], today: dt.date
) -> str:
    parts = [_HEADER, "redline: answers/1\n", _block("service", service_data)]
    if change_data is not None:
        parts.append(_block("change", change_data))
    parts.append(
        _block(
            "assessment", {"date": today, "assessor": {"name": "", "organisation": "", "kind": "self"}, "statement": ""}
        )
    )
    parts.append(_block("checklists", [c.id for c in checklists]))
    parts.append("answers:\n")
    for checklist in checklists:
        parts.append(f"\n  # ── {checklist.title_zh} / {checklist.title_en}\n")
        for item in checklist.items:
            lines = [
                f"{item.question_zh}",
                f"{item.question_en}",
                f"责任 / who: {item.who_zh} / {item.who_en}",
                "证据 / evidence: " + "；".join(item.evidence_zh),
            ]
            for quote in item.quotes:
                fragment = book.fragment(quote.cite)
                mark = "" if fragment.quote_status(quote.text) is TextStatus.VERIFIED else " [未核实 unverified]"
                lines.append(f"{quote.cite} {fragment.citation.label_zh()}：“{quote.text}”{mark}")
            if item.probes:
                lines.append("probes: " + ", ".join(item.probes))
            parts.append(_comment("\n".join(lines)) + "\n")
            parts.append(f"  {item.id}:\n    status:\n    reason: ''\n    evidence: []\n    findings: []\n")
    return "".join(parts)
