"""Accounts: argon2 password hashes, login throttling, sessions and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import threading
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.domain.filenames import check_line
from redline.domain.workflow import PROVIDER_ROLES, REGULATOR_ROLES, Role
from redline.errors import AuthenticationError, InputError, NotFoundError
from redline.services import audit
from redline.services.access import login_throttle
from redline.services.access.password_policy import check_password_policy as check_password_policy
from redline.services.access.views import TokenInfo as TokenInfo
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.locking import get_for_update
from redline.store.models import ApiToken, Organisation, User, WebSession

_hasher = PasswordHasher()
HASH_SLOTS = max(1, (os.cpu_count() or 2) // 2)
_HASH_SLOTS = threading.BoundedSemaphore(HASH_SLOTS)


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so both paths take the same time."""
    return _hasher.hash("redline-timing-equaliser")


USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    role: Role
    display_name: str = ""
    organisation_id: int | None = None
    jurisdiction: str | None = None
    must_change_password: bool = False  # an administrator chose the password: the owner replaces it at login


# The kind of organisation each role may belong to; a role not named here belongs to none.
ORGANISATION_KIND = {
    Role.PROVIDER_ADMIN: "provider",
    Role.PROVIDER_MEMBER: "provider",
    Role.ASSESSOR: "assessor",
    Role.CAC_OFFICER: "regulator",
    Role.MPS_OFFICER: "regulator",
}


def check_placement(ctx: Context, role: Role, code: str | None, org: Organisation | None) -> None:
    """Where an account of `role` may sit: a regulator over a jurisdiction (national, a province or a
    prefecture), a provider in a provider; an organisation only of the kind its role belongs to."""
    if role in REGULATOR_ROLES:
        valid = code == jurisdiction.NATIONAL or (
            ctx.book.divisions.get(code or "") is not None and jurisdiction.level(code or "") != "county"
        )
        if not valid:
            raise InputError(
                "a regulator needs a jurisdiction: 100000 (national) or a province or prefecture code",
                field="jurisdiction",
            )
    elif code:
        raise InputError("only regulators hold a jurisdiction", field="jurisdiction")
    if role in PROVIDER_ROLES and (org is None or org.kind != "provider"):
        raise InputError("a provider account needs a provider organisation", field="organisation")
    if org is not None and org.kind != ORGANISATION_KIND.get(role):
        raise InputError("this role does not belong to an organisation of that kind", field="organisation")


def create_user(ctx: Context, new: NewUser, actor: str = "system", *, password_hash: str | None = None) -> int:
    """`password_hash`: a hash of `new.password` made before (the policy is still checked on the password)."""
    if not USERNAME.match(new.username):
        raise InputError("username: 3-64 lowercase letters, digits, '.', '_' or '-'", field="username")
    check_line(new.display_name, "display_name")
    check_password_policy(new.password, new.username)
    with ctx.uow() as uow:
        org = uow.session.get(Organisation, new.organisation_id) if new.organisation_id else None
        if new.organisation_id and org is None:
            raise InputError(f"no organisation {new.organisation_id}", field="organisation")
        check_placement(ctx, new.role, new.jurisdiction, org)
        if uow.session.scalar(select(User.id).where(User.username == new.username)):
            raise InputError(f"username '{new.username}' is taken", field="username")
        user = User(
            username=new.username,
            display_name=new.display_name or new.username,
            password_hash=password_hash or _hasher.hash(new.password),
            role=new.role.value,
            organisation_id=new.organisation_id,
            jurisdiction=new.jurisdiction,
            must_change_password=new.must_change_password,
        )
        uow.session.add(user)
        uow.session.flush()
        audit.append(
            uow.session,
            ctx.now(),
            actor,
            "user.create",
            f"user:{user.id}",
            {
                "username": user.username,
                "role": user.role,
                "jurisdiction": user.jurisdiction,
                "organisation_id": user.organisation_id,
            },
        )
        uow.commit()
        return user.id


LOGIN_FAILED = "wrong username or password; after repeated failures, wait a few minutes"


def login(ctx: Context, username: str, password: str, client_ip: str | None = None) -> tuple[str, Principal]:
    """A new session token (so a session id is never reused across logins) and the principal.

    An unknown name, a wrong password and a locked account fail alike: same error, same work (one
    argon2 verification each). The per-account lock holds only against client addresses with recent
    failures (or an unknown address), so whoever locks an account does not lock its owner out; failures
    are also counted per client address (login_throttle).

    Three steps, so that no lock is held while the slow hash is checked and no decision rests on a stale
    read: (1) a short transaction reserves the attempt with the address throttle (refused at the limit,
    before any hashing); (2) the password is checked, at most `HASH_SLOTS` at a time in the process;
    (3) a second transaction takes the account row under lock and decides: counts a failure atomically,
    or opens the session."""
    now = ctx.now()
    with ctx.uow() as uow:
        failed_before = login_throttle.failed_recently(uow.session, ctx.settings, client_ip, now)
        login_throttle.reserve(uow.session, ctx.settings, client_ip, now)
        found = uow.session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
        user_id, stored = (found.id, found.password_hash) if found is not None else (None, _dummy_hash())
        uow.commit()
    correct = _verify(stored, password)
    with ctx.uow() as uow:
        user = get_for_update(uow.session, User, user_id) if user_id is not None else None
        if user is not None and (not user.is_active or user.password_hash != stored):
            user, correct = None, False  # deactivated or re-keyed meanwhile: this attempt proves nothing
        locked = user is not None and _locked(user, now)
        failed = user is None or not correct or (locked and failed_before)
        login_throttle.settle(uow.session, ctx.settings, client_ip, now, failed=failed)
        if failed or user is None:
            if user is not None and not locked:
                _count_failure(uow.session, ctx, user, now)
            uow.commit()
            raise AuthenticationError(LOGIN_FAILED)
        if not locked:
            user.failed_logins, user.locked_until = 0, None
        token = secrets.token_urlsafe(32)
        uow.session.add(
            WebSession(
                token_hash=token_digest(token),
                user_id=user.id,
                expires_at=now + dt.timedelta(hours=ctx.settings.session_hours),
            )
        )
        audit.append(uow.session, now, user.username, "user.login", f"user:{user.id}", {})
        uow.commit()
        return token, Principal.of(user)


def _locked(user: User, now: dt.datetime) -> bool:
    locked = user.locked_until
    return locked is not None and (locked if locked.tzinfo else locked.replace(tzinfo=dt.UTC)) > now


def _count_failure(session: Session, ctx: Context, user: User, now: dt.datetime) -> None:
    """One more failure on the account; at the limit it locks for a fixed time (failures during the lock
    are not counted, so nobody can hold it locked past its time by failing on)."""
    user.failed_logins += 1
    if user.failed_logins >= ctx.settings.login_max_failures:
        user.locked_until = now + dt.timedelta(seconds=ctx.settings.login_lock_seconds)
        user.failed_logins = 0
        audit.append(session, now, user.username, "user.locked", f"user:{user.id}", {})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    return _verify(password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    """argon2 verification, at most HASH_SLOTS at once in this process: a burst of logins queues here
    instead of taking every core from the requests of everyone else."""
    with _HASH_SLOTS:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class AccountRow:
    """An account as the operator's list shows it."""

    id: int
    username: str
    role: str
    organisation: str
    jurisdiction: str


def list_accounts(ctx: Context) -> list[AccountRow]:
    """Every account, oldest first (the operator's terminal: `redline users list`)."""
    with ctx.reader() as uow:
        return [
            AccountRow(u.id, u.username, u.role, u.organisation.name if u.organisation else "", u.jurisdiction or "")
            for u in uow.session.scalars(select(User).order_by(User.id))
        ]


def any_account(ctx: Context) -> bool:
    """Whether the installation holds any account yet (the demo loads only into an empty one)."""
    with ctx.reader() as uow:
        return uow.session.scalar(select(User.id).limit(1)) is not None


def principal_named(ctx: Context, username: str, *, field: str = "username") -> Principal:
    """The account `username` as a principal (its access rules then apply): what a terminal acts as."""
    with ctx.reader() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputError(f"no account '{username}'", field=field)
        return Principal.of(user)


def session_principal(ctx: Context, token: str, version: int | None = None) -> Principal | None:
    """The session's user; cached per data version (logins, logouts and revocations are audited)."""
    digest = token_digest(token)

    def lookup() -> tuple[Principal | None, dt.datetime]:
        with ctx.reader() as uow:
            row = uow.session.scalar(select(WebSession).where(WebSession.token_hash == digest))
            if row is None or row.revoked:
                return None, dt.datetime.max.replace(tzinfo=dt.UTC)
            expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
            user = uow.session.get(User, row.user_id)
            return (Principal.of(user) if user and user.is_active else None), expires

    current = ctx.version() if version is None else version
    principal, expires = ctx.cache.get_or_compute(("session", digest), current, lookup)
    return principal if expires > ctx.now() else None


def logout(ctx: Context, token: str) -> None:
    with ctx.uow() as uow:
        row = uow.session.scalar(select(WebSession).where(WebSession.token_hash == token_digest(token)))
        if row is not None:
            row.revoked = True
            user = uow.session.get(User, row.user_id)
            who = user.username if user is not None else str(row.user_id)
            audit.append(uow.session, ctx.now(), who, "user.logout", f"user:{row.user_id}", {})
            uow.commit()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def token_lifetime(ctx: Context, days: int | None) -> dt.timedelta:
    """The asked lifetime, or the default; never more than the cap (REDLINE_API_TOKEN_MAX_DAYS)."""
    chosen = ctx.settings.api_token_days if days is None else days
    cap = ctx.settings.api_token_max_days
    if not 1 <= chosen <= cap:
        raise InputError(f"a token lives 1 to {cap} days", field="days")
    return dt.timedelta(days=chosen)


def create_api_token(ctx: Context, p: Principal, name: str, days: int | None = None) -> str:
    """A new API token, shown once; only its SHA-256 is stored. It ends after `days` (default setting)."""
    lifetime = token_lifetime(ctx, days)
    token = "rl_" + secrets.token_urlsafe(32)
    now = ctx.now()
    expires = now + lifetime
    with ctx.uow() as uow:
        row = ApiToken(
            user_id=p.user_id,
            name=(name or "api")[:100],
            token_hash=token_digest(token),
            created_at=now,
            expires_at=expires,
        )
        uow.session.add(row)
        uow.session.flush()
        audit.append(
            uow.session,
            now,
            p.username,
            "token.create",
            f"token:{row.id}",
            {"name": row.name, "expires_at": expires.isoformat()},
        )
        uow.commit()
    return token


def list_api_tokens(ctx: Context, p: Principal | None = None, *, user_id: int | None = None) -> list[TokenInfo]:
    """`p`'s tokens, newest first; when `p` is None, account `user_id`'s (an administrator's page, after its
    check), or every account's (the operator's CLI)."""
    with ctx.reader() as uow:
        query = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
        owner = p.user_id if p is not None else user_id
        if owner is not None:
            query = query.where(ApiToken.user_id == owner)
        rows = uow.session.execute(query.order_by(ApiToken.id.desc())).all()
        return [
            TokenInfo(
                id=t.id,
                username=username,
                name=t.name,
                created_at=_aware(t.created_at),
                expires_at=_aware(t.expires_at or t.created_at),
                revoked_at=t.revoked_at,
            )
            for t, username in rows
        ]


def revoke_api_token(ctx: Context, p: Principal | None, token_id: int, actor: str | None = None) -> None:
    """Revoke at once (the read cache is stamped by the audit entry). `p` None: any account's token
    (the operator's CLI); otherwise only `p`'s own, and another's answers 'not found'."""
    with ctx.uow() as uow:
        row = uow.session.get(ApiToken, token_id)
        if row is None or (p is not None and row.user_id != p.user_id):
            raise NotFoundError(f"no token {token_id}", field="token")
        if row.revoked_at is None:
            row.revoked_at = ctx.now()
            audit.append(
                uow.session,
                ctx.now(),
                actor or (p.username if p else "cli"),
                "token.revoke",
                f"token:{row.id}",
                {"user_id": row.user_id},
            )
            uow.commit()


def token_principal(ctx: Context, token: str, version: int | None = None) -> Principal | None:
    """The token's user while the token is neither revoked nor expired; cached per data version (token
    creation and revocation are audited; expiry is checked on every call)."""
    digest = token_digest(token)
    never = dt.datetime.min.replace(tzinfo=dt.UTC)

    def lookup() -> tuple[Principal | None, dt.datetime]:
        with ctx.reader() as uow:
            row = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
            if row is None or row.revoked_at is not None or row.expires_at is None:
                return None, never
            user = uow.session.get(User, row.user_id)
            return (Principal.of(user) if user and user.is_active else None), _aware(row.expires_at)

    current = ctx.version() if version is None else version
    principal, expires = ctx.cache.get_or_compute(("token", digest), current, lookup)
    return principal if expires > ctx.now() else None
