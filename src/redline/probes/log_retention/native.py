"""The compiled scanner (`_scan.c`), where it is built and the format suits it; else scan.py's pure path.

The C scanner takes nginx `log_format` templates whose variables are each followed directly by a literal
(or end the line), which is every format seen in practice: then one left-to-right pass gives what the regex
gives. It aggregates in C and releases the GIL, so the ranges of one large file run in threads.
REDLINE_PURE_PYTHON=1 turns it off (and tests compare the two paths).
"""

from __future__ import annotations

import os
from types import ModuleType

from redline.probes.log_retention.clock import iso
from redline.probes.log_retention.reader import MAX_LINE
from redline.probes.log_retention.scan import EXAMPLE_ROWS, Plan, Scanner, add_examples
from redline.probes.log_retention.shapes import masked_line
from redline.probes.log_retention.stats import MAX_EXAMPLES, Partial

_LITERAL, _ANY, _TIME, _STATUS, _WORD, _WORD0 = range(6)
_KNOWN = {"time_local": _TIME, "status": _STATUS, "remote_addr": _WORD, "remote_port": _WORD0}


def _load() -> ModuleType | None:
    if os.environ.get("REDLINE_PURE_PYTHON") == "1":
        return None
    try:
        from redline.probes.log_retention import _scan
    except ImportError:
        return None
    return _scan


_SCAN = _load()


def available() -> bool:
    return _SCAN is not None and os.environ.get("REDLINE_PURE_PYTHON") != "1"


def template_parts(plan: Plan, fields: tuple[str, ...]) -> list[tuple[int, bytes, int, int]] | None:
    """The template as (kind, literal, stop byte, capture slot) parts, or None where the C scanner would not
    give exactly what the regex gives."""
    if plan.kind != "regex" or plan.template is None or plan.roles.get("time", "time_local") != "time_local":
        return None
    parts = [(kind, value) for kind, value in plan.template.parts if kind == "var" or value]
    out: list[tuple[int, bytes, int, int]] = []
    taken: set[str] = set()
    for index, (kind, value) in enumerate(parts):
        if kind == "lit":
            if "\n" in value or "\r" in value:
                return None
            out.append((_LITERAL, value.encode(), -1, -1))
            continue
        following = parts[index + 1][1] if index + 1 < len(parts) else None
        if following is not None and parts[index + 1][0] != "lit":
            return None  # two variables side by side: the regex may split them by backtracking
        code = _KNOWN.get(value, _ANY)
        if code in (_WORD, _WORD0) and (following is None or not following.startswith(" ")):
            return None
        if code == _ANY and following is not None and not following[0].isascii():
            return None
        stop = ord(following[0]) if code == _ANY and following is not None else -1
        slot = fields.index(value) if value in fields and value not in taken else -1
        taken.add(value)
        out.append((code, b"", stop, slot))
    return out


class NativeScan:
    """Feeds chunks to one C scanner (one per thread) and turns its totals into a Partial."""

    def __init__(self, plan: Plan, parts: list[tuple[int, bytes, int, int]]) -> None:
        assert _SCAN is not None
        reference = Scanner(plan)  # the same field order and role index as the pure path
        self.fields = reference.fields
        self.index = reference.index
        time_slot = self.fields.index("time_local") if "time" in plan.roles else -1
        self.scanner = _SCAN.Scanner(parts, len(self.fields), time_slot, plan.future_after, MAX_LINE)

    def feed(self, chunk: bytes | memoryview, part: Partial) -> None:
        wanted = any(len(part.examples.get(role, ())) < MAX_EXAMPLES for role in self.index)
        rows, unparsed = self.scanner.feed(
            chunk, EXAMPLE_ROWS if wanted else 0, MAX_EXAMPLES - len(part.unparsed_examples)
        )
        for line in unparsed:
            part.unparsed_example(masked_line(line))
        if rows:
            add_examples(self.index, rows, part)

    def finish(self, part: Partial) -> None:
        totals = self.scanner.result()
        for name in (
            "lines",
            "parsed",
            "blank",
            "unparsed",
            "long_lines",
            "binary_lines",
            "no_time",
            "backwards",
            "future",
        ):
            setattr(part, name, getattr(part, name) + totals[name])
        filled: list[int] = totals["filled"]
        for role, at in self.index.items() if totals["parsed"] else ():  # the pure path counts only parsed rows
            part.filled[role] += totals["parsed"] - totals["no_time"] if role == "time" else filled[at]
        part.backwards_max = max(part.backwards_max, totals["backwards_max"])
        part.backwards_examples += [f"{iso(at)} after {iso(high)}" for at, high in totals["backwards_examples"]]
        if totals["first"] is not None:
            part.first, part.earliest, part.latest, part.high = (
                totals["first"],
                totals["earliest"],
                totals["latest"],
                totals["high"],
            )
        part.hours.update(totals["hours"])
        part.zones.update(totals["zones"])
        if totals["future_latest"] is not None:
            part.future_latest = totals["future_latest"]


def native_scan(plan: Plan, fields: tuple[str, ...] | None = None) -> NativeScan | None:
    """A C scan for this plan, or None (not built, turned off, or a format it does not take)."""
    if not available():
        return None
    parts = template_parts(plan, fields if fields is not None else Scanner(plan).fields)
    return NativeScan(plan, parts) if parts is not None else None
