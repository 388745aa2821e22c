"""What a patrol campaign looks like from outside: the typed shapes the API returns and the CLI prints.

One set of models for both entry points, built here from the stored rows, so neither the web layer nor
the terminal reads a table, and their JSON cannot drift apart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from redline.services.context import Context
from redline.services.patrol import campaigns
from redline.services.principal import Principal
from redline.services.view_model import ViewModel
from redline.store.models import Campaign


class CampaignOut(ViewModel):
    id: int
    name: str
    region: str
    basis: list[str]
    technologies: list[str]
    provider_ids: list[int]  # only the providers the reader may see
    period_start: dt.date
    period_end: dt.date
    probes: list[dict[str, Any]]
    state: str

    @classmethod
    def of(cls, c: Campaign, p: Principal) -> CampaignOut:
        return cls(
            id=c.id,
            name=c.name,
            region=c.region,
            basis=list(c.basis),
            technologies=list(c.technologies),
            provider_ids=campaigns.visible_provider_ids(p, c),
            period_start=c.period_start,
            period_end=c.period_end,
            probes=list(c.probes),
            state=c.state,
        )


class RunOut(ViewModel):
    id: int
    probe: str
    probe_version: str
    state: str
    job_id: int | None
    backend: str
    files_done: int
    files_total: int
    files_failed: int
    result_sha256: str | None
    error: str


class FindingOut(ViewModel):
    id: int
    run_id: int
    provider_id: int
    sample_sha256: str
    probe: str
    probe_version: str
    item: str
    severity: str
    category: str
    location: str
    message: str
    params: dict[str, str] | None = None
    clause: str
    evidence: str
    action: str | None
    filing_id: int | None
    action_ref: int | None


class ProviderOut(ViewModel):
    id: int
    name: str
    location: str
    samples: int
    findings: int


class DashboardOut(ViewModel):
    campaign: CampaignOut
    providers: list[ProviderOut]
    by_severity: dict[str, int]
    by_category: dict[str, int]
    by_provider: dict[str, int]
    runs: list[RunOut]
    samples: int

    @classmethod
    def of(cls, d: campaigns.CampaignDashboard, p: Principal) -> DashboardOut:
        return cls(
            campaign=CampaignOut.of(d.campaign, p),
            providers=[ProviderOut.model_validate(c) for c in d.providers],
            by_severity=d.by_severity,
            by_category=d.by_category,
            by_provider=d.by_provider,
            runs=[RunOut.model_validate(r) for r in d.runs],
            samples=len(d.samples),
        )


def campaign_rows(ctx: Context, p: Principal) -> list[CampaignOut]:
    """The campaigns `p` may see, newest first, as every list shows them."""
    return [CampaignOut.of(c, p) for c in campaigns.list_campaigns(ctx, p)]


class SampleOut(ViewModel):
    id: int
    provider_id: int
    filename: str
    sha256: str
    size: int
    kind: str


class CampaignPage(ViewModel):
    """Everything the campaign page shows, for one reader: the dashboard with the sample list, and the
    findings grouped by provider."""

    campaign: CampaignOut
    providers: list[ProviderOut]
    by_severity: dict[str, int]
    by_category: dict[str, int]
    by_provider: dict[str, int]
    runs: list[RunOut]
    samples: list[SampleOut]
    can_act: bool
    findings: dict[int, list[FindingOut]]

    @property
    def busy(self) -> bool:
        """A run is queued or running: another may not start."""
        return any(r.state in ("queued", "running") for r in self.runs)


def finding_rows(ctx: Context, p: Principal, campaign_id: int, provider_id: int | None = None) -> list[FindingOut]:
    """A campaign's findings `p` may see, optionally one provider's."""
    return [FindingOut.model_validate(f) for f in campaigns.findings(ctx, p, campaign_id, provider_id)]


def campaign_page(ctx: Context, p: Principal, campaign_id: int) -> CampaignPage:
    d = campaigns.dashboard(ctx, p, campaign_id)
    grouped: dict[int, list[FindingOut]] = {}
    for f in finding_rows(ctx, p, campaign_id):
        grouped.setdefault(f.provider_id, []).append(f)
    board = DashboardOut.of(d, p)
    return CampaignPage(
        campaign=board.campaign,
        providers=board.providers,
        by_severity=board.by_severity,
        by_category=board.by_category,
        by_provider=board.by_provider,
        runs=board.runs,
        samples=[SampleOut.model_validate(s) for s in d.samples],
        can_act=d.can_act,
        findings=grouped,
    )
