"""The hot path: turn chunks of log lines into partial statistics.

Regex formats take a whole chunk at once: one `findall` (the loop over lines runs in C), then the columns are
counted with C-level `list.count`, and timestamps are handled per run of lines sharing an hour prefix
(`itertools.groupby` with a C key function). Only a chunk with a line the regex refuses goes line by line.
Hand-written and measured on a 200 MB combined log: about 4x faster than matching line by line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from redline.probes.log_retention.clock import Clock, iso
from redline.probes.log_retention.formats import Template
from redline.probes.log_retention.reader import MAX_LINE
from redline.probes.log_retention.shapes import masked_line, shape
from redline.probes.log_retention.stats import BACKWARDS_TOLERANCE, MAX_EXAMPLES, Partial

_HOUR = itemgetter(slice(0, 14))  # `dd/Mon/yyyy:HH` of a $time_local value
_ZONE = itemgetter(slice(21, 26))
_EMPTY: tuple[object, ...] = (b"-", b"", "-", "", None)
EXAMPLE_ROWS = 200  # examples are taken from this many rows at the start of each chunk


@dataclass(frozen=True)
class Plan:
    """What a scan reads: the format, which field holds each role, and when "the future" starts."""

    kind: str  # "regex", "json" or "csv"
    name: str
    roles: dict[str, str]
    future_after: int
    template: Template | None = None
    header: tuple[str, ...] = field(default=())


class Scanner:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.clock = Clock()
        self.fields = tuple(dict.fromkeys(plan.roles.values()))
        if plan.template is not None:
            self.fields = plan.template.order(self.fields)
            self.regex = plan.template.compile(self.fields)
        self.index = {role: self.fields.index(name) for role, name in plan.roles.items()}
        self.header_seen = plan.kind != "csv"
        self.csv_columns: list[int | None] = (
            [plan.header.index(n) if n in plan.header else None for n in self.fields] if plan.header else []
        )

    def feed(self, chunk: bytes, part: Partial) -> None:
        if self.plan.kind == "regex":
            self._regex_chunk(chunk, part)
        elif self.plan.kind == "json":
            self._json_chunk(chunk, part)
        else:
            self._csv_chunk(chunk, part)

    def _regex_chunk(self, chunk: bytes, part: Partial) -> None:
        lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
        rows: list[Any] = self.regex.findall(chunk)
        if len(rows) != lines:
            self._regex_lines(chunk, part)
            return
        part.lines += lines
        part.parsed += lines
        if self.regex.groups == 1:
            rows = [(value,) for value in rows]
        self._columns(rows, part)

    def _regex_lines(self, chunk: bytes, part: Partial) -> None:
        rows: list[tuple[bytes, ...]] = []
        for line in _split(chunk):
            if self._skip(line, part):
                continue
            match = self.regex.fullmatch(line)
            if match is None:
                _unparsed(line, part)
            else:
                part.parsed += 1
                rows.append(match.groups() if self.regex.groups != 1 else (match.group(1),))
        if rows:
            self._columns(rows, part)

    def _json_chunk(self, chunk: bytes, part: Partial) -> None:
        rows: list[tuple[object, ...]] = []
        for line in _split(chunk):
            if self._skip(line, part):
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                _unparsed(line, part)
                continue
            part.parsed += 1
            rows.append(tuple(_lookup(record, name) for name in self.fields))
        if rows:
            self._columns(rows, part)

    def _csv_chunk(self, chunk: bytes, part: Partial) -> None:
        rows: list[tuple[object, ...]] = []
        kept: list[bytes] = []
        for line in _split(chunk):
            if not self.header_seen and line.strip():
                self.header_seen = True
                part.lines += 1
                continue
            if not self._skip(line, part):
                kept.append(line)
        width = len(self.plan.header)
        for raw, record in zip(kept, _csv_records(kept), strict=True):
            if record is None or len(record) != width:
                _unparsed(raw, part)
                continue
            part.parsed += 1
            rows.append(tuple("" if column is None else record[column] for column in self.csv_columns))
        if rows:
            self._columns(rows, part)

    @staticmethod
    def _skip(line: bytes, part: Partial) -> bool:
        part.lines += 1
        if len(line) > MAX_LINE:
            part.long_lines += 1
            return True
        if not line.strip():
            part.blank += 1
            return True
        return False

    def _columns(self, rows: Sequence[Sequence[object]], part: Partial) -> None:
        columns = list(zip(*rows, strict=True))
        for role, index in self.index.items():
            column = columns[index]
            if role == "time":
                missing = part.no_time
                if self.plan.template is not None and self.plan.roles["time"] == "time_local":
                    self._local_times(column, part)
                else:
                    self._times(column, part)
                part.filled[role] += len(column) - (part.no_time - missing)
            else:
                empties = _EMPTY[:2] if isinstance(column[0], bytes) else _EMPTY[2:]
                part.filled[role] += len(column) - sum(column.count(empty) for empty in empties)
        add_examples(self.index, rows, part)

    def _local_times(self, column: Sequence[Any], part: Partial) -> None:
        """nginx $time_local, fixed width: within one hour prefix and zone, byte order is time order."""
        for prefix, group in groupby(column, _HOUR):
            values = list(group)
            zones = set(map(_ZONE, values))
            hour = self.clock.local_hour(prefix, next(iter(zones))) if len(zones) == 1 else None
            if hour is None or values != sorted(values):
                self._times(values, part)
                continue
            low = hour + int(values[0][15:17]) * 60 + int(values[0][18:20])
            high = hour + int(values[-1][15:17]) * 60 + int(values[-1][18:20])
            if high > self.plan.future_after:
                self._times(values, part)
                continue
            if part.high is not None and low < part.high - BACKWARDS_TOLERANCE:
                part.went_back(low, f"{iso(low)} after {iso(part.high)}")
            part.see_range(low, high)
            part.hours[hour // 3600] += len(values)
            part.zones[zones.pop().decode("ascii")] += len(values)

    def _times(self, column: Iterable[object], part: Partial) -> None:
        parse = self.clock.parse
        for value in column:
            got = parse(value) if value not in _EMPTY else None
            if got is None:
                part.no_time += 1
                continue
            seconds, zone = got
            if part.high is not None and seconds < part.high - BACKWARDS_TOLERANCE:
                part.went_back(seconds, f"{iso(seconds)} after {iso(part.high)}")
            part.see_range(seconds, seconds)
            part.hours[seconds // 3600] += 1
            part.zones[zone] += 1
            if seconds > self.plan.future_after:
                part.future += 1
                part.future_latest = max(part.future_latest or seconds, seconds)


def add_examples(index: dict[str, int], rows: Sequence[Sequence[object]], part: Partial) -> None:
    """Masked examples of each role from the first rows of a chunk, while a role has fewer than wanted."""
    for role, at in index.items():
        if len(part.examples.get(role, ())) < MAX_EXAMPLES:
            for row in rows[:EXAMPLE_ROWS]:
                value = row[at]
                if value not in _EMPTY:
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    part.example(role, shape(role, text))


def _csv_records(lines: list[bytes]) -> list[list[str] | None]:
    """One record per line (None where the line is no CSV record): all at once when the lines read
    cleanly, else line by line, so a quoted newline, a stray carriage return or an oversized field
    (csv.Error) costs only its own line, counted unparsed, and never shifts later lines."""
    text = b"\n".join(lines).decode("utf-8", "replace")
    try:
        records: list[list[str] | None] = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        records = []
    if len(records) == len(lines):
        return records
    return [csv_record(line) for line in lines]


def csv_record(line: bytes) -> list[str] | None:
    """The fields of one CSV line, or None where it is no record (a stray carriage return, a huge field)."""
    try:
        return next(csv.reader((line.decode("utf-8", "replace"),)), [])
    except csv.Error:
        return None


def _split(chunk: bytes) -> list[bytes]:
    lines = chunk.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def _unparsed(line: bytes, part: Partial) -> None:
    part.unparsed += 1
    try:
        line.decode("utf-8")
        binary = b"\x00" in line
    except UnicodeDecodeError:
        binary = True
    if binary:
        part.binary_lines += 1
    part.unparsed_example(masked_line(line))


def _lookup(record: dict[str, Any], name: str) -> object:
    value: Any = record.get(name)
    if value is None and "." in name:
        value = record
        for key in name.split("."):
            value = value.get(key) if isinstance(value, dict) else None
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def json_fields(sample: list[bytes]) -> list[str]:
    """Field names (one level of nesting as dotted paths) seen in the first JSON records."""
    names: dict[str, None] = {}
    for line in sample:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            for key, value in record.items():
                names[str(key)] = None
                if isinstance(value, dict):
                    names.update({f"{key}.{inner}": None for inner in value})
    return list(names)
