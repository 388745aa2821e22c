"""A campaign over the demo providers' samples gives the same findings on the local process pool and on
Dask distributed (a LocalCluster on loopback), and either way they can become a summons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import LocalCluster
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.services.context import Context
from redline.services.patrol import campaign_actions, campaign_runs
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import Campaign, CampaignFinding, CampaignRun, Summons, User


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    tmp = tmp_path_factory.mktemp("campaign-dask")
    url = f"sqlite:///{tmp}/redline.db"
    upgrade(url)
    context = build_context(Settings(database_url=url, blob_dir=tmp / "blobs", job_backend="inline"))
    load_demo(context)
    return context


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
    ):
        yield cluster.scheduler_address


def _as(ctx: Context, username: str) -> Principal:
    with ctx.reader() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return Principal.of(user)


def _findings(ctx: Context, run_ids: list[int]) -> list[tuple[Any, ...]]:
    """What a regulator reads of a finding, without the ids that differ from run to run."""
    with ctx.reader() as uow:
        rows = uow.session.scalars(select(CampaignFinding).where(CampaignFinding.run_id.in_(run_ids)))
        return sorted(
            (
                f.provider_id,
                f.probe,
                f.probe_version,
                f.sample_sha256,
                f.item,
                f.severity,
                f.category,
                f.location,
                f.message,
                f.clause,
                f.evidence,
            )
            for f in rows
        )


def test_local_pool_and_dask_give_identical_findings_that_become_a_summons(
    ctx: Context, scheduler: str, tmp_path: Path
) -> None:
    with ctx.reader() as uow:
        campaigns = [(c.id, c.region) for c in uow.session.scalars(select(Campaign).order_by(Campaign.id))]
    assert len(campaigns) == 2, "the demo holds a city and a province campaign"
    officers = {"330100": "hz-cac", "330000": "zj-cac"}
    for campaign_id, region in campaigns:
        officer = _as(ctx, officers[region])
        local = campaign_runs.run_now(ctx, officer, campaign_id)
        remote = campaign_runs.run_now(ctx, officer, campaign_id, scheduler=scheduler)
        local_ids, remote_ids = [r["run_id"] for r in local], [r["run_id"] for r in remote]
        with ctx.reader() as uow:
            backends = {
                r.id: r.backend
                for r in uow.session.scalars(select(CampaignRun).where(CampaignRun.id.in_(local_ids + remote_ids)))
            }
        assert all(backends[i] == "local" for i in local_ids)
        assert all(backends[i] == scheduler for i in remote_ids)
        on_pool, on_dask = _findings(ctx, local_ids), _findings(ctx, remote_ids)
        assert on_pool, f"the demo campaign {campaign_id} finds something to act on"
        assert on_dask == on_pool

    officer = _as(ctx, "hz-cac")
    with ctx.reader() as uow:
        finding = uow.session.scalars(
            select(CampaignFinding)
            .join(CampaignRun)
            .where(CampaignRun.backend == scheduler, CampaignFinding.severity.in_(["high", "critical"]))
            .order_by(CampaignFinding.id)
        ).first()
        assert finding is not None
        finding_id, sample, probe = finding.id, finding.sample_sha256, f"{finding.probe}@{finding.probe_version}"
    acted = campaign_actions.act_on_finding(ctx, officer, finding_id, "summons")
    with ctx.reader() as uow:
        summons = uow.session.get(Summons, acted.ref)
        assert summons is not None
        assert sample in summons.problems and probe in summons.problems
