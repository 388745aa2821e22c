"""Changing one's own credentials: the password (current one required) and ending sessions everywhere.

A stolen session must not outlive the owner's reaction: a password change ends every other session of
the account (and, when asked, every API token), and "log out everywhere" ends all of them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from redline.errors import InputError, NotFoundError
from redline.services import audit
from redline.services.access import accounts, login_throttle
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.locking import get_for_update
from redline.store.models import ApiToken, User, WebSession


def change_password(
    ctx: Context,
    p: Principal,
    current: str,
    new: str,
    *,
    keep_session: str | None = None,
    revoke_tokens: bool = False,
    client_ip: str | None = None,
) -> int:
    """Set a new password; every session but `keep_session` (a session token) ends. Returns how many
    sessions and tokens ended. A wrong current password counts as a failed login of the address."""
    accounts.check_password_policy(new, p.username)
    now = ctx.now()
    with ctx.uow() as uow:  # as at login: the attempt is reserved with the address throttle before any hashing
        login_throttle.reserve(uow.session, ctx.settings, client_ip, now)
        user = uow.session.get(User, p.user_id)
        stored = user.password_hash if user is not None and user.is_active else None
        uow.commit()
    correct = stored is not None and accounts.verify_password(stored, current)
    hashed = accounts.hash_password(new) if correct and current != new else None  # slow: outside the lock
    with ctx.uow() as uow:
        login_throttle.settle(uow.session, ctx.settings, client_ip, now, failed=not correct)
        user = get_for_update(uow.session, User, p.user_id)
        if user is None or not correct or user.password_hash != stored:
            uow.commit()
            raise InputError("the current password is wrong", field="current")
        if hashed is None:
            uow.commit()
            raise InputError("the new password must differ from the current one", field="new")
        user.password_hash, user.must_change_password = hashed, False
        ended = end_sessions(uow.session, user.id, keep_session)
        if revoke_tokens:
            ended += revoke_all_tokens(uow.session, user.id, now)
        audit.append(
            uow.session,
            now,
            p.username,
            "user.password_change",
            f"user:{user.id}",
            {"ended": ended, "tokens_revoked": revoke_tokens},
        )
        uow.commit()
        return ended


def logout_everywhere(ctx: Context, p: Principal, revoke_tokens: bool = False) -> int:
    """End every session of `p`'s account (this one too); returns how many were open."""
    now = ctx.now()
    with ctx.uow() as uow:
        ended = end_sessions(uow.session, p.user_id, None)
        if revoke_tokens:
            ended += revoke_all_tokens(uow.session, p.user_id, now)
        audit.append(
            uow.session,
            now,
            p.username,
            "user.logout_everywhere",
            f"user:{p.user_id}",
            {"ended": ended, "tokens_revoked": revoke_tokens},
        )
        uow.commit()
        return ended


def end_sessions(session: Session, user_id: int, keep_token: str | None) -> int:
    """End the account's open sessions but `keep_token`'s; how many ended (in the caller's transaction)."""
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked.is_(False))
    if keep_token:
        query = query.where(WebSession.token_hash != accounts.token_digest(keep_token))
    return int(session.execute(query.values(revoked=True)).rowcount)  # type: ignore[attr-defined]


def revoke_all_tokens(session: Session, user_id: int, now: dt.datetime) -> int:
    """Revoke the account's live API tokens; how many (in the caller's transaction)."""
    query = update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    return int(session.execute(query.values(revoked_at=now)).rowcount)  # type: ignore[attr-defined]


def _account(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user '{username}'")
    return user


def set_active(ctx: Context, username: str, active: bool, actor: str = "system") -> int:
    """An operator deactivates (or reactivates) an account: a deactivated one cannot log in, and its
    sessions and API tokens end at once. Returns how many sessions and tokens ended."""
    now = ctx.now()
    with ctx.uow() as uow:
        user = _account(uow.session, username)
        user.is_active = active
        ended = 0 if active else end_sessions(uow.session, user.id, None) + revoke_all_tokens(uow.session, user.id, now)
        audit.append(
            uow.session,
            now,
            actor,
            "user.activate" if active else "user.deactivate",
            f"user:{user.id}",
            {"ended": ended},
        )
        uow.commit()
        return ended


def reset_password(ctx: Context, username: str, new: str, actor: str = "system", *, must_change: bool = False) -> int:
    """An operator sets a new password (the owner forgot it, or it leaked): every session and API token of
    the account ends. Returns how many ended. `must_change`: the owner must choose another at next login."""
    accounts.check_password_policy(new, username)
    hashed = accounts.hash_password(new)  # before the transaction: the hash is slow, the lock is not held
    now = ctx.now()
    with ctx.uow() as uow:
        user = _account(uow.session, username)
        user.password_hash, user.failed_logins, user.locked_until = hashed, 0, None
        user.must_change_password = must_change
        ended = end_sessions(uow.session, user.id, None) + revoke_all_tokens(uow.session, user.id, now)
        audit.append(
            uow.session,
            now,
            actor,
            "user.password_reset",
            f"user:{user.id}",
            {"ended": ended, "must_change": must_change},
        )
        uow.commit()
        return ended
