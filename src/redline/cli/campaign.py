"""`redline campaign`: patrol inspection campaigns from the terminal, under a named account's access."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from redline.errors import InputError
from redline.i18n import check_language
from redline.probes.base import option_value
from redline.words import N_, gettext_for
from redline.words.findings import kind_label, text_of
from redline.words.labels import JOB_STATES, PROBES, SEVERITIES, STATES, label
from redline.words.terms import Terms

from .common import JsonOpt, LangOpt, acting_as, err, out, parse_date, plain, rulebook

# What a finding was turned into (services/patrol/campaign_actions.py), as the campaign page names it.
ACTIONS = {
    "summons": N_("Summons"),
    "rectification": N_("Order rectification"),
    "supplement": N_("Request a supplement"),
}

campaign_app = typer.Typer(
    help="Patrol inspection campaigns (巡查检查): samples, probe runs, findings, actions.", no_args_is_help=True
)
AsOpt = Annotated[str, typer.Option("--as", help="Account whose access applies (a regulator, or a provider).")]


def _options(pairs: list[str], probes: list[str]) -> dict[str, dict[str, Any]]:
    """`--option k=v` applies to the only probe, `--option probe:k=v` to one of several."""
    options: dict[str, dict[str, Any]] = {p: {} for p in probes}
    for pair in pairs:
        target, colon, rest = pair.partition(":")
        name, body = (target, rest) if colon and target in options else (probes[0] if len(probes) == 1 else "", pair)
        key, sep, value = body.partition("=")
        if not name or not sep or not key:
            raise InputError(
                f"option '{pair}' is not KEY=VALUE (or PROBE:KEY=VALUE with several probes)", field="--option"
            )
        options[name][key] = option_value(value)
    return options


@campaign_app.command("create")
def create(
    as_user: AsOpt,
    name: Annotated[str, typer.Option("--name", help="Campaign name.")],
    region: Annotated[str, typer.Option("--region", help="GB/T 2260 code within your jurisdiction.")],
    basis: Annotated[list[str], typer.Option("--basis", help="Regulation id or citation (sa2018:5(3)); repeat.")],
    probe: Annotated[list[str], typer.Option("--probe", help="Probe to run; repeat.")],
    start: Annotated[str, typer.Option("--start", help="Period start, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Period end, YYYY-MM-DD.")],
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help=(
                "Probe option KEY=VALUE; a file option (terms, mapping, log_format) takes the digest that "
                "`campaign add-file` prints."
            ),
        ),
    ] = None,
    technology: Annotated[list[str] | None, typer.Option("--technology", help="Technology in scope; repeat.")] = None,
    provider: Annotated[
        list[int] | None,
        typer.Option("--provider", help="Provider id in scope; repeat (none: every provider in the region)."),
    ] = None,
) -> None:
    """Open a campaign; prints its id."""
    from redline.services.patrol.campaigns import CampaignSpec, create_campaign

    ctx, p = acting_as(as_user)
    options = _options(option or [], probe)
    campaign_id = create_campaign(
        ctx,
        p,
        CampaignSpec(
            name=name,
            region=region,
            basis=basis,
            period_start=parse_date(start, "--start"),
            period_end=parse_date(end, "--end"),
            probes=[{"name": x, "options": options[x]} for x in probe],
            technologies=technology or [],
            provider_ids=provider or [],
        ),
    )
    out.print(str(campaign_id), markup=False)


samples_app = typer.Typer(help="Samples of a campaign.", no_args_is_help=True)
campaign_app.add_typer(samples_app, name="samples")


@samples_app.command("add")
def add_samples(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    paths: Annotated[list[Path], typer.Argument(help="Files, directories and .zip archives.", show_default=False)],
    as_user: AsOpt,
    provider: Annotated[int, typer.Option("--provider", help="The provider the samples belong to.")],
    kind: Annotated[str, typer.Option("--kind", help="file, text or log.")] = "file",
    lang: LangOpt = "zh-CN",
) -> None:
    """Add samples: each file, each file under a directory, each member of a ZIP."""
    from redline.services.patrol import campaign_samples

    ctx, p = acting_as(as_user)
    added: list[int] = []
    for path in paths:
        if path.is_dir():
            added += campaign_samples.add_directory(ctx, p, campaign, provider, path, kind)
        elif path.is_file() and path.suffix.lower() == ".zip":
            added += campaign_samples.add_archive(ctx, p, campaign, provider, path.read_bytes(), kind, source=str(path))
        elif path.is_file():
            added += campaign_samples.add_samples(ctx, p, campaign, provider, [(path.name, path.read_bytes())], kind)
        else:
            raise InputError("no such file or directory", source=str(path))
    said = gettext_for(lang)("Added {count} sample(s) to campaign {id}")
    out.print(said.replace("{count}", str(len(added))).replace("{id}", str(campaign)), markup=False)


@campaign_app.command("add-file")
def add_file(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    path: Annotated[Path, typer.Argument(help="A term list, log mapping or log_format file.", show_default=False)],
    as_user: AsOpt,
) -> None:
    """Upload a file the campaign's probe options name by digest (e.g. --option terms=DIGEST); prints the digest."""
    from redline.services.patrol import campaign_files

    ctx, p = acting_as(as_user)
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    out.print(campaign_files.add_file(ctx, p, campaign, path.name, path.read_bytes()).sha256, markup=False)


@campaign_app.command("run")
def run(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    as_user: AsOpt,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler tcp://HOST:PORT (default REDLINE_DASK_SCHEDULER, else all local cores)."
        ),
    ] = None,
    probe: Annotated[str | None, typer.Option("--probe", help="Run only this probe of the campaign.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """Run the campaign's probes now, in this process (or on the Dask cluster), with progress."""
    from redline.services.patrol.campaign_runs import run_now

    check_language(lang)
    _ = gettext_for(lang)
    ctx, p = acting_as(as_user)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        disable=as_json,
        transient=True,
    ) as progress:
        task = progress.add_task(_("Campaign {id}").replace("{id}", str(campaign)), total=None)
        results = run_now(
            ctx,
            p,
            campaign,
            probe_name=probe,
            scheduler=scheduler,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    if as_json:
        out.print_json(json.dumps(results, ensure_ascii=False))
        return
    said = _("Probe run {run}: {probe} {version}, {files} file(s), {findings} finding(s), sealed SHA-256 {digest}")
    for r in results:
        line = said
        for key, value in (
            ("run", r["run_id"]),
            ("probe", label(PROBES, r["probe"], lang)),
            ("version", r["probe_version"]),
            ("files", r["files"]),
            ("findings", r["findings"]),
            ("digest", r["result_sha256"][:16]),
        ):
            line = line.replace("{" + key + "}", str(value))
        out.print(line, markup=False)


@campaign_app.command("show")
def show(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    as_user: AsOpt,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """The campaign's dashboard: providers covered, findings by severity and category, runs."""
    from redline.services.patrol.campaigns import dashboard
    from redline.services.patrol.views import DashboardOut

    check_language(lang)
    ctx, p = acting_as(as_user)
    data = DashboardOut.of(dashboard(ctx, p, campaign), p).model_dump(mode="json")
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    _print_dashboard(data, Terms(rulebook(), lang))


def _said(what: str, value: str, _: Callable[[str], str]) -> str:
    """ "what: value" with the language's own colon."""
    return _("{what}: {value}").replace("{what}", what).replace("{value}", value)


def _counts(counts: dict[str, int], name: Callable[[str], str], _: Callable[[str], str]) -> str:
    return _(", ").join(f"{name(k)} {v}" for k, v in counts.items()) or _("none")


def _print_dashboard(data: dict[str, Any], terms: Terms) -> None:
    _, lang = gettext_for(terms.lang), terms.lang
    c = data["campaign"]
    basis = ", ".join(c["basis"])
    out.print(
        f"{c['name']} · {terms.place(c['region'])} · {c['period_start']}–{c['period_end']} · {_('Basis')} {basis}",
        markup=False,
    )
    table = Table(title=_("Providers"))
    for col in ("#", _("Provider"), _("Samples"), _("Findings")):
        table.add_column(col)
    for x in data["providers"]:
        table.add_row(*plain(x["id"], x["name"], x["samples"], x["findings"]))
    out.print(table, soft_wrap=False)
    severity = _counts(data["by_severity"], lambda k: label(SEVERITIES, k, lang), _)
    out.print(_said(_("Severity"), severity, _), markup=False)
    category = _counts(data["by_category"], lambda k: kind_label(k, lang), _)
    out.print(_said(_("Category"), category, _), markup=False)
    for r in data["runs"]:
        out.print(
            _said(
                f"{_('Probe run')} {r['id']} {label(PROBES, r['probe'], lang)} {r['probe_version']}",
                label(JOB_STATES, r["state"], lang),
                _,
            )
            + f" {r['files_done']}/{r['files_total']}",
            markup=False,
        )


@campaign_app.command("findings")
def findings(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    as_user: AsOpt,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """The campaign's findings (a provider sees only its own)."""
    from redline.services.patrol.campaigns import dashboard
    from redline.services.patrol.views import DashboardOut, finding_rows

    check_language(lang)
    ctx, p = acting_as(as_user)
    found = finding_rows(ctx, p, campaign)
    if as_json:
        out.print_json(json.dumps([f.model_dump(mode="json") for f in found], ensure_ascii=False))
        return
    _ = gettext_for(lang)
    names = {x.id: x.name for x in DashboardOut.of(dashboard(ctx, p, campaign), p).providers}
    table = Table()
    columns = ("#", _("Provider"), _("Severity"), _("Category"), _("Sample"), _("Finding"), _("Probe"), _("Action"))
    for col in columns:
        table.add_column(col, overflow="fold")
    for f in found:
        table.add_row(
            *plain(
                f.id,
                names.get(f.provider_id, f.provider_id),
                label(SEVERITIES, f.severity, lang),
                kind_label(f.category, lang),
                f.location,
                text_of(f, lang),
                f"{label(PROBES, f.probe, lang)} {f.probe_version}",
                _(ACTIONS[f.action]) if f.action in ACTIONS else (f.action or ""),
            )
        )
    out.print(table, soft_wrap=False)


@campaign_app.command("act")
def act(
    finding: Annotated[int, typer.Argument(help="Finding id (see `redline campaign findings`).")],
    as_user: AsOpt,
    action: Annotated[str, typer.Option("--action", help="summons, rectification or supplement.")],
    filing: Annotated[
        int | None,
        typer.Option(
            "--filing",
            help="The provider's filing to act in (required for "
            "an order or a request; without it the choices are listed).",
        ),
    ] = None,
    due: Annotated[str | None, typer.Option("--due", help="Deadline, YYYY-MM-DD.")] = None,
    note: Annotated[str, typer.Option("--note", help="Added to the text.")] = "",
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """Turn a finding into a summons record, a rectification order or a supplement request."""
    from redline.services.patrol.campaign_actions import act_on_finding, filing_choices_for

    check_language(lang)
    _ = gettext_for(lang)
    ctx, p = acting_as(as_user)
    try:
        done = act_on_finding(
            ctx, p, finding, action, filing_id=filing, due=parse_date(due, "--due") if due else None, note=note
        )
    except InputError as exc:
        if exc.field != "filing_id" or filing is not None:
            raise
        # the service never picks a filing: name the ones the officer may choose from
        choices = "; ".join(
            f"--filing {c.id}: {c.title} ({label(STATES, c.state, lang)})" for c in filing_choices_for(ctx, p, finding)
        )
        raise InputError(
            f"{exc.message}: {choices or _('the provider has no filing you can act in')}", field="filing_id"
        ) from None
    if as_json:
        acted = {"finding_id": finding, "action": done.action.value, "filing_id": done.filing_id, "ref": done.ref}
        out.print_json(json.dumps(acted, ensure_ascii=False))
        return
    said = {
        "summons": _("Summons recorded, reference {ref}"),
        "rectification": _("Rectification ordered in filing {filing}, reference {ref}"),
        "supplement": _("Supplement requested in filing {filing}, reference {ref}"),
    }.get(done.action.value, _("Done in filing {filing}, reference {ref}"))
    out.print(said.replace("{filing}", str(done.filing_id)).replace("{ref}", str(done.ref)), markup=False)
