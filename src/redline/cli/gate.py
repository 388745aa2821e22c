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
from redline.domain.obligations import Due, Text
from redline.errors import CheckFailedError, InputError
from redline.i18n import check_language
from redline.reports.canonical import jsonable
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import DeadlineRule
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

from .check import provisional_range
from .common import HolidaysOpt, JsonOpt, LangOpt, err, out, rulebook
from .gate_platform import fetch_baseline


def _due(due: Due, zh: bool) -> str:
    return escape(_due_words(due, zh))


def _due_words(due: Due, zh: bool) -> str:
    if due.rule is DeadlineRule.BEFORE_EVENT:
        return f"发布前（{due.date} 之前）" if zh else f"before release ({due.date})"
    if due.date is None:
        return "条文未规定时限" if zh else "no date in the text"
    if due.rule is DeadlineRule.ONGOING:
        return f"自 {due.date} 起持续" if zh else f"from {due.date}, ongoing"
    text = f"{due.date} 前（含）" if zh else f"by {due.date}"
    return text + (provisional_range(due, zh) if due.provisional else "")


def _articles(item: GateItem, zh: bool) -> str:
    return escape("\n".join(q.cite for q in item.obligation.quotes))


def _basis_lines(item: GateItem, zh: bool) -> list[str]:
    """Full citations below the table, one per line, so CI logs keep them whole (as Rich markup,
    escaped): the obligation's articles, then those its deadline rests on."""
    lines = []
    for q in (*item.obligation.quotes, *item.obligation.due_quotes):
        mark = "" if q.status.value == "verified" else (" [未核实]" if zh else " [unverified]")
        if zh:
            lines.append(escape(f"{q.cite}: 《{q.regulation_title_zh}》{q.label_zh}：“{q.text}”{mark}"))
        else:
            lines.append(escape(f"{q.cite}: {q.regulation_title_en}, {q.label_en}: “{q.text}”{mark}"))
    return lines


def _what(item: GateItem, zh: bool) -> str:
    c = item.change
    cause = ", ".join((*c.capabilities, *c.technologies)) or f"{c.mau_before} → {c.mau_after}"
    title = item.obligation.title.zh if zh else item.obligation.title.en
    kind = c.kind.value if c.kind else ""
    return f"{escape(title)}\n[dim]{escape(f'{item.obligation.trigger_id} · {kind}: {cause}')}[/dim]"


def _covered(item: GateItem, zh: bool) -> str:
    filing = escape(f" #{item.filing_id} {item.filing_state}") if item.filing_id else ""
    if not item.gating:
        return ("不拦截发布" if zh else "not gated") + filing
    text = {Coverage.ACCEPTED: ("[green]已受理[/green]", "[green]accepted[/green]"),
            Coverage.PENDING: ("[yellow]已提交，待受理[/yellow]", "[yellow]submitted, not accepted[/yellow]"),
            Coverage.MISSING: ("[red]未提交[/red]", "[red]not submitted[/red]")}[item.coverage]
    return (text[0] if zh else text[1]) + filing


def _baseline_line(b: Baseline, zh: bool) -> str:
    basis = {"file": ("基线文件", "baseline file"),
             "accepted_filing": (f"平台：最近受理的备案 #{b.filing_id}",
                                 f"platform: last accepted filing #{b.filing_id}"),
             "registered": ("平台：登记的服务信息（尚无受理的备案）",
                            "platform: registered profile (no accepted filing yet)")}[b.basis]
    return escape(f"{basis[0] if zh else basis[1]} · {b.source}")


def print_result(result: GateResult, lang: str) -> None:
    zh = lang == "zh-CN"
    out.print(f"[bold]{escape(result.service)}[/bold] · {result.date} · {_baseline_line(result.baseline, zh)}")
    if not result.changes:
        out.print("清单与基线一致，无变更。" if zh else "The manifest matches the baseline: no change.")
    if result.items:
        table = Table(show_lines=True)
        for col in (("依据", "义务", "期限", "是否已覆盖") if zh else ("Articles", "Obligation", "Due", "Covered")):
            table.add_column(col, overflow="fold")
        for item in result.items:
            table.add_row(_articles(item, zh), _what(item, zh), _due(item.obligation.due, zh), _covered(item, zh))
        out.print(table, soft_wrap=False)
        out.print("[bold]依据[/bold]" if zh else "[bold]Basis[/bold]")
        for line in dict.fromkeys(line for item in result.items for line in _basis_lines(item, zh)):
            out.print(f"  {line}")
    elif result.changes:
        out.print("变更未触发任何评估义务。" if zh else "The changes trigger no assessment.")
    for w in _all_warnings(result):
        out.print(f"[yellow]{'注意' if zh else 'warning'}:[/yellow] {escape(w.zh if zh else w.en)}")
    if result.passed:
        out.print("[bold green]通过[/bold green]" if zh else "[bold green]PASS[/bold green]")
    else:
        out.print("[bold red]未通过[/bold red]" if zh else "[bold red]FAIL[/bold red]")


def _all_warnings(result: GateResult) -> list[Text]:
    pending = [i for i in result.items if i.gating and i.coverage is Coverage.PENDING]
    extra = []
    if pending and not result.require_accepted:
        ids = ", ".join(f"#{i.filing_id}" for i in pending)
        extra.append(Text(f"评估报告已提交但尚未受理（{ids}）；使用 --require-accepted 时将不通过。",
                          f"assessment reports submitted but not yet accepted ({ids}); "
                          "--require-accepted would fail the gate."))
    return [*result.warnings, *extra]


def result_json(result: GateResult) -> dict[str, Any]:
    b = result.baseline
    return {
        "passed": result.passed,
        "date": result.date.isoformat(),
        "require_accepted": result.require_accepted,
        "service": result.service,
        "baseline": {"source": b.source, "basis": b.basis, "filing_id": b.filing_id,
                     "capabilities": list(b.capabilities), "technologies": list(b.technologies),
                     "monthly_active_users": b.monthly_active_users},
        "changes": [jsonable(c) for c in result.changes],
        "obligations": [{
            "trigger_id": i.obligation.trigger_id, "kind": i.obligation.kind.value,
            "title": jsonable(i.obligation.title), "change": i.change.kind.value if i.change.kind else None,
            "capabilities": list(i.change.capabilities), "technologies": list(i.change.technologies),
            "gating": i.gating, "coverage": i.coverage.value, "blocking": i in result.blocking(),
            "filing": {"id": i.filing_id, "state": i.filing_state} if i.filing_id else None,
            "due": {"rule": i.obligation.due.rule.value, "date": jsonable(i.obligation.due.date),
                    "provisional": i.obligation.due.provisional},
            "articles": [{"cite": q.cite, "regulation": q.regulation_title_zh, "label_zh": q.label_zh,
                          "label_en": q.label_en, "text": q.text, "status": q.status.value}
                         for q in i.obligation.quotes],
        } for i in result.items],
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


def _baseline(book: Rulebook, baseline: Path | None, platform: str | None, token: str | None,
              service: int | None) -> Baseline:
    """A local baseline file wins over a platform named only in the environment."""
    if baseline is not None:
        if service is not None:
            raise InputError("give either --baseline or --service (with --platform), not both", field="--baseline")
        return baseline_from_manifest(read_manifest(book, baseline))
    if not platform:
        raise InputError("give a baseline: --baseline FILE, or --platform URL --token TOKEN --service ID "
                         "(or REDLINE_PLATFORM_URL and REDLINE_TOKEN)", field="--baseline")
    if not token:
        raise InputError("--platform needs an API token (--token or REDLINE_TOKEN)", field="--token")
    if service is None:
        raise InputError("--platform needs the service id (--service)", field="--service")
    url = platform.rstrip("/")
    if _plain_http_off_host(url):
        err.print(f"[yellow]warning:[/yellow] {escape(url)} is plain http: the API token travels unencrypted; "
                  "use https (警告：明文 http 会泄露 API 令牌，请使用 https)")
    return baseline_from_platform(fetch_baseline(url, token, service), f"{url} service {service}")


def gate(
    manifest: Annotated[Path, typer.Argument(help="Service manifest: a service YAML file kept in the repository.",
                                             show_default=False)],
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="Local baseline: the service file as of the last accepted filing.",
        show_default=False)] = None,
    platform: Annotated[str | None, typer.Option(
        "--platform", envvar="REDLINE_PLATFORM_URL", help="Platform base URL (or REDLINE_PLATFORM_URL).",
        show_default=False)] = None,
    token: Annotated[str | None, typer.Option(
        "--token", envvar="REDLINE_TOKEN", help="API token of a provider user (or REDLINE_TOKEN).",
        show_default=False, show_envvar=False)] = None,
    service: Annotated[int | None, typer.Option("--service", min=1, help="The service's id on the platform.",
                                                show_default=False)] = None,
    date: Annotated[dt.datetime | None, typer.Option(
        "--date", formats=["%Y-%m-%d"], help="Release date the changes are judged on (default today).")] = None,
    require_accepted: Annotated[bool, typer.Option(
        "--require-accepted", help="Fail unless every due assessment has been accepted, not only submitted.")]
        = False,
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
        print_result(result, lang)
    if not result.passed:
        n = len(result.blocking())
        raise CheckFailedError(f"gate failed: {n} security assessment(s) due and not "
                               f"{'accepted' if require_accepted else 'submitted'}")
