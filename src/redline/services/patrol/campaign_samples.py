"""Samples under patrol: files a regulator collects, or that a provider is ordered to supply.

Every name and size is checked before anything is stored, so a refused upload (a traversing ZIP
member, an empty file, a provider outside the campaign) leaves no row behind.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy.orm import Session

from redline.adapters.archives import read_members, unsafe_name
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.services import audit
from redline.services.context import Context
from redline.services.patrol.campaigns import SAMPLE_KINDS, covers_provider, require_campaign, require_officer
from redline.services.principal import Principal
from redline.store.models import Campaign, CampaignSample, Organisation

MAX_SAMPLES_PER_UPLOAD = 10_000


def _check_uploader(session: Session, p: Principal, campaign: Campaign, provider_id: int) -> Organisation:
    """A regulator over the campaign for any covered provider; a provider only for itself."""
    org = session.get(Organisation, provider_id)
    if p.is_provider:
        if provider_id != p.organisation_id:
            raise PermissionDeniedError("a provider supplies samples of its own services only")
    else:
        require_officer(p, campaign)
    if org is None or not covers_provider(campaign, org):
        raise InputError(f"provider {provider_id} is not covered by this campaign", field="provider_id")
    if campaign.state != "open":
        raise InputError(f"the campaign is {campaign.state}; it takes no more samples", field="campaign")
    return org


def _check_files(ctx: Context, files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    if not files:
        raise InputError("no files to add", field="files")
    if len(files) > MAX_SAMPLES_PER_UPLOAD:
        raise InputError(f"more than {MAX_SAMPLES_PER_UPLOAD} files in one upload", field="files")
    cleaned = []
    for name, data in files:
        shown = name.replace("\\", "/").strip().lstrip("/") or ""
        if not shown or unsafe_name(shown):
            raise InputError(f"unsafe file name {name!a}", field="files")
        if not data:
            raise InputError("file is empty", field="files", source=shown)
        if len(data) > ctx.blobs.max_bytes:
            raise InputError(f"file larger than {ctx.blobs.max_bytes} bytes", field="files", source=shown)
        cleaned.append((shown[:500], data))
    return cleaned


def add_samples(
    ctx: Context, p: Principal, campaign_id: int, provider_id: int, files: list[tuple[str, bytes]], kind: str = "file"
) -> list[int]:
    """Store each file by digest and record it as a sample of `provider_id`; returns the sample ids."""
    if kind not in SAMPLE_KINDS:
        raise InputError(f"kind must be one of {', '.join(SAMPLE_KINDS)}", field="kind")
    with ctx.reader() as uow:
        campaign = require_campaign(uow.session, p, campaign_id)
        _check_uploader(uow.session, p, campaign, provider_id)
    cleaned = _check_files(ctx, files)
    stored = [(name, ctx.blobs.put(io.BytesIO(data), name, any_type=True)) for name, data in cleaned]
    with ctx.uow() as uow:
        campaign = require_campaign(uow.session, p, campaign_id)
        _check_uploader(uow.session, p, campaign, provider_id)
        rows = [
            CampaignSample(
                campaign_id=campaign.id,
                provider_id=provider_id,
                filename=name,
                sha256=blob.sha256,
                size=blob.size,
                kind=kind,
                uploaded_by=p.user_id,
                at=ctx.now(),
            )
            for name, blob in stored
        ]
        uow.session.add_all(rows)
        uow.session.flush()
        audit.append(
            uow.session,
            ctx.now(),
            p.username,
            "campaign.samples",
            f"campaign:{campaign.id}",
            {
                "provider": provider_id,
                "kind": kind,
                "samples": [{"name": r.filename, "sha256": r.sha256} for r in rows][:100],
                "count": len(rows),
            },
        )
        uow.commit()
        return [r.id for r in rows]


def add_archive(
    ctx: Context,
    p: Principal,
    campaign_id: int,
    provider_id: int,
    data: bytes,
    kind: str = "file",
    source: str = "archive.zip",
) -> list[int]:
    """Every file of a ZIP as a sample, named by its path in the archive; a ZIP with one unsafe
    member (traversal, absolute path, link, bomb, oversize) is refused whole."""

    def refuse(reason: str) -> InputError:
        return InputError(f"archive refused: {reason}", field="file", source=source)

    members = read_members(
        data, refuse, max_member_bytes=ctx.blobs.max_bytes, max_total_bytes=ctx.settings.max_archive_bytes
    )
    files = [(name, content) for name, content in sorted(members.items()) if content]
    if not files:
        raise refuse("it holds no non-empty files")
    return add_samples(ctx, p, campaign_id, provider_id, files, kind)


def add_directory(
    ctx: Context, p: Principal, campaign_id: int, provider_id: int, directory: Path, kind: str = "file"
) -> list[int]:
    """Every regular file under `directory` (links skipped), named by its path below it."""
    if not directory.is_dir():
        raise InputError("not a directory", source=str(directory))
    paths = sorted(x for x in directory.rglob("*") if x.is_file() and not x.is_symlink())
    if not paths:
        raise InputError("the directory holds no files", source=str(directory))
    return add_samples(
        ctx, p, campaign_id, provider_id, [(x.relative_to(directory).as_posix(), x.read_bytes()) for x in paths], kind
    )


def sample_blob(ctx: Context, p: Principal, sample_id: int) -> CampaignSample:
    """A sample's row, if `p` may see it (its campaign, and for a provider its own)."""
    with ctx.reader() as uow:
        row = uow.session.get(CampaignSample, sample_id)
        if row is None:
            raise NotFoundError(f"no sample {sample_id}")
        require_campaign(uow.session, p, row.campaign_id)
        if p.is_provider and row.provider_id != p.organisation_id:
            raise NotFoundError(f"no sample {sample_id}")
        return row
