"""JSON API for patrol campaigns: create, dashboard, samples, runs, findings, actions on findings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field

from redline.services.patrol import campaign_actions, campaign_files, campaign_runs, campaign_samples, campaigns
from redline.services.patrol.campaigns import CampaignSpec
from redline.services.patrol.views import CampaignOut, DashboardOut, FindingOut, campaign_rows, finding_rows
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.web.schemas import Created, Name, Text

router = APIRouter(prefix="/api/v1", tags=["campaigns"])


class ProbeIn(BaseModel):
    name: Name
    options: dict[str, Any] = Field(default_factory=dict)
    kinds: list[str] | None = None


class CampaignIn(BaseModel):
    name: Name
    region: Name
    basis: list[Name] = Field(max_length=100)
    period_start: dt.date
    period_end: dt.date
    probes: list[ProbeIn]
    technologies: list[Name] = Field(default_factory=list, max_length=100)
    provider_ids: list[int] = Field(default_factory=list, max_length=10_000)


class RunIn(BaseModel):
    probe: Name | None = None


class ActionIn(BaseModel):
    action: Name
    filing_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    due: dt.date | None = None
    note: Text = ""


@router.get("/campaigns")
def list_campaigns(ctx: CtxDep, p: ApiUser) -> list[CampaignOut]:
    return campaign_rows(ctx, p)


@router.post("/campaigns", status_code=201)
def create_campaign(ctx: CtxDep, p: ApiUser, body: CampaignIn) -> Created:
    spec = CampaignSpec(
        name=body.name,
        region=body.region,
        basis=body.basis,
        period_start=body.period_start,
        period_end=body.period_end,
        probes=[x.model_dump(exclude_none=True) for x in body.probes],
        technologies=body.technologies,
        provider_ids=body.provider_ids,
    )
    return Created(id=campaigns.create_campaign(ctx, p, spec))


@router.get("/campaigns/{campaign_id}")
def get_campaign(ctx: CtxDep, p: ApiUser, campaign_id: IdPath) -> DashboardOut:
    return DashboardOut.of(campaigns.dashboard(ctx, p, campaign_id), p)


@router.post("/campaigns/{campaign_id}/samples", status_code=201)
def add_samples(
    ctx: CtxDep,
    p: ApiUser,
    campaign_id: IdPath,
    provider_id: Annotated[int, Form(ge=1)],
    files: Annotated[list[UploadFile], File()],
    kind: Annotated[str, Form()] = "file",
) -> dict[str, list[int]]:
    """Files as samples; a `.zip` file is unpacked (each member a sample), refused whole if unsafe."""
    limit = ctx.blobs.max_bytes
    plain: list[tuple[str, bytes]] = []
    ids: list[int] = []
    for upload in files:
        name = upload.filename or "upload"
        if name.lower().endswith(".zip"):
            from redline.adapters.archives import MAX_TOTAL_BYTES

            data = upload.file.read(MAX_TOTAL_BYTES + 1)
            ids += campaign_samples.add_archive(ctx, p, campaign_id, provider_id, data, kind, source=name)
        else:
            plain.append((name, upload.file.read(limit + 1)))
    if plain or not ids:
        ids += campaign_samples.add_samples(ctx, p, campaign_id, provider_id, plain, kind)
    return {"ids": ids}


@router.post("/campaigns/{campaign_id}/files", status_code=201)
def add_file(
    ctx: CtxDep, p: ApiUser, campaign_id: IdPath, file: Annotated[UploadFile, File()]
) -> campaign_files.CampaignFileOut:
    """A file probe options name by its digest (a term list, a log mapping): options never name server paths."""
    return campaign_files.add_file(
        ctx, p, campaign_id, file.filename or "upload", file.file.read(ctx.blobs.max_bytes + 1)
    )


@router.get("/campaigns/{campaign_id}/files")
def list_files(ctx: CtxDep, p: ApiUser, campaign_id: IdPath) -> list[campaign_files.CampaignFileOut]:
    return campaign_files.list_files(ctx, p, campaign_id)


@router.post("/campaigns/{campaign_id}/runs", status_code=202)
def start_run(ctx: CtxDep, p: ApiUser, campaign_id: IdPath, body: RunIn | None = None) -> dict[str, Any]:
    started = campaign_runs.start_run(ctx, p, campaign_id, body.probe if body else None)
    return {"runs": [{"id": run_id, "job_id": job_id} for run_id, job_id in started]}


@router.get("/campaigns/{campaign_id}/findings")
def list_findings(
    ctx: CtxDep,
    p: ApiUser,
    campaign_id: IdPath,
    provider_id: int | None = None,
) -> list[FindingOut]:
    return finding_rows(ctx, p, campaign_id, provider_id)


@router.post("/campaign-findings/{finding_id}/actions", status_code=201)
def act(ctx: CtxDep, p: ApiUser, finding_id: IdPath, body: ActionIn) -> dict[str, Any]:
    done = campaign_actions.act_on_finding(
        ctx, p, finding_id, body.action, filing_id=body.filing_id, due=body.due, note=body.note
    )
    return {"finding_id": done.finding_id, "action": done.action.value, "filing_id": done.filing_id, "ref": done.ref}
