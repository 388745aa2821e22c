"""Partial statistics of a log (a file, or a byte range of one) that merge: rotated files, parallel ranges."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 5
BACKWARDS_TOLERANCE = 60  # seconds: request-start logging (Apache) is out of order by a few seconds


@dataclass
class Partial:
    lines: int = 0
    parsed: int = 0
    blank: int = 0
    unparsed: int = 0
    long_lines: int = 0
    binary_lines: int = 0
    no_time: int = 0
    present: dict[str, str] = field(default_factory=dict)  # role -> source field
    filled: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    unparsed_examples: list[str] = field(default_factory=list)
    earliest: int | None = None
    latest: int | None = None
    first: int | None = None  # first timestamp in file order, for ordering checks between ranges
    high: int | None = None  # the latest timestamp seen so far in file order
    hours: Counter[int] = field(default_factory=Counter)  # epoch hour (seconds // 3600) -> records
    zones: Counter[str] = field(default_factory=Counter)
    backwards: int = 0
    backwards_max: int = 0
    backwards_examples: list[str] = field(default_factory=list)
    future: int = 0
    future_latest: int | None = None
    formats: Counter[str] = field(default_factory=Counter)
    truncated: list[str] = field(default_factory=list)

    def example(self, role: str, value: str) -> None:
        found = self.examples.setdefault(role, [])
        if len(found) < MAX_EXAMPLES and value not in found:
            found.append(value)

    def unparsed_example(self, text: str) -> None:
        if len(self.unparsed_examples) < MAX_EXAMPLES:
            self.unparsed_examples.append(text)

    def see_range(self, low: int, high: int) -> None:
        """Timestamps in file order between `low` and `high`, already known to be in order."""
        if self.first is None:
            self.first = low
        self.earliest = low if self.earliest is None else min(self.earliest, low)
        self.latest = high if self.latest is None else max(self.latest, high)
        self.high = high if self.high is None else max(self.high, high)

    def went_back(self, at: int, example: str) -> None:
        assert self.high is not None
        self.backwards += 1
        self.backwards_max = max(self.backwards_max, self.high - at)
        if len(self.backwards_examples) < MAX_EXAMPLES:
            self.backwards_examples.append(example)

    def merge(self, other: Partial, ordered: bool) -> None:
        """Add `other`; `ordered` when it directly follows this one in the same file (clock order checked)."""
        if (
            ordered
            and self.high is not None
            and other.first is not None
            and other.first < self.high - BACKWARDS_TOLERANCE
        ):
            self.went_back(other.first, f"{self.high - other.first} s back at a range boundary")
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
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.backwards_max = max(self.backwards_max, other.backwards_max)
        self.present.update(other.present)
        self.filled.update(other.filled)
        for role, values in other.examples.items():
            for value in values:
                self.example(role, value)
        for text in other.unparsed_examples:
            self.unparsed_example(text)
        self.backwards_examples = (self.backwards_examples + other.backwards_examples)[:MAX_EXAMPLES]
        if other.earliest is not None and other.latest is not None:
            first = self.first
            self.see_range(other.earliest, other.latest)
            self.first = first if first is not None else other.first
        self.hours.update(other.hours)
        self.zones.update(other.zones)
        self.formats.update(other.formats)
        self.truncated += other.truncated
        if other.future_latest is not None:
            self.future_latest = max(self.future_latest or other.future_latest, other.future_latest)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "parsed": self.parsed,
            "blank": self.blank,
            "unparsed": self.unparsed,
            "long_lines": self.long_lines,
            "binary_lines": self.binary_lines,
            "no_time": self.no_time,
            "present": dict(self.present),
            "filled": dict(self.filled),
            "examples": self.examples,
            "unparsed_examples": self.unparsed_examples,
            "earliest": self.earliest,
            "latest": self.latest,
            "first": self.first,
            "high": self.high,
            "hours": {str(hour): count for hour, count in sorted(self.hours.items())},
            "zones": dict(self.zones),
            "backwards": self.backwards,
            "backwards_max": self.backwards_max,
            "backwards_examples": self.backwards_examples,
            "future": self.future,
            "future_latest": self.future_latest,
            "formats": dict(self.formats),
            "truncated": self.truncated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Partial:
        part = cls()
        for name in (
            "lines",
            "parsed",
            "blank",
            "unparsed",
            "long_lines",
            "binary_lines",
            "no_time",
            "earliest",
            "latest",
            "first",
            "high",
            "backwards",
            "backwards_max",
            "future",
            "future_latest",
        ):
            setattr(part, name, data.get(name, getattr(part, name)))
        part.present = dict(data.get("present", {}))
        part.filled = Counter(data.get("filled", {}))
        part.examples = {k: list(v) for k, v in data.get("examples", {}).items()}
        part.unparsed_examples = list(data.get("unparsed_examples", []))
        part.backwards_examples = list(data.get("backwards_examples", []))
        part.hours = Counter({int(k): int(v) for k, v in data.get("hours", {}).items()})
        part.zones = Counter(data.get("zones", {}))
        part.formats = Counter(data.get("formats", {}))
        part.truncated = list(data.get("truncated", []))
        return part
