"""The log-retention probe: per file, partial statistics; per run, merged coverage, gaps and findings."""

from __future__ import annotations

import datetime as dt
import fnmatch
import gc
import hashlib
import itertools
import multiprocessing
import os
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.base import FileResult, ProbeInfo, Verdict
from redline.probes.log_retention import checks, native, reader
from redline.probes.log_retention.calendar_svg import coverage_svg
from redline.probes.log_retention.clock import iso
from redline.probes.log_retention.formats import COMBINED, FORMAT_NAMES, Template, load_directive, sniff
from redline.probes.log_retention.mapping import load_mapping, resolve
from redline.probes.log_retention.scan import Plan, Scanner, csv_record, json_fields
from redline.probes.log_retention.stats import Partial

PARALLEL_MIN = 64 << 20  # below this one process is faster than starting workers
SAMPLE_LINES = 200


@dataclass(frozen=True)
class Settings:
    format: str = "auto"
    log_format: str = ""
    mapping: str = ""
    assessment_date: str = ""
    gap_hours: int = 6
    months: int = 6
    min_filled: float = 95.0
    glob: str = ""
    workers: int = 0

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Settings:
        fmt = str(options.get("format", "auto")).lower()
        if fmt not in FORMAT_NAMES:
            raise InputError(f"format must be one of {', '.join(FORMAT_NAMES)}", field="format")
        day = str(options.get("assessment_date") or dt.date.today().isoformat())
        try:
            dt.date.fromisoformat(day)
            numbers = {
                name: int(options.get(name, default))
                for name, default in (("gap_hours", 6), ("months", 6), ("workers", 0))
            }
            min_filled = float(options.get("min_filled", 95.0))
        except ValueError as exc:
            raise InputError(f"bad option value: {exc}", field="--option") from None
        return cls(
            fmt,
            str(options.get("log_format") or ""),
            str(options.get("mapping") or ""),
            day,
            numbers["gap_hours"],
            numbers["months"],
            min_filled,
            str(options.get("glob") or ""),
            numbers["workers"],
        )


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _sample(path: Path) -> list[bytes]:
    state = reader.ReadState()
    stream = reader.chunks(path, state)
    try:
        first = next(stream, b"")
    finally:
        stream.close()
    return bytes(first[: 1 << 20]).split(b"\n")[:SAMPLE_LINES]


def make_plan(path: Path, settings: Settings) -> Plan:
    """Which format the file is in and which of its fields hold the required roles."""
    custom: Template | None = load_directive(settings.log_format) if settings.log_format else None
    mapping = load_mapping(settings.mapping or None)
    future_after = checks.local_midnight(dt.date.fromisoformat(settings.assessment_date)) + 86400
    sample = _sample(path)
    kind = settings.format
    if kind == "auto":
        kind = sniff(sample, custom)
    elif kind in ("combined", "nginx"):
        kind = "custom" if custom is not None and kind == "nginx" else "combined"
    if kind == "json":
        return Plan("json", "json", resolve(mapping, json_fields(sample)), future_after)
    if kind == "csv":
        first = next((line for line in sample if line.strip()), b"")
        header = tuple(csv_record(first.strip()) or ())
        return Plan("csv", "csv", resolve(mapping, header), future_after, header=header)
    template = custom if kind == "custom" and custom is not None else COMBINED
    name = f"nginx log_format {template.name}" if template is custom else "combined"
    return Plan("regex", name, resolve(mapping, template.fields), future_after, template)


def scan_range(path: Path, plan: Plan, start: int = 0, end: int | None = None) -> tuple[Partial, reader.ReadState]:
    """Scan a whole file, or a byte range of a plain one; the GC is paused because the findall rows are
    millions of short-lived tuples that only trigger useless collections (measured: 3x less time in zip)."""
    state = reader.ReadState()
    part = Partial(present=dict(plan.roles))
    fast = native.native_scan(plan)
    slow = Scanner(plan) if fast is None else None
    enabled = gc.isenabled()
    gc.disable()
    try:
        for chunk in reader.chunks(path, state, start, end):
            if fast is not None:
                fast.feed(chunk, part)
            elif slow is not None:
                slow.feed(bytes(chunk), part)
    finally:
        if enabled:
            gc.enable()
    if fast is not None:
        fast.finish(part)
    part.lines += state.long_lines
    part.long_lines += state.long_lines
    return part, state


def _scan_range_args(args: tuple[Path, Plan, int, int]) -> tuple[Partial, reader.ReadState]:
    return scan_range(*args)


def scan_file(path: Path, plan: Plan, workers: int) -> tuple[Partial, reader.ReadState]:
    """One large plain file is cut into line-aligned ranges over all cores (only from the main process:
    the runner's own workers already use the cores)."""
    size = path.stat().st_size
    workers = workers or os.cpu_count() or 1
    if (
        plan.kind != "regex"
        or workers < 2
        or size < PARALLEL_MIN
        or multiprocessing.parent_process() is not None
        or reader.compression_of(path) != "none"
    ):
        return scan_range(path, plan)
    points = reader.split_points(path, workers * 2)  # the same ranges on both paths: the same merged result
    ranges = [(path, plan, a, b) for a, b in itertools.pairwise(points)]
    # the C scan releases the GIL: threads, and nothing copied between processes
    pool = ThreadPoolExecutor if native.native_scan(plan) is not None else ProcessPoolExecutor
    with pool(max_workers=workers) as executor:
        results = list(executor.map(_scan_range_args, ranges))
    part, state = results[0]
    for other, _ in results[1:]:
        part.merge(other, ordered=True)
    return part, state


class LogRetentionProbe:
    info = ProbeInfo(
        name="log-retention",
        version="0.1.0",
        title="Access logs keep the Art. 5(3) fields (2018 rule) for at least six months (Cybersecurity Law)",
        items=(checks.ITEM_FIELDS, checks.ITEM_RETENTION),
        inputs=("files", "directories", "rotated logs (plain, gzip, zstd)"),
        options={
            "format": "auto (default), combined, nginx (with log_format), json (JSON lines) or csv (with header)",
            "log_format": "an nginx log_format directive, or a file holding one",
            "mapping": "YAML file naming the fields for account, time, operation, source/destination address and "
            "port, device",
            "assessment_date": "YYYY-MM-DD (default today): six months are counted back from it",
            "gap_hours": "report runs of more than this many hours without records (default 6)",
            "months": "required retention in months (default 6)",
            "min_filled": "percent of records a required field must be filled in (default 95)",
            "glob": "only check files whose name (or path) matches this pattern, e.g. access.log*",
            "workers": "processes for one large plain file (default: all cores)",
        },
        file_options=("mapping", "log_format"),
    )

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Values checked before a campaign stores them (the CLI checks them as it runs)."""
        settings = Settings.from_options(options)
        bounds = {"gap_hours": (1, 24 * 366), "months": (1, 120), "min_filled": (0, 100), "workers": (0, 64)}
        for name, (low, high) in bounds.items():
            if not low <= getattr(settings, name) <= high:
                raise InputError(f"{name} must lie between {low} and {high}", field=name)

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        settings = Settings.from_options(options)
        size = path.stat().st_size
        if settings.glob and not (
            fnmatch.fnmatch(path.name, settings.glob) or fnmatch.fnmatch(str(path), settings.glob)
        ):
            return FileResult(
                str(path),
                "",
                size,
                Verdict.INCONCLUSIVE,
                "skipped",
                details={"skipped": f"does not match glob {settings.glob}"},
            )
        with ThreadPoolExecutor(max_workers=1) as hashing:  # hashlib releases the GIL: the digest runs beside the scan
            digest = hashing.submit(_digest, path)
            plan = make_plan(path, settings)
            part, state = scan_file(path, plan, settings.workers) if size else (Partial(), reader.ReadState())
            sha = digest.result()
        part.formats[plan.name] += 1
        if state.truncated:
            part.truncated.append(f"{path}: {state.truncated}")
        findings = checks.file_findings(part, str(path), sha, state.truncated)
        if part.parsed == 0:
            verdict = Verdict.INCONCLUSIVE
        elif any(f.severity in (Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL) for f in findings):
            verdict = Verdict.NON_COMPLIANT
        else:
            verdict = Verdict.COMPLIANT
        details = {
            "format": plan.name,
            "compression": state.compression,
            "fields": plan.roles,
            "decoded_bytes": state.decoded_bytes,
            "stats": part.to_dict(),
            "settings": asdict(settings),
        }
        return FileResult(str(path), sha, size, verdict, plan.name, (state.compression,), tuple(findings), details)

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        counted = [r for r in results if isinstance(r.details.get("stats"), Mapping)]
        verdicts = Counter(r.verdict.value for r in results)
        settings = dict(counted[0].details["settings"]) if counted else asdict(Settings())
        settings["assessment_date"] = settings["assessment_date"] or dt.date.today().isoformat()
        total = Partial()
        for result in counted:
            total.merge(Partial.from_dict(dict(result.details["stats"])), ordered=False)
        evidence = hashlib.sha256("\n".join(sorted(r.sha256 for r in counted)).encode()).hexdigest()
        findings, run_gaps = checks.run_findings(total, evidence, settings) if counted else ([], [])
        days = _days(total.hours)
        return {
            "files": len(results),
            "files_counted": len(counted),
            "verdicts": dict(sorted(verdicts.items())),
            "findings": findings,
            "totals": {
                "lines": total.lines,
                "records": total.parsed,
                "unparsed": total.unparsed,
                "blank": total.blank,
                "long_lines": total.long_lines,
                "binary_lines": total.binary_lines,
                "no_time": total.no_time,
                "truncated_files": total.truncated,
            },
            "formats": dict(total.formats),
            "fields": checks.field_table(total),
            "earliest": iso(total.earliest) if total.earliest is not None else None,
            "latest": iso(total.latest) if total.latest is not None else None,
            "assessment_date": settings["assessment_date"],
            "zones": dict(total.zones),
            "records_per_day": {checks.day_name(day): count for day, count in sorted(days.items())},
            "gaps": [gap.as_dict() for gap in run_gaps],
            "records_per_hour": {str(hour): count for hour, count in sorted(total.hours.items()) if count > 0},
            "coverage_svg": coverage_svg(dict(total.hours), checks.LOCAL_OFFSET),
        }


def _days(hours: Counter[int]) -> Counter[int]:
    days: Counter[int] = Counter()
    for hour, count in hours.items():
        days[(hour * 3600 + checks.LOCAL_OFFSET) // 86400] += count
    return days
