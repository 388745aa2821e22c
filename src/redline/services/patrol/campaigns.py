"""Patrol inspection campaigns (巡查检查): a regulator's office names a region, a legal basis, the
providers and technologies in scope, and the probes to run over samples of the providers' output.

Who sees what: a regulator sees campaigns whose region lies within its jurisdiction; a provider
sees the campaigns that cover it, and of those only its own samples and findings; nobody else
sees anything (not found, so ids reveal nothing). Runs live in campaign_runs.py, acting on
findings in campaign_actions.py, samples in campaign_samples.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.domain.filenames import check_line
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.rulebook.citations import CITE_PATTERN
from redline.services import audit
from redline.services.context import Context
from redline.services.patrol.campaign_options import check_options
from redline.services.principal import Principal, located_under, require_regulator_over
from redline.store.models import Campaign, CampaignFinding, CampaignRun, CampaignSample, Organisation

SAMPLE_KINDS = ("file", "text", "log")
# Which samples each built-in probe reads by default: labels live in media and text, screening reads
# text, retention reads logs. Other probes read every sample unless the campaign names kinds.
DEFAULT_KINDS: dict[str, tuple[str, ...]] = {
    "aigc-label": ("file", "text"),
    "content-screen": ("text",),
    "log-retention": ("log",),
}


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    region: str
    basis: list[str]
    period_start: dt.date
    period_end: dt.date
    probes: list[dict[str, Any]]
    technologies: list[str] = field(default_factory=list)
    provider_ids: list[int] = field(default_factory=list)


def probe_kinds(spec: dict[str, Any]) -> tuple[str, ...]:
    """The sample kinds a campaign probe reads."""
    kinds = spec.get("kinds") or DEFAULT_KINDS.get(str(spec.get("name")), SAMPLE_KINDS)
    return tuple(kinds)


# ---- access -------------------------------------------------------------------------------------


def covers_provider(campaign: Campaign, org: Organisation) -> bool:
    """The campaign's scope: providers located in its region, or only the listed ones."""
    if org.kind != "provider" or not jurisdiction.covers(campaign.region, org.location):
        return False
    return not campaign.provider_ids or org.id in campaign.provider_ids


def can_see(session: Session, p: Principal, campaign: Campaign) -> bool:
    if p.is_regulator and p.jurisdiction:
        return jurisdiction.covers(p.jurisdiction, campaign.region)
    if p.is_provider and p.organisation_id is not None:
        org = session.get(Organisation, p.organisation_id)
        return org is not None and covers_provider(campaign, org)
    return False


def require_campaign(session: Session, p: Principal, campaign_id: int) -> Campaign:
    """The campaign if `p` may see it; otherwise 'not found'."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not can_see(session, p, campaign):
        raise NotFoundError(f"no campaign {campaign_id}")
    return campaign


def require_officer(p: Principal, campaign: Campaign) -> None:
    """Only a regulator over the campaign's region runs it and acts on its findings."""
    if not p.is_regulator:
        raise PermissionDeniedError("only a CAC or public-security officer may do this")
    require_regulator_over(p, campaign.region)


def visible_provider_ids(p: Principal, campaign: Campaign) -> list[int]:
    """The campaign's listed providers as `p` may see them: a provider sees only itself."""
    mine = own_provider(p)
    return [int(i) for i in campaign.provider_ids if mine is None or i == mine]


def own_provider(p: Principal) -> int | None:
    """The provider a provider's account is restricted to; None for a regulator (sees all)."""
    return p.organisation_id if p.is_provider else None


def providers_in_scope(session: Session, campaign: Campaign) -> list[Organisation]:
    under = jurisdiction.prefix(campaign.region)
    rows = session.scalars(
        select(Organisation)
        .where(Organisation.kind == "provider", located_under(Organisation.location, under))
        .order_by(Organisation.id)
    )
    return [o for o in rows if covers_provider(campaign, o)]


# ---- create -------------------------------------------------------------------------------------


def _check_basis(ctx: Context, basis: list[str]) -> list[str]:
    """Each entry a regulation id (`sa2018`) or a citation (`sa2018:3(1)`) that resolves."""
    if not basis:
        raise InputError("name the legal basis: a regulation id or a citation such as sa2018:3(1)", field="basis")
    cleaned = []
    for n, raw in enumerate(basis):
        cite = str(raw).strip()
        if ctx.book.has_regulation(cite):
            cleaned.append(cite)
            continue
        if not CITE_PATTERN.match(cite):
            raise InputError(
                f"'{cite}' is neither a regulation id nor a citation (e.g. sa2018:3(1))", field=f"basis.{n}"
            )
        try:
            ctx.book.fragment(cite)
        except NotFoundError as exc:
            raise InputError(f"'{cite}' does not resolve: {exc.message}", field=f"basis.{n}") from None
        cleaned.append(cite)
    return cleaned


def _check_probes(probes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from redline.probes.registry import installed_probes

    installed = installed_probes()
    if not probes:
        raise InputError("choose at least one probe", field="probes")
    cleaned, seen = [], set()
    for n, spec in enumerate(probes):
        name = str(spec.get("name", "")).strip()
        if name not in installed:
            raise InputError(
                f"no probe '{name}' (installed: {', '.join(installed) or 'none'})", field=f"probes.{n}.name"
            )
        if name in seen:
            raise InputError(f"probe '{name}' is listed twice", field=f"probes.{n}.name")
        seen.add(name)
        raw = spec.get("options") or {}
        if not isinstance(raw, dict):
            raise InputError("options must map names to values", field=f"probes.{n}.options")
        options = check_options(installed[name].info, installed[name], raw, f"probes.{n}.options")
        entry: dict[str, Any] = {"name": name, "options": options}
        kinds = spec.get("kinds")
        if kinds:
            bad = sorted(set(kinds) - set(SAMPLE_KINDS))
            if bad:
                raise InputError(f"unknown sample kind(s): {', '.join(bad)}", field=f"probes.{n}.kinds")
            entry["kinds"] = list(kinds)
        cleaned.append(entry)
    return cleaned


def _check_providers(session: Session, region: str, provider_ids: list[int]) -> list[int]:
    for n, pid in enumerate(provider_ids):
        org = session.get(Organisation, pid)
        # One answer for "none" and "outside the region": the text names nothing the caller cannot see.
        if org is None or org.kind != "provider" or not jurisdiction.covers(region, org.location):
            raise InputError(f"no provider {pid} in the campaign's region", field=f"provider_ids.{n}")
    return sorted(set(provider_ids))


def create_campaign(ctx: Context, p: Principal, spec: CampaignSpec) -> int:
    """Open a campaign; every part is checked against the rulebook and the probes installed."""
    name = check_line(spec.name.strip(), "name")
    if not name:
        raise InputError("the campaign needs a name", field="name")
    if ctx.book.divisions.get(spec.region) is None:
        raise InputError(f"'{spec.region}' is not a GB/T 2260 division code", field="region")
    require_regulator_over(p, spec.region)
    basis = _check_basis(ctx, spec.basis)
    known = ctx.book.technology_ids()
    for n, tech in enumerate(spec.technologies):
        if tech not in known:
            raise InputError(
                f"unknown technology '{tech}' (known: {', '.join(sorted(known))})", field=f"technologies.{n}"
            )
    if spec.period_end < spec.period_start:
        raise InputError(
            f"the period ends ({spec.period_end}) before it starts ({spec.period_start})", field="period_end"
        )
    probes = _check_probes(spec.probes)
    with ctx.uow() as uow:
        providers = _check_providers(uow.session, spec.region, spec.provider_ids)
        row = Campaign(
            name=name,
            region=spec.region,
            basis=basis,
            technologies=sorted(set(spec.technologies)),
            provider_ids=providers,
            period_start=spec.period_start,
            period_end=spec.period_end,
            probes=probes,
            state="open",
            created_by=p.user_id,
            created_at=ctx.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        audit.append(
            uow.session,
            ctx.now(),
            p.username,
            "campaign.create",
            f"campaign:{row.id}",
            {
                "name": name,
                "region": spec.region,
                "basis": basis,
                "providers": providers,
                "probes": [x["name"] for x in probes],
            },
        )
        uow.commit()
        return row.id


# ---- read ---------------------------------------------------------------------------------------


def list_campaigns(ctx: Context, p: Principal) -> list[Campaign]:
    with ctx.reader() as uow:
        rows = uow.session.scalars(select(Campaign).order_by(Campaign.id.desc())).all()
        return [c for c in rows if can_see(uow.session, p, c)]


@dataclass(frozen=True)
class ProviderCoverage:
    id: int
    name: str
    location: str
    samples: int
    findings: int


@dataclass(frozen=True)
class CampaignDashboard:
    campaign: Campaign
    providers: list[ProviderCoverage]
    by_severity: dict[str, int]
    by_category: dict[str, int]
    by_provider: dict[str, int]
    runs: list[CampaignRun]
    samples: list[CampaignSample]
    can_act: bool


SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


def _count(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def dashboard(ctx: Context, p: Principal, campaign_id: int) -> CampaignDashboard:
    """Providers covered with sample counts, findings by severity, category and provider, runs."""
    with ctx.reader() as uow:
        s = uow.session
        campaign = require_campaign(s, p, campaign_id)
        mine = own_provider(p)
        providers = [o for o in providers_in_scope(s, campaign) if mine is None or o.id == mine]
        samples = list(
            s.scalars(
                select(CampaignSample).where(CampaignSample.campaign_id == campaign.id).order_by(CampaignSample.id)
            )
        )
        found = list(s.scalars(select(CampaignFinding).where(CampaignFinding.campaign_id == campaign.id)))
        if mine is not None:
            samples = [x for x in samples if x.provider_id == mine]
            found = [f for f in found if f.provider_id == mine]
        names = {o.id: o.name for o in providers}
        coverage = [
            ProviderCoverage(
                o.id,
                o.name,
                o.location,
                sum(1 for x in samples if x.provider_id == o.id),
                sum(1 for f in found if f.provider_id == o.id),
            )
            for o in providers
        ]
        severity = _count([f.severity for f in found])
        # A run's counts (files done, failed) and errors cover every provider's samples: regulators only.
        runs = (
            list(s.scalars(select(CampaignRun).where(CampaignRun.campaign_id == campaign.id).order_by(CampaignRun.id)))
            if p.is_regulator
            else []
        )
        return CampaignDashboard(
            campaign,
            coverage,
            {k: severity[k] for k in (*SEVERITY_ORDER, *sorted(severity)) if k in severity},
            dict(sorted(_count([f.category for f in found]).items(), key=lambda kv: -kv[1])),
            _count([names.get(f.provider_id, str(f.provider_id)) for f in found]),
            runs,
            samples,
            p.is_regulator,
        )


def findings(ctx: Context, p: Principal, campaign_id: int, provider_id: int | None = None) -> list[CampaignFinding]:
    """The campaign's findings, most serious first; a provider sees only its own."""
    with ctx.reader() as uow:
        campaign = require_campaign(uow.session, p, campaign_id)
        query = select(CampaignFinding).where(CampaignFinding.campaign_id == campaign.id)
        mine = own_provider(p)
        if mine is not None:
            query = query.where(CampaignFinding.provider_id == mine)
        if provider_id is not None:
            query = query.where(CampaignFinding.provider_id == provider_id)
        rows = list(uow.session.scalars(query.order_by(CampaignFinding.provider_id, CampaignFinding.id)))
    rank = {s: n for n, s in enumerate(SEVERITY_ORDER)}
    return sorted(rows, key=lambda f: (f.provider_id, rank.get(f.severity, 9), f.id))
