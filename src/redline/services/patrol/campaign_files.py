"""Files a campaign's probe options name by digest (term lists, log mappings): uploaded by an officer of the
campaign, stored as blobs, recorded per campaign so that an option can only name a file of its own campaign."""

from __future__ import annotations

import io

from sqlalchemy import select

from redline.adapters.archives import unsafe_name
from redline.errors import InputError
from redline.services import audit
from redline.services.context import Context
from redline.services.patrol.campaigns import require_campaign, require_officer
from redline.services.principal import Principal
from redline.services.view_model import ViewModel
from redline.store.models import CampaignFile


class CampaignFileOut(ViewModel):
    sha256: str
    filename: str
    size: int


def add_file(ctx: Context, p: Principal, campaign_id: int, filename: str, data: bytes) -> CampaignFileOut:
    """Store `data` and record it as a file of the campaign (once per digest); returns what was recorded."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or unsafe_name(name) or not name.isprintable():
        raise InputError(f"unsafe file name '{filename}'", field="file")
    if not data:
        raise InputError("file is empty", field="file", source=name)
    with ctx.reader() as uow:
        require_officer(p, require_campaign(uow.session, p, campaign_id))
    blob = ctx.blobs.put(io.BytesIO(data), name)
    with ctx.uow() as uow:
        s = uow.session
        campaign = require_campaign(s, p, campaign_id)
        require_officer(p, campaign)
        row = s.scalars(
            select(CampaignFile).where(CampaignFile.campaign_id == campaign.id, CampaignFile.sha256 == blob.sha256)
        ).first()
        if row is None:
            row = CampaignFile(
                campaign_id=campaign.id,
                filename=name[:200],
                sha256=blob.sha256,
                size=blob.size,
                uploaded_by=p.user_id,
                at=ctx.now(),
            )
            s.add(row)
            s.flush()
            audit.append(
                s,
                ctx.now(),
                p.username,
                "campaign.file",
                f"campaign:{campaign.id}",
                {"name": row.filename, "sha256": row.sha256, "size": row.size},
            )
        uow.commit()
        return CampaignFileOut.model_validate(row)


def list_files(ctx: Context, p: Principal, campaign_id: int) -> list[CampaignFileOut]:
    """The campaign's option files, for its officers."""
    with ctx.reader() as uow:
        campaign = require_campaign(uow.session, p, campaign_id)
        require_officer(p, campaign)
        query = select(CampaignFile).where(CampaignFile.campaign_id == campaign.id).order_by(CampaignFile.id)
        return [CampaignFileOut.model_validate(row) for row in uow.session.scalars(query)]
