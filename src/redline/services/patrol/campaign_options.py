"""Probe options of a campaign: checked before they are stored, and made concrete when a run starts.

A campaign's options come from a regulator over the network, so none may name a path on the server: an option
that names a file (`ProbeInfo.file_options`: a term list, a log mapping) holds the SHA-256 digest of a file
uploaded to that campaign (services/patrol/campaign_files.py), and the run reads a private copy of that file. Every
other value is a short scalar, never path-like, and the probe's own `check_options` (when it has one) checks
its meaning.
"""

from __future__ import annotations

import math
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.errors import InputError
from redline.probes.base import ProbeInfo
from redline.services.context import Context
from redline.store.models import CampaignFile

DIGEST = re.compile(r"[0-9a-f]{64}")
MAX_TEXT = 200
SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
OPTIONS_DIR = ".options"


def is_digest(value: object) -> bool:
    return isinstance(value, str) and DIGEST.fullmatch(value) is not None


def _check_file_value(name: str, value: Any, field: str) -> None:
    if not is_digest(value):
        raise InputError(
            f"option '{name}' names a file: give the SHA-256 digest (64 lowercase hex digits) of a "
            "file uploaded to this campaign, not a path on the server",
            field=field,
        )


def _check_value(name: str, value: Any, field: str) -> None:
    if isinstance(value, bool) or (isinstance(value, int) and abs(value) < 10**12):
        return
    if isinstance(value, float) and math.isfinite(value):
        return
    if not isinstance(value, str):
        raise InputError(f"option '{name}' must be text, a number or true/false", field=field)
    if len(value) > MAX_TEXT or not value.isprintable():
        raise InputError(f"option '{name}' must be printable text of at most {MAX_TEXT} characters", field=field)
    if value.startswith(("/", "\\", "~")) or ".." in re.split(r"[/\\]", value):
        raise InputError(f"option '{name}' looks like a path on the server, which options may not name", field=field)


def check_options(info: ProbeInfo, probe: object, options: Mapping[str, Any], field: str) -> dict[str, Any]:
    """The options, checked: known names, safe values, file options as digests, the probe's own checks."""
    unknown = sorted(set(options) - set(info.options))
    if unknown:
        raise InputError(
            f"unknown option(s) for {info.name}: {', '.join(unknown)} (known: {', '.join(info.options) or 'none'})",
            field=field,
        )
    for name, value in options.items():
        if name in info.file_options:
            _check_file_value(name, value, f"{field}.{name}")
        else:
            _check_value(name, value, f"{field}.{name}")
    own = getattr(probe, "check_options", None)
    if callable(own):
        without_files = {k: v for k, v in options.items() if k not in info.file_options}
        try:
            own(without_files)
        except InputError as exc:
            raise InputError(exc.message, field=f"{field}.{exc.field or ''}".rstrip(".")) from None
    return dict(options)


def require_uploaded(session: Session, campaign_id: int, info: ProbeInfo, options: Mapping[str, Any]) -> None:
    """Each file option names a file uploaded to this campaign (checked again when the run starts)."""
    for name in info.file_options:
        value = options.get(name)
        if value in (None, ""):
            continue
        _check_file_value(name, value, f"options.{name}")
        found = session.scalar(
            select(CampaignFile.id).where(CampaignFile.campaign_id == campaign_id, CampaignFile.sha256 == value)
        )
        if found is None:
            raise InputError(
                f"option '{name}': no file with digest {value} was uploaded to this campaign; upload it first",
                field=f"options.{name}",
            )


def uploaded_files(
    session: Session, campaign_id: int, info: ProbeInfo, options: Mapping[str, Any]
) -> dict[str, tuple[str, str]]:
    """Option name -> (digest, original file name) for the file options of a run."""
    require_uploaded(session, campaign_id, info, options)
    out: dict[str, tuple[str, str]] = {}
    for name in info.file_options:
        value = options.get(name)
        if value:
            row = session.scalars(
                select(CampaignFile).where(CampaignFile.campaign_id == campaign_id, CampaignFile.sha256 == value)
            ).first()
            assert row is not None
            out[name] = (row.sha256, row.filename)
    return out


def concrete(
    ctx: Context, options: Mapping[str, Any], files: Mapping[str, tuple[str, str]], workdir: Path
) -> dict[str, Any]:
    """The options a probe reads: each file option the path of a private copy in the run's work directory
    (its suffix kept: a term list ending .csv is read as CSV)."""
    folder = workdir / OPTIONS_DIR
    folder.mkdir(exist_ok=True)
    out = dict(options)
    for name, (sha, filename) in files.items():
        suffix = Path(filename).suffix.lower()
        target = folder / (sha + (suffix if SUFFIX.fullmatch(suffix) else ""))
        if not target.exists():
            try:
                os.link(ctx.blobs.path_for(sha), target)
            except OSError:
                shutil.copyfile(ctx.blobs.path_for(sha), target)
        out[name] = str(target)
    return out
