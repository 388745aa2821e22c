"""Findings from log statistics: each names the checklist item and the clause it is evidence for."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from redline.domain.assessment import Severity
from redline.probes.base import ProbeFinding
from redline.probes.log_retention.clock import iso
from redline.probes.log_retention.mapping import REQUIRED, ROLE_TITLES
from redline.probes.log_retention.stats import Partial

ITEM_FIELDS = "sa2018-5-3-log-fields"
ITEM_RETENTION = "csl-network-log-retention-six-months"
SA2018_CLAUSE = "具有舆论属性或社会动员能力的互联网信息服务安全评估规定 第五条第（三）项"
CSL2016_CLAUSE = "网络安全法 第二十一条第（三）项"
CSL2025_CLAUSE = "网络安全法（2025年修正） 第二十三条"
CSL2025_FROM = dt.date(2026, 1, 1)
LOCAL_OFFSET = 8 * 3600
MAX_GAP_FINDINGS = 20
_HINTS = {
    "source_port": " (the nginx default/combined format has no $remote_port: add it to log_format)",
    "destination_address": " (add $server_addr to log_format, or name the field in the mapping file)",
    "device": " (a User-Agent names software, not hardware: log a device identifier and name it in the mapping)",
    "account": " (name the account field in the mapping file if it has another name)",
}


def csl_clause(assessment: dt.date) -> str:
    """The Cybersecurity Law text in force on the assessment date (amended and renumbered 2026-01-01)."""
    return CSL2025_CLAUSE if assessment >= CSL2025_FROM else CSL2016_CLAUSE


def months_back(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def local_midnight(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) - LOCAL_OFFSET


def day_name(day: int) -> str:
    """Days since the epoch as an ISO date."""
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


@dataclass(frozen=True)
class Gap:
    start_hour: int  # first empty epoch hour
    end_hour: int  # first hour with records again

    @property
    def hours(self) -> int:
        return self.end_hour - self.start_hour

    def empty_days(self) -> list[str]:
        """Local days with no record at all inside this gap."""
        shift = LOCAL_OFFSET // 3600
        first, last = -(-(self.start_hour + shift) // 24), (self.end_hour + shift) // 24 - 1
        return [day_name(d) for d in range(first, last + 1)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": iso(self.start_hour * 3600),
            "to": iso(self.end_hour * 3600 - 1),
            "hours": self.hours,
            "empty_days": self.empty_days(),
        }


def gaps(hours: dict[int, int], gap_hours: int) -> list[Gap]:
    """Runs of more than `gap_hours` hours without records, between the first and last record."""
    found: list[Gap] = []
    ordered = sorted(hour for hour, count in hours.items() if count)
    for before, after in itertools.pairwise(ordered):
        if after - before - 1 > gap_hours:
            found.append(Gap(before + 1, after))
    return found


def file_findings(part: Partial, location: str, sha: str, state_truncated: str) -> list[ProbeFinding]:
    """What one file shows by itself: unreadable parts, unparsed lines, its clock going backwards."""
    found: list[ProbeFinding] = []

    def add(item: str, severity: Severity, code: str, params: dict[str, object], clause: str = SA2018_CLAUSE) -> None:
        found.append(ProbeFinding.coded(item, severity, location, code, params, sha, clause))

    binary = {"binary": part.binary_lines} if part.binary_lines else {}
    if state_truncated:
        add(ITEM_RETENTION, Severity.MEDIUM, "log.file.truncated", {"reason": state_truncated, "lines": part.lines}, "")
    if part.lines == 0:
        add(ITEM_FIELDS, Severity.LOW, "log.file.empty", {})
    elif part.parsed == 0:
        add(ITEM_FIELDS, Severity.MEDIUM, "log.file.unparsable", {"lines": part.lines, **binary})
    if part.unparsed and part.parsed:
        share = 100 * part.unparsed / max(part.lines, 1)
        add(
            ITEM_FIELDS,
            Severity.MEDIUM if share >= 1 else Severity.LOW,
            "log.lines.unparsed",
            {
                "unparsed": part.unparsed,
                "share": f"{share:.2f}",
                "formats": "/".join(part.formats) or "detected",
                "examples": " | ".join(part.unparsed_examples),
                **binary,
            },
        )
    if part.long_lines:
        add(ITEM_FIELDS, Severity.LOW, "log.lines.too_long", {"count": part.long_lines})
    if part.backwards:
        add(
            ITEM_FIELDS,
            Severity.MEDIUM,
            "log.clock.backwards",
            {"count": part.backwards, "seconds": part.backwards_max, "examples": "; ".join(part.backwards_examples)},
        )
    return found


def run_findings(part: Partial, evidence: str, settings: dict[str, Any]) -> tuple[list[ProbeFinding], list[Gap]]:
    """What only the whole run shows: fields across files, coverage, gaps, span, clock."""
    assessment = dt.date.fromisoformat(settings["assessment_date"])
    csl = csl_clause(assessment)
    found: list[ProbeFinding] = []

    def add(item: str, severity: Severity, code: str, params: dict[str, object], clause: str) -> None:
        found.append(ProbeFinding.coded(item, severity, "(all files)", code, params, evidence, clause))

    _field_findings(part, settings, add)
    if part.earliest is None or part.latest is None:
        add(ITEM_RETENTION, Severity.HIGH, "log.retention.no_timestamp", {}, csl)
        return found, []
    run_gaps = gaps(dict(part.hours), int(settings["gap_hours"]))
    for gap in run_gaps[:MAX_GAP_FINDINGS]:
        days = gap.empty_days()
        day_params = {"first_day": days[0], "last_day": days[-1], "days": len(days)} if days else {}
        add(
            ITEM_RETENTION,
            Severity.HIGH if days else Severity.MEDIUM,
            "log.retention.gap",
            {
                "hours": gap.hours,
                "start": iso(gap.start_hour * 3600),
                "end": iso(gap.end_hour * 3600 - 1),
                **day_params,
            },
            csl,
        )
    if len(run_gaps) > MAX_GAP_FINDINGS:
        add(
            ITEM_RETENTION, Severity.MEDIUM, "log.retention.more_gaps", {"count": len(run_gaps) - MAX_GAP_FINDINGS}, csl
        )
    months = int(settings["months"])
    needed = months_back(assessment, months)
    if part.earliest > local_midnight(needed):
        short = (part.earliest - local_midnight(needed)) / 86400
        add(
            ITEM_RETENTION,
            Severity.HIGH,
            "log.retention.short",
            {
                "earliest": iso(part.earliest),
                "months": months,
                "assessed": assessment,
                "needed": needed,
                "days": f"{short:.1f}",
            },
            csl,
        )
    stale = (local_midnight(assessment) - part.latest) / 86400
    if stale > 1:
        add(
            ITEM_RETENTION,
            Severity.MEDIUM,
            "log.retention.stale",
            {"latest": iso(part.latest), "days": f"{stale:.1f}", "assessed": assessment},
            csl,
        )
    if part.future:
        add(
            ITEM_FIELDS,
            Severity.MEDIUM,
            "log.clock.future",
            {"count": part.future, "assessed": assessment, "latest": iso(part.future_latest or 0)},
            SA2018_CLAUSE,
        )
    zones = {zone: count for zone, count in part.zones.items() if zone != "epoch"}
    if len(zones) > 1:
        listed = ", ".join(f"{zone} ({count})" for zone, count in sorted(zones.items(), key=lambda z: -z[1]))
        add(ITEM_FIELDS, Severity.LOW, "log.clock.mixed_zones", {"zones": listed}, SA2018_CLAUSE)
    return found, run_gaps


def _field_findings(part: Partial, settings: dict[str, Any], add: Any) -> None:
    minimum = float(settings["min_filled"])
    for role in REQUIRED:
        title = ROLE_TITLES[role]
        if role not in part.present:
            add(
                ITEM_FIELDS,
                Severity.HIGH,
                "log.field.missing",
                {"title": title, "hint": _HINTS.get(role, "")},
                SA2018_CLAUSE,
            )
            continue
        percent = 100 * part.filled.get(role, 0) / max(part.parsed, 1)
        if part.parsed and part.filled.get(role, 0) == 0:
            add(
                ITEM_FIELDS,
                Severity.HIGH,
                "log.field.empty",
                {"title": title, "field": part.present[role], "records": part.parsed},
                SA2018_CLAUSE,
            )
        elif part.parsed and percent < minimum:
            add(
                ITEM_FIELDS,
                Severity.MEDIUM,
                "log.field.sparse",
                {
                    "title": title,
                    "field": part.present[role],
                    "percent": f"{percent:.1f}",
                    "examples": ", ".join(part.examples.get(role, [])),
                },
                SA2018_CLAUSE,
            )


def field_table(part: Partial) -> dict[str, Any]:
    """Per role: the source field, percent filled and masked examples of the values' shapes."""
    table: dict[str, Any] = {}
    for role, title in ROLE_TITLES.items():
        source = part.present.get(role)
        filled = part.filled.get(role, 0)
        table[role] = {
            "title": title,
            "required": role in REQUIRED,
            "field": source,
            "filled": filled,
            "percent": round(100 * filled / part.parsed, 2) if source and part.parsed else 0.0,
            "examples": part.examples.get(role, []),
        }
    return table
