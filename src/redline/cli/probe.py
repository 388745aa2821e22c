"""`redline probe` and `redline label`: patrol files with probes; write implicit labels."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from redline.domain.assessment import Severity
from redline.errors import CheckFailedError, InputError
from redline.i18n import check_language
from redline.probes import run_content, runner
from redline.probes.aigc import carriers
from redline.probes.aigc.label import check_label, label_json
from redline.probes.base import Verdict, option_value
from redline.probes.batch import run_batch
from redline.probes.registry import installed_probes, probe
from redline.reports.canonical import dumps, jsonable, sealed_text

from .common import JsonOpt, LangOpt, err, out, plain, write_atomically, write_bytes_atomically

probe_app = typer.Typer(
    help='Probes: check files for evidence ("use technology to manage technology").', no_args_is_help=True
)
label_app = typer.Typer(help="GB 45438-2025 implicit labels: write them into files.", no_args_is_help=True)


@probe_app.command("list")
def list_probes(as_json: JsonOpt = False) -> None:
    """List installed probes (built-in and from plugins), with the checklist items they serve."""
    probes = installed_probes()
    if as_json:
        out.print_json(json.dumps([jsonable(p.info) for p in probes.values()], ensure_ascii=False))
        return
    table = Table()
    for col in ("name", "version", "what it checks", "checklist items"):
        table.add_column(col, overflow="fold")
    for p in probes.values():
        table.add_row(*plain(p.info.name, p.info.version, p.info.title, "\n".join(p.info.items)))
    out.print(table, soft_wrap=False)


def _options(pairs: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"option '{pair}' is not KEY=VALUE", field="--option")
        options[key] = option_value(value)
    return options


@probe_app.command("run")
def run_probe(
    name: Annotated[str, typer.Argument(help="Probe name (see `redline probe list`).")],
    paths: Annotated[list[Path], typer.Argument(help="Files and directories to check.", show_default=False)],
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Worker processes (default: all cores); a probe with a `jobs` option (content-screen) also "
            "spreads one large file over that many.",
        ),
    ] = 0,
    option: Annotated[list[str] | None, typer.Option("--option", help="Probe option KEY=VALUE.")] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the sealed JSON results here (attach it to an assessment as evidence)."
        ),
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the results as an HTML page.")] = None,
    lang: LangOpt = "zh-CN",
    terms: Annotated[
        Path | None, typer.Option("--terms", help="Term list for content-screen (same as --option terms=FILE).")
    ] = None,
    as_json: JsonOpt = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            envvar="REDLINE_DASK_SCHEDULER",
            help="Run on a Dask distributed cluster (tcp://HOST:PORT); "
            "its workers must see the files under the same paths.",
        ),
    ] = None,
    journal: Annotated[
        Path | None,
        typer.Option(
            "--journal", help="JSON-lines record of finished files; when it exists, the run resumes and skips them."
        ),
    ] = None,
    stall: Annotated[
        float,
        typer.Option(
            "--stall-timeout",
            envvar="REDLINE_PROBE_STALL_SECONDS",
            min=0.1,
            help="Give up when no file finishes for this many seconds (a worker hangs); the pending files are named.",
        ),
    ] = 600.0,
) -> None:
    """Run a probe over files and directories; exit 1 when a file is non-compliant, the run finds a
    high-severity problem or stalls (no file finished within --stall-timeout); exit 130 when interrupted
    (the --journal keeps what is done, and the same command resumes).

    content-screen lists at most the first 1,000 findings of each file and counts all of them by kind (the
    result states the cap and the counts; a finding says how many more there are), so memory and output stay
    bounded however large the file."""
    selected = probe(name)
    option = [*(option or []), *([f"terms={terms}"] if terms else [])]
    unknown = set(_options(option or [])) - set(selected.info.options)
    if unknown:
        raise InputError(f"unknown option(s) for {name}: {', '.join(sorted(unknown))}", field="--option")
    options = _options(option or [])
    if jobs and "jobs" in selected.info.options:
        options.setdefault("jobs", jobs)
    check = getattr(selected, "check_options", None)
    if check is not None:
        check(options)
    files = runner.walk(paths)
    total_bytes = 0 if as_json else sum(p.stat().st_size for p in files)  # for the progress bar only
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, disable=as_json or not files, transient=True) as progress:
        task = progress.add_task(f"{name}", total=len(files))
        done_bytes = 0

        def advance(n: int, size: int) -> None:
            nonlocal done_bytes
            done_bytes += size
            progress.update(task, advance=n, description=f"{name} {done_bytes / max(total_bytes, 1):.0%} of bytes")

        try:
            result = run_batch(
                name,
                files,
                options,
                scheduler=scheduler,
                jobs=jobs or (os.cpu_count() or 1),
                journal=journal,
                on_progress=advance,
                stall_seconds=stall,
            )
        except InputError as exc:
            if exc.field == "scheduler":
                raise InputError(exc.message, field="--scheduler") from None
            raise
    document, text = sealed_text(run_content.unsealed(result))
    if output is not None:
        write_atomically(output, dumps(document))
    if html is not None:
        from redline.reports.html import render_probe_html  # Jinja and the rulebook's words: only for a page

        write_atomically(html, render_probe_html(document, check_language(lang)))
    if as_json:
        sys.stdout.write(text + "\n")  # one line, the canonical text the seal covers: fast on 100,000 results
    else:
        _print_run(result)
    bad = [r for r in result.results if r.verdict in (Verdict.NON_COMPLIANT,)]
    serious = [f for f in runner.run_findings(result) if f.severity in (Severity.HIGH, Severity.CRITICAL)]
    if bad or serious:
        raise CheckFailedError(f"{len(bad)} file(s) non-compliant, {len(serious)} serious finding(s) on the run")


def _print_run(result: runner.ProbeRun) -> None:
    found = runner.run_findings(result)
    if found:
        table = Table(title="findings on the whole run")
        for col in ("severity", "item", "finding", "clause"):
            table.add_column(col, overflow="fold")
        for f in found:
            table.add_row(*plain(f.severity.value, f.item, f.message, f.clause))
        out.print(table, soft_wrap=False)
    summary = Table(title=plain(f"{result.probe.name} {result.probe.version}: {len(result.results)} files")[0])
    summary.add_column("verdict")
    summary.add_column("files", justify="right")
    for verdict, count in result.summary.get("verdicts", {}).items():
        summary.add_row(*plain(verdict, count))
    out.print(summary, soft_wrap=False)
    problems = [r for r in result.results if r.verdict not in (Verdict.COMPLIANT,)]
    if problems:
        table = Table(title="files needing attention (first 50)")
        for col in ("file", "verdict", "carrier", "reason"):
            table.add_column(col, overflow="fold")
        for r in problems[:50]:
            reasons = "; ".join(f"{f.message}" + (f" [{f.clause}]" if f.clause else "") for f in r.findings)
            reasons = reasons or str(r.details.get("skipped", ""))  # a skipped file has no finding, only a reason
            table.add_row(*plain(r.path, r.verdict.value, ", ".join(r.carriers) or r.kind, reasons))
        out.print(table, soft_wrap=False)


@label_app.command("add")
def add_label(
    file: Annotated[Path, typer.Argument(help="The file to label (JPEG, PNG, WebP, MP4, MP3, WAV, FLAC, Ogg).")],
    producer: Annotated[str, typer.Option(help="ContentProducer: the service provider's code.")],
    produce_id: Annotated[str, typer.Option("--produce-id", help="ProduceID: the provider's content number.")],
    label: Annotated[str, typer.Option(help="1 AI-generated, 2 possibly, 3 suspected.")] = "1",
    propagator: Annotated[str | None, typer.Option(help="ContentPropagator (default: the producer).")] = None,
    propagate_id: Annotated[
        str | None, typer.Option("--propagate-id", help="PropagateID (default: ProduceID).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of in place.")] = None,
) -> None:
    """Write a GB 45438-2025 implicit label into the file's normative carrier, nothing else changed."""
    try:
        text = label_json(label, producer, produce_id, propagator, propagate_id)
    except ValueError as exc:
        raise InputError(f"refused: {exc}", field="label") from None
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", source=str(file)) from None
    kind = carriers.detect(data[:4096])
    write = carriers.writer(kind or "")
    read = carriers.reader(kind or "")
    if write is None or read is None:
        raise InputError(
            f"cannot write a label into {kind or 'this'} files (supported: {', '.join(sorted(carriers.WRITERS))})",
            source=str(file),
        )
    try:
        existing = [r for r in read(data) if not r.mention]  # a caption naming AIGC is no label
        new = write(data, text)
    except (carriers.CarrierError, IndexError, ValueError) as exc:
        raise InputError(f"cannot parse the {kind} structure: {exc}", source=str(file)) from None
    if existing:
        raise InputError(
            f"already labelled ({', '.join(r.carrier for r in existing)}); a second label would make "
            "the file non-compliant",
            source=str(file),
        )
    found = [check_label(r) for r in read(new) if not r.mention]
    if len(found) != 1 or not found[0].ok:
        raise InputError(
            "the written label does not read back as one valid label; file left unchanged", source=str(file)
        )
    target = output or file
    write_bytes_atomically(target, new)
    out.print(f"labelled {target} ({found[0].carrier}): {text}", markup=False)
