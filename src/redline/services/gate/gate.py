"""The release gate: does a service manifest owe a security assessment not yet submitted or accepted?

The manifest is a service file (examples/*/service.yaml) kept in the product's repository. It
is compared with a baseline, the service as last accepted: every capability, technology or
user figure beyond the baseline is a change, evaluated against the rulebook's triggers on the
gate's date. Each added capability and each adopted technology is its own change, so every
obligation names what caused it and a filing covers exactly what it filed.

What covers a triggered security assessment: a filing of the service that lists the same
trigger and whose change brought in the same capability (or technology, or user figure):
- accepted, verified or closed: the regulators accepted the report; the gate passes.
- submitted, under review, on-site inspection, supplement requested, rectification ordered or
  submitted: the report is with the regulators; the gate passes with a warning, and fails
  when accepted reports are required.
- notice issued, draft, reassessment ordered, or no filing: the gate fails.
Only security assessments gate a release; labelling and algorithm filings are listed, since
they fall due on or after the launch and are filed elsewhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Obligation, Text, evaluate
from redline.domain.service import Change, ServiceProfile
from redline.domain.workflow import CONCLUDED, PENDING, FilingState
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind, ObligationKind
from redline.services.assessment.documents import ServiceFile, service_from
from redline.services.gate.gate_baseline import FilingSummary, GateBaseline
from redline.yamldoc import YamlDoc, load_model, read_yaml


class Coverage(StrEnum):
    ACCEPTED = "accepted"
    PENDING = "pending"
    MISSING = "missing"


@dataclass(frozen=True)
class TechnologyUse:
    id: str
    aspects: tuple[str, ...] = ()
    material_change: bool | None = None


@dataclass(frozen=True)
class Manifest:
    source: str
    profile: ServiceProfile
    technologies: tuple[TechnologyUse, ...]


@dataclass(frozen=True)
class Baseline:
    """The service as last accepted, and the filings that may cover a change beyond it."""

    source: str
    basis: str
    capabilities: tuple[str, ...]
    technologies: tuple[str, ...]
    monthly_active_users: int | None
    filings: tuple[FilingSummary, ...] = ()
    filing_id: int | None = None


@dataclass(frozen=True)
class GateItem:
    obligation: Obligation
    change: Change
    gating: bool
    coverage: Coverage
    filing_id: int | None
    filing_state: str | None


@dataclass(frozen=True)
class GateResult:
    service: str
    date: dt.date
    require_accepted: bool
    baseline: Baseline
    changes: tuple[Change, ...]
    items: tuple[GateItem, ...]
    warnings: tuple[Text, ...]

    def blocking(self) -> tuple[GateItem, ...]:
        """Gating obligations the filings do not cover well enough."""
        allowed = {Coverage.ACCEPTED} if self.require_accepted else {Coverage.ACCEPTED, Coverage.PENDING}
        return tuple(i for i in self.items if i.gating and i.coverage not in allowed)

    @property
    def passed(self) -> bool:
        return not self.blocking()


def read_manifest(book: Rulebook, path: Path) -> Manifest:
    """A service file, validated as `redline check` does, with its technologies."""
    doc = read_yaml(path)
    return manifest_from(book, doc)


def manifest_from(book: Rulebook, doc: YamlDoc) -> Manifest:
    profile = service_from(book, doc)
    raw = load_model(ServiceFile, doc)
    techs = tuple(TechnologyUse(t.id, tuple(t.aspects), t.material_change) for t in raw.service.technologies)
    return Manifest(doc.source, profile, techs)


def baseline_from_manifest(manifest: Manifest) -> Baseline:
    """A local baseline: a service file committed when the last filing was accepted."""
    p = manifest.profile
    return Baseline(
        manifest.source, "file", p.capabilities, tuple(t.id for t in manifest.technologies), p.monthly_active_users
    )


def baseline_from_platform(payload: GateBaseline, source: str) -> Baseline:
    profile = payload.profile
    return Baseline(
        source,
        payload.basis.kind,
        tuple(profile.capabilities),
        tuple(profile.technologies),
        profile.monthly_active_users,
        tuple(payload.filings),
        payload.basis.filing_id,
    )


def _material(uses: list[TechnologyUse]) -> bool | None:
    if any(u.material_change for u in uses):
        return True
    return False if uses and all(u.material_change is False for u in uses) else None


def derive_changes(manifest: Manifest, baseline: Baseline, date: dt.date) -> tuple[Change, ...]:
    """One change per added capability and per adopted technology; one for user growth."""
    changes: list[Change] = []
    for cap in manifest.profile.capabilities:
        if cap not in baseline.capabilities:
            changes.append(Change(EventKind.ADD_CAPABILITY, date, f"manifest adds {cap}", capabilities=(cap,)))
    for use in manifest.technologies:
        if use.id not in baseline.technologies:
            changes.append(
                Change(
                    EventKind.ADOPT_TECHNOLOGY,
                    date,
                    f"manifest adopts {use.id}",
                    technologies=(use.id,),
                    aspects=use.aspects,
                    material_change=_material([use]),
                )
            )
    before, after = baseline.monthly_active_users, manifest.profile.monthly_active_users
    if before and after is not None and after > before:
        changes.append(
            Change(
                EventKind.USER_GROWTH,
                date,
                f"monthly active users {before} -> {after}",
                mau_before=before,
                mau_after=after,
            )
        )
    return tuple(changes)


def _warnings(manifest: Manifest, baseline: Baseline, changes: tuple[Change, ...]) -> list[Text]:
    out: list[Text] = []
    for change in changes:
        if change.kind is EventKind.ADOPT_TECHNOLOGY and change.material_change is None:
            tech = change.technologies[0]
            out.append(
                Text(
                    f"清单未说明采用 {tech} 是否导致重大变更（material_change）；按未导致重大变化判断。",
                    f"the manifest does not say whether adopting {tech} is a material change "
                    "(material_change); judged as not material.",
                )
            )
    if manifest.profile.monthly_active_users is not None and not baseline.monthly_active_users:
        out.append(
            Text(
                "基线没有月活跃用户数，无法判断用户规模是否显著增加。",
                "the baseline has no monthly-active-user figure; growth cannot be judged.",
            )
        )
    return out


def _service_for(manifest: Manifest, change: Change) -> ServiceProfile:
    """The service the change applies to: the manifest without what the change brings in."""
    caps = tuple(c for c in manifest.profile.capabilities if c not in change.capabilities)
    techs = tuple(t for t in manifest.profile.technologies if t not in change.technologies)
    return dataclasses.replace(manifest.profile, capabilities=caps, technologies=techs)


def _brings(
    book: Rulebook, calendar: WorkCalendar, manifest: Manifest, filing: FilingSummary, change: Change, trigger_id: str
) -> bool:
    """Whether the filing's change brought in what `change` brings in."""
    if change.kind is EventKind.ADD_CAPABILITY:
        return set(change.capabilities) <= set(filing.capabilities)
    if change.kind is EventKind.ADOPT_TECHNOLOGY:
        return filing.kind is EventKind.ADOPT_TECHNOLOGY and set(change.technologies) <= set(filing.technologies)
    if change.kind is EventKind.USER_GROWTH and filing.kind is EventKind.USER_GROWTH and filing.mau_after:
        since = dataclasses.replace(change, mau_before=filing.mau_after)  # growth beyond what was filed
        later = evaluate(book, manifest.profile, since, calendar, change.date)
        return trigger_id not in {o.trigger_id for o in later.obligations if o.presumed()}
    return False


def _coverage(state: FilingState) -> Coverage:
    if state in CONCLUDED:
        return Coverage.ACCEPTED
    return Coverage.PENDING if state in PENDING else Coverage.MISSING


_RANK = {Coverage.ACCEPTED: 0, Coverage.PENDING: 1, Coverage.MISSING: 2}


def _item(
    book: Rulebook,
    calendar: WorkCalendar,
    manifest: Manifest,
    baseline: Baseline,
    change: Change,
    obligation: Obligation,
) -> GateItem:
    gating = obligation.kind is ObligationKind.SECURITY_ASSESSMENT
    candidates = [
        f
        for f in baseline.filings
        if obligation.trigger_id in f.trigger_ids
        and _brings(book, calendar, manifest, f, change, obligation.trigger_id)
    ]
    if not candidates:
        return GateItem(obligation, change, gating, Coverage.MISSING, None, None)
    best = min(candidates, key=lambda f: (_RANK[_coverage(f.state)], -f.id))
    return GateItem(obligation, change, gating, _coverage(best.state), best.id, best.state.value)


def run_gate(
    book: Rulebook,
    calendar: WorkCalendar,
    manifest: Manifest,
    baseline: Baseline,
    date: dt.date,
    *,
    require_accepted: bool = False,
) -> GateResult:
    """Compare, evaluate each change on `date`, and say which obligations are covered."""
    changes = derive_changes(manifest, baseline, date)
    items: list[GateItem] = []
    for change in changes:
        evaluation = evaluate(book, _service_for(manifest, change), change, calendar, date)
        # a duty waiting on a judgement redline presumes "no" does not gate: the manifest cannot record judgements
        items += [
            _item(book, calendar, manifest, baseline, change, ob) for ob in evaluation.obligations if ob.presumed()
        ]
    return GateResult(
        manifest.profile.name,
        date,
        require_accepted,
        baseline,
        changes,
        tuple(items),
        tuple(_warnings(manifest, baseline, changes)),
    )
