"""What a campaign run leaves when the process running it stops: the run row, and its scratch folder.

A run copies its samples into a scratch folder under the blob store while its probe works
(`campaign_runs.execute_run`); a killed process leaves that folder behind and the run `running`. The
background jobs' sweep calls `abandon` (job_kinds.ABANDON_HOOKS) for the jobs it fails.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from redline.services.background.jobs_heartbeat import STALE_ERROR
from redline.services.context import Context
from redline.store.models import CampaignRun

RUN_DIR_PREFIX = ".campaign-run-"  # + run id + "-": the folder of a run, found again by its id


def abandon(ctx: Context, session: Session, job_ids: list[int], now: dt.datetime) -> list[Path]:
    """Fail the runs these (failed) jobs were running, in the caller's transaction; their samples stay, so
    the officer starts them again. Returns the runs' scratch folders, which the caller removes after commit."""
    owned = CampaignRun.job_id.in_(job_ids) & CampaignRun.state.in_(["queued", "running"])
    runs = list(session.scalars(select(CampaignRun.id).where(owned)))
    session.execute(update(CampaignRun).where(owned).values(state="failed", error=STALE_ERROR, finished_at=now))
    return work_folders(ctx, runs)


def work_folders(ctx: Context, run_ids: list[int]) -> list[Path]:
    """The scratch folders these runs left, if any."""
    return [folder for run_id in run_ids for folder in ctx.blobs.root.glob(f"{RUN_DIR_PREFIX}{int(run_id)}-*")]
