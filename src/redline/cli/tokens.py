"""`redline tokens`: the operator lists and revokes API tokens of any account (a leaked token, a person
who left). Owners revoke their own on the account page or with DELETE /api/v1/tokens/{id}."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from redline.errors import InputError

from .common import JsonOpt, out, plain
from .installation import platform_context

if TYPE_CHECKING:
    pass

tokens_app = typer.Typer(help="API tokens: list and revoke (operator).", no_args_is_help=True)


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option(help="Only this account's tokens.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List tokens (id, account, name, created, expires, state); never the token itself."""
    from redline.services.access import accounts

    ctx = platform_context()
    now = ctx.now()
    rows = [t for t in accounts.list_api_tokens(ctx) if user is None or t.username == user]
    records = [
        {
            "id": t.id,
            "username": t.username,
            "name": t.name,
            "created_at": t.created_at.isoformat(),
            "expires_at": t.expires_at.isoformat(),
            "state": "revoked" if t.revoked_at else ("active" if t.active(now) else "expired"),
        }
        for t in rows
    ]
    if as_json:
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    table = Table()
    for col in ("id", "username", "name", "created_at", "expires_at", "state"):
        table.add_column(col)
    for record in records:
        table.add_row(*plain(*record.values()))
    out.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int | None, typer.Argument(help="The token's id (from `redline tokens list`).")] = None,
    user: Annotated[str | None, typer.Option(help="Revoke every active token of this account instead.")] = None,
) -> None:
    """Revoke one token, or all of an account's; effective at once in every server process."""
    from redline.services.access import accounts

    if (token_id is None) == (user is None):
        raise InputError("name a token id or --user, not both")
    ctx = platform_context()
    now = ctx.now()
    if token_id is not None:
        ids = [token_id]
    else:
        ids = [t.id for t in accounts.list_api_tokens(ctx) if t.username == user and t.active(now)]
    for one in ids:
        accounts.revoke_api_token(ctx, None, one, actor="cli")
    out.print(f"revoked {len(ids)} token(s)", markup=False)
