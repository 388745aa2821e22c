"""`redline serve`, `redline db`, `redline users`, `redline orgs`, `redline demo`."""

from __future__ import annotations

import getpass
import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.domain.workflow import Role
from redline.errors import InputError

from .common import JsonOpt, err, out, plain
from .installation import platform_context, platform_settings

if TYPE_CHECKING:
    pass

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations: providers, assessment bodies, regulators.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Create or migrate the database named by REDLINE_DATABASE_URL (default ./var/redline.db)."""
    from redline.bootstrap import migrate_database

    settings = platform_settings()
    migrate_database(settings, revision)
    out.print(f"database at {revision}: {settings.database_url}", markup=False)
    if settings.database_url.startswith("postgres") and settings.job_backend != "inline":
        from redline.services.background.jobs_queue import ensure_schema

        created = ensure_schema(settings.database_url)
        out.print("job queue tables " + ("created" if created else "present") + " (procrastinate)", markup=False)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Reverse proxies (addresses or networks, comma-separated) whose "
            "X-Forwarded-For names the client; default REDLINE_TRUSTED_PROXIES, empty: none.",
        ),
    ] = None,
) -> None:
    """Serve the platform (pages and /api/v1). Refuses an unmigrated database. Logs one line per request
    and every error, with its request id, to stderr (REDLINE_LOG_LEVEL, REDLINE_LOG_FORMAT=text|json)."""
    import uvicorn

    from redline.bootstrap import build_context
    from redline.config import trusted_proxy_list
    from redline.logs import logging_config
    from redline.reports.pdf import MISSING_FONT, cjk_font_available

    settings = platform_settings()
    build_context(settings)  # fails early, with the fix, on an unmigrated database
    try:
        proxies = trusted_proxy_list(settings.trusted_proxies if forwarded_allow_ips is None else forwarded_allow_ips)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if not cjk_font_available():
        err.print(
            f"[yellow]warning:[/yellow] {escape(MISSING_FONT)}; PDF downloads and jobs will fail until it is installed"
        )
    out.print(
        f"redline serving on http://{host}:{port}/  (API: /api/v1, reference: /docs, OpenAPI: /api/v1/openapi.json)",
        markup=False,
    )
    # Proxy headers are read only from the trusted peers (uvicorn's ProxyHeadersMiddleware checks the peer),
    # so the login throttle counts a forged X-Forwarded-For as the sender's own address.
    uvicorn.run(
        "redline.web.main:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(settings.log_level, settings.log_format),
        log_level=settings.log_level,
        access_log=False,
        server_header=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        # uvicorn restarts a worker that has not answered its supervisor within this time; importing the app
        # takes several seconds on a busy machine, and at its 5 s default the workers never come up there.
        timeout_worker_healthcheck=30,
    )


@orgs_app.command("create")
def orgs_create(
    kind: Annotated[str, typer.Option(help="provider, assessor or regulator.")],
    name: Annotated[str, typer.Option(help="Organisation name.")],
    location: Annotated[str, typer.Option(help="GB/T 2260 code of its seat.")],
) -> None:
    """Create an organisation and print its id."""
    from redline.bootstrap import build_context
    from redline.services.filing import filings

    ctx = build_context(platform_settings())
    out.print(str(filings.create_organisation(ctx, kind, name, location, actor="cli")), markup=False)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="Role.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    organisation: Annotated[int | None, typer.Option(help="Organisation id (providers, assessors).")] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="GB/T 2260 code for regulators: 100000 national, or a province or prefecture.")
    ] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create an account (the password is asked for, or read from stdin)."""
    from redline.bootstrap import build_context
    from redline.services.access import accounts

    ctx = build_context(platform_settings())
    password = input() if password_stdin else getpass.getpass("password: ")
    user_id = accounts.create_user(
        ctx, accounts.NewUser(username, password, role, name, organisation, jurisdiction), actor="cli"
    )
    out.print(f"created user {user_id}: {username} ({role.value})", markup=False)


@users_app.command("deactivate")
def users_deactivate(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Deactivate an account: it cannot log in, and its sessions and API tokens end at once."""
    from redline.services.access import credentials

    ended = credentials.set_active(platform_context(), username, False, actor="cli")
    out.print(f"{username}: deactivated; {ended} session(s) and token(s) ended", markup=False)


@users_app.command("activate")
def users_activate(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Let a deactivated account log in again."""
    from redline.services.access import credentials

    credentials.set_active(platform_context(), username, True, actor="cli")
    out.print(f"{username}: active", markup=False)


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Set a new password for an account (asked for, or read from stdin); its sessions and tokens end."""
    from redline.services.access import credentials

    password = input() if password_stdin else getpass.getpass("new password: ")
    ended = credentials.reset_password(platform_context(), username, password, actor="cli")
    out.print(f"{username}: password set; {ended} session(s) and token(s) ended", markup=False)


@users_app.command("list")
def users_list(as_json: JsonOpt = False) -> None:
    """List accounts with role, organisation and jurisdiction."""
    from dataclasses import astuple

    from redline.services.access.accounts import list_accounts

    rows = [astuple(row) for row in list_accounts(platform_context())]
    if as_json:
        out.print_json(
            json.dumps(
                [dict(zip(("id", "username", "role", "organisation", "jurisdiction"), r, strict=True)) for r in rows],
                ensure_ascii=False,
            )
        )
        return
    table = Table()
    for col in ("id", "username", "role", "organisation", "jurisdiction"):
        table.add_column(col)
    for row in rows:
        table.add_row(*plain(*row))
    out.print(table)


def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve after loading.")] = True,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Migrate, load the fictional demo data into an empty database, print logins, serve."""
    from redline.bootstrap import build_context, migrate_database
    from redline.demo.seed import DEMO_PASSWORD, load_demo
    from redline.services.access.accounts import any_account

    settings = platform_settings()
    migrate_database(settings)
    ctx = build_context(settings)
    if not any_account(ctx):
        summary = load_demo(ctx)
        table = Table(title=f"demo logins (password for all: {DEMO_PASSWORD})")
        for col in ("username", "role", "who"):
            table.add_column(col)
        for login in summary.logins:
            table.add_row(*plain(*login))
        out.print(table)
    else:
        out.print(f"database already holds data; demo logins use the password {DEMO_PASSWORD}", markup=False)
    if serve_after:
        serve(host=host, port=port, workers=1, forwarded_allow_ips=None)
