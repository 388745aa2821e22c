"""`redline gate`: a release gate for a provider's CI.

Exit codes: 0 the release may go (nothing due, or every due assessment accepted, or submitted
without --require-accepted); 1 the gate failed: an assessment is due and not covered; 2 bad
input (manifest, baseline, options, a token or service the platform refuses); 3 the platform
could not be reached or answered nonsense, so the gate cannot decide.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.markup import escape
from rich.table import Table

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Text
from redline.errors import CheckFailedError, InputError
from redline.i18n import check_language
from redline.reports.canonical import jsonable
from redline.rulebook.book import Rulebook
from redline.services.gate.gate import (
    Baseline,
    Coverage,
    GateItem,
    GateResult,
    baseline_from_manifest,
    baseline_from_platform,
    read_manifest,
    run_gate,
)
from redline.words import N_, gettext_for, pick
from redline.words.citations import quote_words
from redline.words.deadlines import due_of
from redline.words.terms import Terms

from .common import HolidaysOpt, JsonOpt, LangOpt, err, out, rulebook
from .gate_platform import fetch_baseline


def _articles(item: GateItem) -> str:
    return escape("\n".join(q.cite for q in item.obligation.quotes))


def _basis_lines(item: GateItem, lang: str) -> list[str]:
    """Full citations below the table, one per line, so CI logs keep them whole (as Rich markup,
    escaped): the obligation's articles, then those its deadline rests on."""
    return [escape(f"{q.cite}: {quote_words(q, lang)}") for q in (*item.obligation.quotes, *item.obligation.due_quotes)]


def _what(item: GateItem, terms: Terms) -> str:
    c = item.change
    names = [*map(terms.capability, c.capabilities), *map(terms.technology, c.technologies)]
    _ = gettext_for(terms.lang)
    cause = _(", ").join(names) or f"{c.mau_before} → {c.mau_after}"
    kind = terms.change_kind(c.kind.value) if c.kind else ""
    what = _("{what}: {value}").replace("{what}", kind).replace("{value}", cause)
    title = pick(item.obligation.title, terms.lang)
    return f"{escape(title)}\n[dim]{escape(item.obligation.trigger_id)} · {escape(what)}[/dim]"


_COVERAGE = {
    Coverage.ACCEPTED: ("green", N_("accepted")),
    Coverage.PENDING: ("yellow", N_("submitted, not accepted")),
    Coverage.MISSING: ("red", N_("not submitted")),
}


def _covered(item: GateItem, terms: Terms) -> str:
    _ = gettext_for(terms.lang)
    state = terms.state(item.filing_state) if item.filing_state else ""
    filing = escape(f" #{item.filing_id} {state}") if item.filing_id else ""
    if not item.gating:
        return escape(_("not gated")) + filing
    colour, words = _COVERAGE[item.coverage]
    return f"[{colour}]{escape(_(words))}[/{colour}]" + filing


def _baseline_line(b: Baseline, lang: str) -> str:
    _ = gettext_for(lang)
    basis = {
        "file": _("baseline file"),
        "accepted_filing": _("platform: last accepted filing #{id}").format(id=b.filing_id),
        "registered": _("platform: registered profile (no accepted filing yet)"),
    }[b.basis]
    return escape(f"{basis} · {b.source}")


def print_result(result: GateResult, lang: str, book: Rulebook) -> None:
    _ = gettext_for(lang)
    terms = Terms(book, lang)
    out.print(f"[bold]{escape(result.service)}[/bold] · {result.date} · {_baseline_line(result.baseline, lang)}")
    if not result.changes:
        out.print(escape(_("The manifest matches the baseline: no change.")))
    if result.items:
        table = Table(show_lines=True)
        for col in (_("Articles"), _("Obligation"), _("Due"), _("Covered")):
            table.add_column(col, overflow="fold")
        for item in result.items:
            table.add_row(
                _articles(item),
                _what(item, terms),
                escape(due_of(item.obligation.due, lang, release=True)),
                _covered(item, terms),
            )
        out.print(table, soft_wrap=False)
        out.print("[bold]" + escape(_("Basis")) + "[/bold]")
        for line in dict.fromkeys(line for item in result.items for line in _basis_lines(item, lang)):
            out.print(f"  {line}")
    elif result.changes:
        out.print(escape(_("The changes trigger no assessment.")))
    for w in _all_warnings(result):
        out.print("[yellow]" + escape(_("warning")) + f":[/yellow] {escape(pick(w, lang))}")
    if result.passed:
        out.print("[bold green]" + escape(_("PASS")) + "[/bold green]")
    else:
        out.print("[bold red]" + escape(_("FAIL")) + "[/bold red]")


def _all_warnings(result: GateResult) -> list[Text]:
    pending = [i for i in result.items if i.gating and i.coverage is Coverage.PENDING]
    extra = []
    if pending and not result.require_accepted:
        ids = ", ".join(f"#{i.filing_id}" for i in pending)
        extra.append(
            Text(
                f"评估报告已提交但尚未受理（{ids}）；使用 --require-accepted 时将不通过。",
                f"assessment reports submitted but not yet accepted ({ids}); --require-accepted would fail the gate.",
            )
        )
    return [*result.warnings, *extra]


def result_json(result: GateResult) -> dict[str, Any]:
    b = result.baseline
    return {
        "passed": result.passed,
        "date": result.date.isoformat(),
        "require_accepted": result.require_accepted,
        "service": result.service,
        "baseline": {
            "source": b.source,
            "basis": b.basis,
            "filing_id": b.filing_id,
            "capabilities": list(b.capabilities),
            "technologies": list(b.technologies),
            "monthly_active_users": b.monthly_active_users,
        },
        "changes": [jsonable(c) for c in result.changes],
        "obligations": [
            {
                "trigger_id": i.obligation.trigger_id,
                "kind": i.obligation.kind.value,
                "title": jsonable(i.obligation.title),
                "change": i.change.kind.value if i.change.kind else None,
                "capabilities": list(i.change.capabilities),
                "technologies": list(i.change.technologies),
                "gating": i.gating,
                "coverage": i.coverage.value,
                "blocking": i in result.blocking(),
                "filing": {"id": i.filing_id, "state": i.filing_state} if i.filing_id else None,
                "due": {
                    "rule": i.obligation.due.rule.value,
                    "date": jsonable(i.obligation.due.date),
                    "provisional": i.obligation.due.provisional,
                },
                "articles": [
                    {
                        "cite": q.cite,
                        "regulation": q.regulation_title_zh,
                        "label_zh": q.label_zh,
                        "label_en": q.label_en,
                        "text": q.text,
                        "status": q.status.value,
                    }
                    for q in i.obligation.quotes
                ],
            }
            for i in result.items
        ],
        "warnings": [jsonable(w) for w in _all_warnings(result)],
    }


def _plain_http_off_host(url: str) -> bool:
    """A plain-http platform URL that leaves this machine (loopback is where a test or a tunnel listens)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    return parts.scheme == "http" and not loopback


def _baseline(
    book: Rulebook, baseline: Path | None, platform: str | None, token: str | None, service: int | None
) -> Baseline:
    """A local baseline file wins over a platform named only in the environment."""
    if baseline is not None:
        if service is not None:
            raise InputError("give either --baseline or --service (with --platform), not both", field="--baseline")
        return baseline_from_manifest(read_manifest(book, baseline))
    if not platform:
        raise InputError(
            "give a baseline: --baseline FILE, or --platform URL --token TOKEN --service ID "
            "(or REDLINE_PLATFORM_URL and REDLINE_TOKEN)",
            field="--baseline",
        )
    if not token:
        raise InputError("--platform needs an API token (--token or REDLINE_TOKEN)", field="--token")
    if service is None:
        raise InputError("--platform needs the service id (--service)", field="--service")
    url = platform.rstrip("/")
    if _plain_http_off_host(url):
        err.print(
            f"[yellow]warning:[/yellow] {escape(url)} is plain http: the API token travels unencrypted; "
            "use https (警告：明文 http 会泄露 API 令牌，请使用 https)"
        )
    return baseline_from_platform(fetch_baseline(url, token, service), f"{url} service {service}")


def gate(
    manifest: Annotated[
        Path, typer.Argument(help="Service manifest: a service YAML file kept in the repository.", show_default=False)
    ],
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="Local baseline: the service file as of the last accepted filing.", show_default=False
        ),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            envvar="REDLINE_PLATFORM_URL",
            help="Platform base URL (or REDLINE_PLATFORM_URL).",
            show_default=False,
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="REDLINE_TOKEN",
            help="API token of a provider user (or REDLINE_TOKEN).",
            show_default=False,
            show_envvar=False,
        ),
    ] = None,
    service: Annotated[
        int | None, typer.Option("--service", min=1, help="The service's id on the platform.", show_default=False)
    ] = None,
    date: Annotated[
        dt.datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Release date the changes are judged on (default today)."),
    ] = None,
    require_accepted: Annotated[
        bool,
        typer.Option(
            "--require-accepted", help="Fail unless every due assessment has been accepted, not only submitted."
        ),
    ] = False,
    holidays: HolidaysOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh-CN",
) -> None:
    """Fail a release whose manifest makes a security assessment due that is not submitted or accepted.

    Exit codes: 0 pass; 1 gate failed (an assessment is due and not covered); 2 bad input
    (manifest, baseline, options, or a token or service the platform refuses); 3 the platform
    could not be reached, so the gate cannot decide.
    """
    check_language(lang)
    book = rulebook(holidays)
    parsed = read_manifest(book, manifest)
    base = _baseline(book, baseline, platform, token, service)
    day = date.date() if date else dt.date.today()
    result = run_gate(book, WorkCalendar(book.holidays), parsed, base, day, require_accepted=require_accepted)
    if as_json:
        out.print_json(json.dumps(result_json(result), ensure_ascii=False))
    else:
        print_result(result, lang, book)
    if not result.passed:
        n = len(result.blocking())
        raise CheckFailedError(
            f"gate failed: {n} security assessment(s) due and not {'accepted' if require_accepted else 'submitted'}"
        )
