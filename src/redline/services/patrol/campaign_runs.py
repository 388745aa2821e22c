"""Running a campaign's probes over its samples, and turning results into per-provider findings.

Each probe runs once per provider: a run-level fact such as a gap across rotated logs is only
meaningful within one provider's files, and then belongs to that provider without guessing.
Samples are materialised as `<provider_id>/<sample_id>-<name>` under the blob store's root (a
shared volume in production, so Dask workers see the same paths), keeping the original names
because some probes read them.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select, update

from redline.errors import ConflictError, InputError, NotFoundError
from redline.probes.backends import Limits
from redline.probes.base import FileResult, ProbeFinding, Verdict
from redline.probes.batch import RunCancelled
from redline.probes.runner import ProbeRun, run_findings, to_document
from redline.reports.canonical import dumps, seal
from redline.services import audit
from redline.services.context import Context
from redline.services.patrol.campaign_options import check_options, concrete, require_uploaded, uploaded_files
from redline.services.patrol.campaigns import probe_kinds, require_campaign, require_officer
from redline.services.patrol.run_cleanup import RUN_DIR_PREFIX
from redline.services.principal import Principal
from redline.store.locking import get_for_update
from redline.store.models import Campaign, CampaignFinding, CampaignRun, CampaignSample, Organisation, utcnow

Progress = Callable[[int, int], None]  # (files_done, files_total), cumulative
Groups = dict[int, tuple[Organisation, list[CampaignSample]]]  # provider id -> provider, its samples
OptionFiles = dict[str, tuple[str, str]]  # option name -> (digest, file name) of a campaign file


class JobHandleLike(Protocol):
    """What the job handler needs of services/background/jobs.py's JobHandle."""

    args: dict[str, Any]

    def progress(self, done: int, total: int) -> None: ...

    def cancelled(self) -> bool: ...


# ---- starting -----------------------------------------------------------------------------------


def _create_runs(ctx: Context, p: Principal, campaign_id: int, probe_name: str | None, backend: str) -> list[int]:
    with ctx.uow() as uow:
        s = uow.session
        campaign = require_campaign(s, p, campaign_id)
        require_officer(p, campaign)
        get_for_update(s, Campaign, campaign.id)  # two officers starting at once: the second sees the first's runs
        specs = [x for x in campaign.probes if probe_name is None or x["name"] == probe_name]
        if not specs:
            raise InputError(f"probe '{probe_name}' is not one of this campaign's probes", field="probe")
        busy = sorted(
            set(
                s.scalars(
                    select(CampaignRun.probe).where(
                        CampaignRun.campaign_id == campaign.id,
                        CampaignRun.state.in_(["queued", "running"]),
                        CampaignRun.probe.in_([x["name"] for x in specs]),
                    )
                )
            )
        )
        if busy:
            raise ConflictError(
                f"a run of {', '.join(busy)} is already queued or running in this campaign; "
                "wait for it to finish or cancel it",
                field="probe",
            )
        if s.scalar(select(CampaignSample.id).where(CampaignSample.campaign_id == campaign.id).limit(1)) is None:
            raise InputError("the campaign has no samples yet; add some first", field="samples")
        from redline.probes.registry import probe

        for n, x in enumerate(specs):  # stored options are checked again: a campaign may predate the checks
            selected = probe(x["name"])
            check_options(selected.info, selected, dict(x.get("options") or {}), f"probes.{n}.options")
            require_uploaded(s, campaign.id, selected.info, dict(x.get("options") or {}))
        runs = [
            CampaignRun(
                campaign_id=campaign.id,
                probe=x["name"],
                probe_version=probe(x["name"]).info.version,
                options=dict(x.get("options") or {}),
                backend=backend,
                state="queued",
            )
            for x in specs
        ]
        s.add_all(runs)
        s.flush()
        audit.append(
            s,
            ctx.now(),
            p.username,
            "campaign.run",
            f"campaign:{campaign.id}",
            {"runs": [r.id for r in runs], "probes": [r.probe for r in runs], "backend": backend},
        )
        uow.commit()
        return [r.id for r in runs]


def _backend(ctx: Context, scheduler: str | None = None) -> str:
    chosen = scheduler or ctx.settings.dask_scheduler
    return str(chosen) if chosen else "local"


def start_run(ctx: Context, p: Principal, campaign_id: int, probe_name: str | None = None) -> list[tuple[int, int]]:
    """Queue one run per probe of the campaign as background jobs; returns (run id, job id) pairs."""
    run_ids = _create_runs(ctx, p, campaign_id, probe_name, _backend(ctx))
    out = []
    for run_id in run_ids:
        job_id = _submit(ctx, run_id, p.user_id)
        with ctx.uow() as uow:
            uow.session.execute(update(CampaignRun).where(CampaignRun.id == run_id).values(job_id=job_id))
            uow.commit()
        out.append((run_id, job_id))
    return out


def _submit(ctx: Context, run_id: int, user_id: int) -> int:
    from redline.services.background import jobs

    return jobs.submit(ctx, "campaign_run", {"run_id": run_id}, created_by=user_id)


def run_job(ctx: Context, handle: JobHandleLike) -> dict[str, Any]:
    """The `campaign_run` job: run `handle.args["run_id"]`, reporting progress, honouring cancel."""
    return execute_run(ctx, int(handle.args["run_id"]), progress=handle.progress, cancel=handle.cancelled)


def run_now(
    ctx: Context,
    p: Principal,
    campaign_id: int,
    *,
    probe_name: str | None = None,
    scheduler: str | None = None,
    on_progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """The same runs, synchronously in this process (the CLI); returns each run's result."""
    run_ids = _create_runs(ctx, p, campaign_id, probe_name, _backend(ctx, scheduler))
    return [execute_run(ctx, run_id, scheduler=scheduler, progress=on_progress) for run_id in run_ids]


# ---- executing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    provider: Organisation
    samples: list[CampaignSample]
    files: list[Path]


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^\w.\-]+", "_", base).strip("._") or "sample"
    stem, dot, ext = cleaned.rpartition(".")
    return cleaned[-120:] if not dot else (stem[: 110 - len(ext)] + "." + ext[:10])


def _materialise(ctx: Context, workdir: Path, groups: Groups) -> list[_Group]:
    out = []
    for provider_id, (org, samples) in sorted(groups.items()):
        folder = workdir / str(provider_id)
        folder.mkdir()
        files = []
        for sample in samples:
            target = folder / f"{sample.id}-{_safe_name(sample.filename)}"
            source = ctx.blobs.path_for(sample.sha256)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
            files.append(target)
        out.append(_Group(org, samples, files))
    return out


def _execute(
    name: str,
    files: list[Path],
    options: Mapping[str, Any],
    *,
    scheduler: str | None,
    on_progress: Callable[[int, int], None],
    cancel: Callable[[], bool] | None,
    stall_seconds: float,
    limits: Limits,
) -> ProbeRun:
    """One probe over one provider's files, on the batch runner: child processes held to `limits` (never this
    process, which may be the web server), or Dask at `scheduler`."""
    from redline.probes.batch import run_batch

    return run_batch(
        name,
        files,
        options,
        scheduler=scheduler,
        on_progress=on_progress,
        cancel=cancel,
        stall_seconds=stall_seconds,
        limits=limits,
    )


def _limits(ctx: Context) -> Limits:
    return Limits(ctx.settings.probe_cpu_seconds, ctx.settings.probe_memory_mb << 20)


def _load(ctx: Context, run_id: int) -> tuple[CampaignRun, Campaign, Groups, OptionFiles]:
    from redline.probes.registry import probe

    with ctx.uow() as uow:
        s = uow.session
        run = s.get(CampaignRun, run_id)
        if run is None:
            raise NotFoundError(f"no campaign run {run_id}")
        campaign = s.get(Campaign, run.campaign_id)
        assert campaign is not None
        selected = probe(run.probe)
        check_options(selected.info, selected, run.options, "options")
        files = uploaded_files(s, campaign.id, selected.info, run.options)
        spec = next((x for x in campaign.probes if x["name"] == run.probe), {"name": run.probe})
        samples = s.scalars(
            select(CampaignSample)
            .where(CampaignSample.campaign_id == campaign.id, CampaignSample.kind.in_(probe_kinds(spec)))
            .order_by(CampaignSample.provider_id, CampaignSample.id)
        ).all()
        groups: Groups = {}
        for sample in samples:
            if sample.provider_id not in groups:
                org = s.get(Organisation, sample.provider_id)
                assert org is not None
                groups[sample.provider_id] = (org, [])
            groups[sample.provider_id][1].append(sample)
        run.state, run.started_at, run.files_total = "running", ctx.now(), len(samples)
        run.files_done, run.error = 0, ""
        uow.commit()
        s.expunge_all()
        return run, campaign, groups, files


class _ProgressWriter:
    """Progress into the run row (at most twice a second) and to the caller."""

    def __init__(self, ctx: Context, run_id: int, total: int, report: Progress | None) -> None:
        self.ctx, self.run_id, self.total, self.report = ctx, run_id, total, report
        self.done, self.written_at = 0, 0.0

    def __call__(self, files: int, _bytes: int) -> None:
        self.done += files
        if self.report is not None:
            self.report(self.done, self.total)
        now = time.monotonic()
        if now - self.written_at >= 0.5 or self.done >= self.total:
            self.written_at = now
            with self.ctx.uow() as uow:
                uow.session.execute(
                    update(CampaignRun).where(CampaignRun.id == self.run_id).values(files_done=self.done)
                )
                uow.commit()


def execute_run(
    ctx: Context,
    run_id: int,
    *,
    scheduler: str | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Run one queued CampaignRun to the end; the row records done, cancelled or failed."""
    try:
        run, campaign, groups, files = _load(ctx, run_id)
    except InputError as exc:
        _fail(ctx, run_id, "failed", str(exc))
        raise
    scheduler = scheduler or ctx.settings.dask_scheduler
    writer = _ProgressWriter(ctx, run_id, run.files_total, progress)
    try:
        with tempfile.TemporaryDirectory(dir=_workroot(ctx), prefix=f"{RUN_DIR_PREFIX}{run_id}-") as tmp:
            options = concrete(ctx, run.options, files, Path(tmp))
            done = [
                (
                    g,
                    _execute(
                        run.probe,
                        g.files,
                        options,
                        scheduler=scheduler,
                        on_progress=writer,
                        cancel=cancel,
                        stall_seconds=ctx.settings.probe_stall_seconds,
                        limits=_limits(ctx),
                    ),
                )
                for g in _materialise(ctx, Path(tmp), groups)
            ]
            return _finish(ctx, run, campaign, done)
    except Exception as exc:
        _fail(ctx, run_id, "cancelled" if isinstance(exc, RunCancelled) else "failed", str(exc) or type(exc).__name__)
        raise


def _workroot(ctx: Context) -> Path:
    ctx.blobs.root.mkdir(parents=True, exist_ok=True)
    return ctx.blobs.root


def _fail(ctx: Context, run_id: int, state: str, error: str) -> None:
    with ctx.uow() as uow:
        uow.session.execute(
            update(CampaignRun)
            .where(CampaignRun.id == run_id)
            .values(state=state, error=error[:2000], finished_at=utcnow())
        )
        uow.commit()


def _rows(run: CampaignRun, version: str, g: _Group, probe_run: ProbeRun) -> list[CampaignFinding]:
    by_path = {str(path): sample for path, sample in zip(g.files, g.samples, strict=True)}
    rows: list[CampaignFinding] = []

    def add(sample: CampaignSample | None, f: ProbeFinding) -> None:
        rows.append(
            CampaignFinding(
                campaign_id=run.campaign_id,
                run_id=run.id,
                provider_id=g.provider.id,
                sample_sha256=sample.sha256 if sample else "",
                probe=run.probe,
                probe_version=version,
                item=f.item[:100],
                severity=f.severity.value,
                category=f.code_of(run.probe)[:60],
                location=sample.filename if sample else f.location.replace(str(g.files[0].parent) + "/", ""),
                message=f.message,
                params=dict(f.params) or None,
                clause=f.clause[:200],
                evidence=(f.evidence or (sample.sha256 if sample else ""))[:64],
            )
        )

    for sample, result in zip(g.samples, probe_run.results, strict=True):
        for f in result.findings:
            add(sample, f)
    for f in run_findings(probe_run):
        add(by_path.get(f.location), f)
    return rows


def _document(run: CampaignRun, campaign: Campaign, done: list[tuple[_Group, ProbeRun]]) -> dict[str, Any]:
    def sample_of(g: _Group, result: FileResult, sample: CampaignSample) -> dict[str, Any]:
        return {
            "sample_id": sample.id,
            "filename": sample.filename,
            "sha256": sample.sha256,
            "verdict": result.verdict.value,
        }

    return seal(
        {
            "schema": "redline/campaign-run",
            "schema_version": 2,  # 2: RFC 8785 seal (reports/canonical.py)
            "campaign": {"id": campaign.id, "name": campaign.name, "region": campaign.region, "basis": campaign.basis},
            "run_id": run.id,
            "providers": [
                {
                    "provider": {"id": g.provider.id, "name": g.provider.name, "location": g.provider.location},
                    "samples": [sample_of(g, r, x) for x, r in zip(g.samples, pr.results, strict=True)],
                    "run": {**to_document(pr), "options": dict(run.options)},
                }  # digests, not our paths
                for g, pr in done
            ],
        }
    )


def _finish(ctx: Context, run: CampaignRun, campaign: Campaign, done: list[tuple[_Group, ProbeRun]]) -> dict[str, Any]:
    from redline.probes.registry import probe

    version = done[0][1].probe.version if done else probe(run.probe).info.version
    document = _document(run, campaign, done)
    blob = ctx.blobs.put(io.BytesIO(dumps(document).encode("utf-8")), f"campaign-run-{run.id}.json")
    rows = [row for g, pr in done for row in _rows(run, version, g, pr)]
    failed = sum(1 for _, pr in done for r in pr.results if r.verdict is Verdict.ERROR)
    with ctx.uow() as uow:
        s = uow.session
        row = s.get(CampaignRun, run.id)
        assert row is not None
        s.add_all(rows)
        row.state, row.probe_version, row.result_sha256 = "done", version, blob.sha256
        row.files_done, row.files_failed, row.finished_at = run.files_total, failed, ctx.now()
        audit.append(
            s,
            ctx.now(),
            "system",
            "campaign.run.done",
            f"campaign_run:{run.id}",
            {
                "campaign": campaign.id,
                "probe": f"{run.probe}@{version}",
                "files": run.files_total,
                "findings": len(rows),
                "result_sha256": blob.sha256,
            },
        )
        uow.commit()
    return {
        "run_id": run.id,
        "probe": run.probe,
        "probe_version": version,
        "files": run.files_total,
        "failed": failed,
        "findings": len(rows),
        "result_sha256": blob.sha256,
    }
