"""The kinds of background job, named as "module:function" so the job machinery imports no feature.

A kind's handler runs the job; its optional abandon hook ends what a job of that kind was doing when
the process running it stopped (in the same transaction that marks the job failed) and names the
scratch folders to remove once that transaction is committed. Features are looked up by name, at the
moment a job runs, like plug-ins: the machinery depends on no feature, and no feature on it but through
`jobs.submit`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from redline.errors import InputError
from redline.services.context import Context

JOB_KINDS: dict[str, str] = {
    "campaign_run": "redline.services.patrol.campaign_runs:run_job",
    "pdf_report": "redline.services.filing.documents_pdf_jobs:run_job",
    "inbox_mail": "redline.services.reminders.inbox_mail:run_job",
    "reminders": "redline.services.reminders.reminders:run_job",
}
ABANDON_HOOKS: dict[str, str] = {
    "campaign_run": "redline.services.patrol.run_cleanup:abandon",
}
AbandonHook = Callable[[Context, Session, list[int], dt.datetime], list[Path]]


def register(kind: str, target: str) -> None:
    """Add (or replace) a job kind: `target` is "module:function" taking (ctx, handle)."""
    if ":" not in target:
        raise InputError(f"job target '{target}' is not module:function", field="target")
    JOB_KINDS[kind] = target


def resolve(target: str) -> Any:
    """The function a "module:function" target names."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def abandon_hook(kind: str) -> AbandonHook | None:
    target = ABANDON_HOOKS.get(kind)
    hook: AbandonHook | None = resolve(target) if target else None
    return hook
