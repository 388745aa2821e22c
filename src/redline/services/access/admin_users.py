"""Accounts as a platform administrator manages them: find, create, change, disable, set a password,
revoke an API token, end every session.

A password an administrator sets (for a new account, or a reset) is one the owner must replace at the next
login. An administrator may not change their own role nor disable their own account, so the platform always
keeps one administrator who can undo a mistake.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from redline.domain.filenames import check_line
from redline.domain.workflow import Role
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.services import audit
from redline.services.access import accounts, credentials
from redline.services.access.views import NewPassword, UserDetail, UserOut, UserPage
from redline.services.context import Context
from redline.services.principal import Principal, require_admin
from redline.store.locking import get_for_update
from redline.store.models import ApiToken, Organisation, User, WebSession

PAGE_SIZE = 50


@dataclass(frozen=True)
class UserFilter:
    text: str = ""  # part of the login or display name, any case
    role: Role | None = None
    organisation_id: int | None = None
    page: int = 1


@dataclass(frozen=True)
class Placement:
    """What an administrator sets on an account: its name, role, organisation and jurisdiction."""

    display_name: str
    role: Role
    organisation_id: int | None = None
    jurisdiction: str | None = None


def find(ctx: Context, p: Principal, f: UserFilter) -> UserPage:
    """Accounts matching `f`, by login name, page `f.page` of PAGE_SIZE."""
    require_admin(p)
    if not 1 <= f.page <= 1_000_000:
        raise InputError("a page number from 1 to 1000000", field="page")
    query = select(User)
    if f.text:
        needle = f.text.lower()
        query = query.where(
            or_(
                func.lower(User.username).contains(needle, autoescape=True),
                func.lower(User.display_name).contains(needle, autoescape=True),
            )
        )
    if f.role is not None:
        query = query.where(User.role == f.role.value)
    if f.organisation_id is not None:
        query = query.where(User.organisation_id == f.organisation_id)
    with ctx.reader() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(query.order_by(User.username).limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE))
        return UserPage(rows=[UserOut.of(u) for u in rows], total=total)


def detail(ctx: Context, p: Principal, user_id: int) -> UserDetail:
    """One account, its API tokens and how many of its sessions are open."""
    require_admin(p)
    now = ctx.now()
    with ctx.reader() as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFoundError(f"no account {user_id}")
        out = UserOut.of(user)
        sessions = uow.session.scalar(
            select(func.count()).where(
                WebSession.user_id == user_id, WebSession.revoked.is_(False), WebSession.expires_at > now
            )
        )
    tokens = accounts.list_api_tokens(ctx, user_id=user_id)
    return UserDetail(user=out, tokens=tokens, open_sessions=sessions or 0)


def one_time_password(username: str) -> str:
    """A random password the policy accepts, for the administrator to pass on once."""
    while True:
        candidate = secrets.token_urlsafe(12)
        try:
            accounts.check_password_policy(candidate, username)
        except InputError:
            continue
        return candidate


def create(ctx: Context, p: Principal, username: str, placement: Placement, password: str = "") -> NewPassword:
    """A new account with `password`, or a generated one; either way its owner replaces it at first login."""
    require_admin(p)
    chosen = password or one_time_password(username)
    new = accounts.NewUser(
        username,
        chosen,
        placement.role,
        placement.display_name.strip(),
        placement.organisation_id,
        placement.jurisdiction or None,
        must_change_password=True,
    )
    accounts.create_user(ctx, new, actor=p.username)
    return NewPassword(username=username, password=chosen, ended=0)


def _user(session: Session, user_id: int) -> User:
    user = get_for_update(session, User, user_id)
    if user is None:
        raise NotFoundError(f"no account {user_id}")
    return user


def update(ctx: Context, p: Principal, user_id: int, placement: Placement) -> None:
    """Change an account's name, role, organisation or jurisdiction; its sessions see the change at once."""
    require_admin(p)
    name = check_line(placement.display_name.strip(), "display_name")
    if not name or len(name) > 100:
        raise InputError("a name of 1 to 100 characters", field="display_name")
    with ctx.uow() as uow:
        user = _user(uow.session, user_id)
        if user.id == p.user_id and placement.role.value != user.role:
            raise PermissionDeniedError("an administrator may not change their own role")
        org = uow.session.get(Organisation, placement.organisation_id) if placement.organisation_id else None
        if placement.organisation_id and org is None:
            raise InputError(f"no organisation {placement.organisation_id}", field="organisation")
        code = placement.jurisdiction or None
        accounts.check_placement(ctx, placement.role, code, org)
        before = {
            "display_name": user.display_name,
            "role": user.role,
            "organisation_id": user.organisation_id,
            "jurisdiction": user.jurisdiction,
        }
        after = {
            "display_name": name,
            "role": placement.role.value,
            "organisation_id": placement.organisation_id,
            "jurisdiction": code,
        }
        changed = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        if not changed:
            return
        user.display_name, user.role, user.jurisdiction = name, placement.role.value, code
        user.organisation_id = org.id if org is not None else None
        audit.append(uow.session, ctx.now(), p.username, "user.update", f"user:{user.id}", changed)
        uow.commit()


def _username(ctx: Context, user_id: int) -> str:
    with ctx.reader() as uow:
        name = uow.session.scalar(select(User.username).where(User.id == user_id))
    if name is None:
        raise NotFoundError(f"no account {user_id}")
    return name


def set_active(ctx: Context, p: Principal, user_id: int, active: bool) -> int:
    """Disable an account (its sessions and tokens end) or enable it again; not one's own."""
    require_admin(p)
    if user_id == p.user_id and not active:
        raise PermissionDeniedError("an administrator may not disable their own account")
    return credentials.set_active(ctx, _username(ctx, user_id), active, actor=p.username)


def reset_password(ctx: Context, p: Principal, user_id: int, password: str = "") -> NewPassword:
    """Set `password`, or a generated one, to be replaced at the next login; every session and token ends."""
    require_admin(p)
    username = _username(ctx, user_id)
    chosen = password or one_time_password(username)
    ended = credentials.reset_password(ctx, username, chosen, actor=p.username, must_change=True)
    return NewPassword(username=username, password=chosen, ended=ended)


def revoke_token(ctx: Context, p: Principal, user_id: int, token_id: int) -> None:
    """Revoke one API token of the account (a token of another account answers 'not found')."""
    require_admin(p)
    with ctx.reader() as uow:
        owner = uow.session.scalar(select(ApiToken.user_id).where(ApiToken.id == token_id))
    if owner != user_id:
        raise NotFoundError(f"no token {token_id}", field="token")
    accounts.revoke_api_token(ctx, None, token_id, actor=p.username)


def logout_everywhere(ctx: Context, p: Principal, user_id: int) -> int:
    """End every session of the account and revoke every API token it holds; how many ended."""
    require_admin(p)
    now = ctx.now()
    with ctx.uow() as uow:
        user = _user(uow.session, user_id)
        ended = credentials.end_sessions(uow.session, user.id, None) + credentials.revoke_all_tokens(
            uow.session, user.id, now
        )
        audit.append(
            uow.session,
            now,
            p.username,
            "user.logout_everywhere",
            f"user:{user.id}",
            {"ended": ended, "tokens_revoked": True},
        )
        uow.commit()
        return ended
