"""`redline reminders run`, `redline users set-email`, `redline orgs webhook add|list|remove`."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer
from rich.table import Table

from .common import JsonOpt, out, parse_date, plain
from .installation import platform_context
from .platform import orgs_app, users_app

reminders_app = typer.Typer(help="Deadline reminders by e-mail and signed webhooks.", no_args_is_help=True)
webhook_app = typer.Typer(help="Signed reminder webhooks of an organisation.", no_args_is_help=True)
orgs_app.add_typer(webhook_app, name="webhook")


@reminders_app.command("run")
def reminders_run(
    today: Annotated[str | None, typer.Option(help="The day to remind for, YYYY-MM-DD (default: today).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be sent; send nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Send the reminders due today (before, on and after each deadline); a second run sends nothing twice."""
    from redline.services.reminders.reminders import run_reminders

    day = parse_date(today, "--today") if today is not None else None
    summary = run_reminders(platform_context(), day, dry_run=dry_run)
    if as_json:
        out.print_json(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    table = Table(title=f"reminders {summary.today}" + (" (dry run)" if dry_run else ""))
    for col in ("filing", "deadline", "due", "stage", "channel", "recipient", "status"):
        table.add_column(col)
    for o in summary.outcomes:
        table.add_row(
            *plain(
                o.filing_id,
                o.kind,
                o.due,
                o.stage,
                o.channel,
                o.recipient,
                o.status + (f": {o.error}" if o.error else ""),
            )
        )
    out.print(table)
    out.print(
        f"sent {summary.count('sent')}, failed {summary.count('failed')}, "
        f"already sent {summary.count('skipped')}" + (f", planned {summary.count('planned')}" if dry_run else ""),
        markup=False,
    )


@users_app.command("set-email")
def users_set_email(
    username: Annotated[str, typer.Argument(help="Login name.")],
    email: Annotated[str, typer.Argument(help="E-mail address for reminders ('' clears it).")],
) -> None:
    """Set the address a user gets deadline reminders at."""
    from redline.services.reminders.contacts import set_email

    set_email(platform_context(), username, email, actor="cli")
    out.print(f"{username}: {email or '(no e-mail)'}", markup=False)


@webhook_app.command("add")
def webhook_add(
    organisation: Annotated[int, typer.Argument(help="Organisation id.")],
    url: Annotated[str, typer.Argument(help="http(s) URL that receives the signed POSTs.")],
    secret: Annotated[str | None, typer.Option(help="Shared secret (default: a random one, printed once).")] = None,
) -> None:
    """Register a webhook endpoint; reminders to the organisation are POSTed to it, signed."""
    from redline.services.reminders.contacts import add_webhook

    hook_id, key = add_webhook(platform_context(), organisation, url, secret, actor="cli")
    out.print(f"webhook {hook_id} for organisation {organisation}: {url}", markup=False)
    if secret is None:
        out.print(f"secret (keep it; verify X-Redline-Signature with it): {key}", markup=False)


@webhook_app.command("list")
def webhook_list(
    organisation: Annotated[int | None, typer.Argument(help="Organisation id (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List webhook endpoints (URLs with credentials and query values redacted; never the secret)."""
    from redline.services.reminders.contacts import list_webhooks

    hooks = list_webhooks(platform_context(), organisation)
    if as_json:
        out.print_json(json.dumps([dataclasses.asdict(h) for h in hooks]))
        return
    table = Table()
    for col in ("id", "organisation", "url", "active"):
        table.add_column(col)
    for h in hooks:
        table.add_row(*plain(h.id, h.organisation_id, h.url, "yes" if h.active else "no"))
    out.print(table)


@webhook_app.command("remove")
def webhook_remove(
    webhook: Annotated[int, typer.Argument(help="Webhook id (see `redline orgs webhook list`).")],
) -> None:
    """Stop sending reminders to an endpoint."""
    from redline.services.reminders.contacts import remove_webhook

    remove_webhook(platform_context(), webhook, actor="cli")
    out.print(f"webhook {webhook} removed", markup=False)
