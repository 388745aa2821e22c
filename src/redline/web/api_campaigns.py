"""JSON API for patrol campaigns: create, dashboard, samples, runs, findings, actions on findings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, Field

from redline.services.patrol import campaign_actions, campaign_files, campaign_runs, campaign_samples, campaigns
from redline.services.patrol.campaigns import CampaignSpec
from redline.services.patrol.views import CampaignOut, DashboardOut, FindingOut, campaign_rows, finding_rows
from redline.web.api_spec import CAMPAIGNS, problems
from redline.web.deps import MAX_ID, ApiUser, CtxDep, IdPath
from redline.web.schemas import Created, Id, Name, Text
from redline.words import N_

router = APIRouter(prefix="/api/v1", tags=[CAMPAIGNS])


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
    provider_ids: list[Id] = Field(default_factory=list, max_length=10_000)


class RunIn(BaseModel):
    probe: Name | None = None


class FindingActionIn(BaseModel):
    action: Name
    filing_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    due: dt.date | None = None
    note: Text = ""


@router.get("/campaigns", summary=N_("List the patrol campaigns you may see"))
def list_campaigns(ctx: CtxDep, p: ApiUser) -> list[CampaignOut]:
    return campaign_rows(ctx, p)


@router.post(
    "/campaigns",
    status_code=201,
    summary=N_("Create a patrol campaign"),
    description=N_("A regulator's campaign over the providers of its region: legal basis, period, probes."),
    responses=problems(403),
)
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


@router.get("/campaigns/{campaign_id}", summary=N_("Read a campaign's dashboard"))
def get_campaign(ctx: CtxDep, p: ApiUser, campaign_id: IdPath) -> DashboardOut:
    return DashboardOut.of(campaigns.dashboard(ctx, p, campaign_id), p)


@router.post(
    "/campaigns/{campaign_id}/samples",
    status_code=201,
    summary=N_("Add samples to a campaign"),
    description=N_("Files as samples; a ZIP file is unpacked (each member a sample), refused whole if unsafe."),
    responses=problems(403, 507),
)
def add_samples(
    ctx: CtxDep,
    p: ApiUser,
    campaign_id: IdPath,
    provider_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    files: Annotated[list[UploadFile], File()],
    kind: Annotated[str, Form()] = "file",
) -> dict[str, list[int]]:
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


@router.post(
    "/campaigns/{campaign_id}/files",
    status_code=201,
    summary=N_("Upload a file for probe options"),
    description=N_("A file that probe options name by its SHA-256 (a term list, a log mapping)."),
    responses=problems(403, 507),
)
def add_file(
    ctx: CtxDep, p: ApiUser, campaign_id: IdPath, file: Annotated[UploadFile, File()]
) -> campaign_files.CampaignFileOut:
    # Options name files by digest, never by a server path.
    return campaign_files.add_file(
        ctx, p, campaign_id, file.filename or "upload", file.file.read(ctx.blobs.max_bytes + 1)
    )


@router.get("/campaigns/{campaign_id}/files", summary=N_("List a campaign's option files"), responses=problems(403))
def list_files(ctx: CtxDep, p: ApiUser, campaign_id: IdPath) -> list[campaign_files.CampaignFileOut]:
    return campaign_files.list_files(ctx, p, campaign_id)


@router.post(
    "/campaigns/{campaign_id}/runs",
    status_code=202,
    summary=N_("Start probe runs"),
    description=N_("Runs the campaign's probes (or the one named) over its samples, as background jobs."),
    responses=problems(403, 409),
)
def start_run(ctx: CtxDep, p: ApiUser, campaign_id: IdPath, body: RunIn | None = None) -> dict[str, Any]:
    started = campaign_runs.start_run(ctx, p, campaign_id, body.probe if body else None)
    return {"runs": [{"id": run_id, "job_id": job_id} for run_id, job_id in started]}


@router.get("/campaigns/{campaign_id}/findings", summary=N_("List a campaign's findings"))
def list_findings(
    ctx: CtxDep,
    p: ApiUser,
    campaign_id: IdPath,
    provider_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[FindingOut]:
    return finding_rows(ctx, p, campaign_id, provider_id)


@router.post(
    "/campaign-findings/{finding_id}/actions",
    status_code=201,
    summary=N_("Act on a finding"),
    description=N_("Follow it up: request a supplement in a filing, order rectification, or summon the provider."),
    responses=problems(403, 409),
)
def act(ctx: CtxDep, p: ApiUser, finding_id: IdPath, body: FindingActionIn) -> dict[str, Any]:
    done = campaign_actions.act_on_finding(
        ctx, p, finding_id, body.action, filing_id=body.filing_id, due=body.due, note=body.note
    )
    return {"finding_id": done.finding_id, "action": done.action.value, "filing_id": done.filing_id, "ref": done.ref}
