"""Per-address login throttling: one client guessing passwords across many usernames is refused for a while.

The per-account lock (accounts.login) stops guessing one account; it cannot stop one address trying a
few passwords on each of many accounts. So failures are also counted per client address in a fixed
window; at `login_ip_max_failures` the address is refused until one window has passed. Other addresses
are untouched. The counter lives in the database, so every worker process of the server sees the same
count; a successful login does not reset it (one valid account must not launder a password spray).

The address is `request.client.host` (an IPv6 client by its /64). Behind a reverse proxy, name it in
REDLINE_TRUSTED_PROXIES or `redline serve --forwarded-allow-ips`: uvicorn then takes the client from
X-Forwarded-For only when the peer is that proxy; redline never reads the header itself. The per-account
lock (accounts.login) asks `failed_recently`: it holds only against addresses that failed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from redline.config import Settings
from redline.errors import ThrottledError
from redline.store.models import LoginAttempt

MAX_ADDRESS = 64


def address_key(client_ip: str) -> str:
    """The counted address: an IPv6 client by its /64 (one host usually holds a whole /64), else as is."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip[:MAX_ADDRESS]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _row(session: Session, client_ip: str, now: dt.datetime) -> LoginAttempt:
    """The address's row, created if missing without a race between workers (insert, ignore a conflict)."""
    values = {"client_ip": client_ip, "failures": 0, "window_start": now}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(LoginAttempt).values(**values).on_conflict_do_nothing(index_elements=["client_ip"]))
    row = session.scalar(select(LoginAttempt).where(LoginAttempt.client_ip == client_ip).with_for_update())
    assert row is not None  # inserted or already there, in this transaction
    return row


def check(session: Session, client_ip: str | None, now: dt.datetime) -> None:
    """Refuse an address that is blocked, saying when to come back (the HTTP layer sends Retry-After)."""
    if not client_ip:
        return
    row = session.get(LoginAttempt, address_key(client_ip))
    if row is not None and row.blocked_until is not None and row.blocked_until > now:
        wait = math.ceil((row.blocked_until - now).total_seconds())
        raise ThrottledError(f"too many failed logins from this address; try again in {wait} seconds", retry_after=wait)


def failed_recently(session: Session, settings: Settings, client_ip: str | None, now: dt.datetime) -> bool:
    """Whether the address failed a login within the current window; an unknown address counts as failed,
    so a caller that names none (the CLI, tests) always meets the per-account lock."""
    if not client_ip:
        return True
    row = session.get(LoginAttempt, address_key(client_ip))
    if row is None:
        return False
    window = dt.timedelta(seconds=settings.login_ip_window_seconds)
    return (row.failures > 0 and row.window_start + window > now) or (
        row.blocked_until is not None and row.blocked_until > now
    )


def record_failure(session: Session, settings: Settings, client_ip: str | None, now: dt.datetime) -> None:
    """Count one failed attempt that was not reserved (`reserve`), in the caller's transaction."""
    if not client_ip:
        return
    row = _current(session, settings, address_key(client_ip), now)
    row.failures += 1
    _block_at_limit(row, settings, now)


def reserve(session: Session, settings: Settings, client_ip: str | None, now: dt.datetime) -> None:
    """Before any password is checked: refuse a blocked address, and count this attempt as a failure in
    advance, under the row's lock, so that of many attempts at once no more than the limit get as far as the
    slow password check. `settle` takes the count back when the password was right."""
    if not client_ip:
        return
    row = _current(session, settings, address_key(client_ip), now)
    if row.blocked_until is not None and row.blocked_until > now:
        check(session, client_ip, now)
    if row.failures >= settings.login_ip_max_failures:
        _block_at_limit(row, settings, now)
        check(session, client_ip, now)
    row.failures += 1


def settle(session: Session, settings: Settings, client_ip: str | None, now: dt.datetime, *, failed: bool) -> None:
    """After the check: a failure stays counted (blocking the address at the limit); a success is taken back."""
    if not client_ip:
        return
    row = _current(session, settings, address_key(client_ip), now)
    if failed:
        _block_at_limit(row, settings, now)
    else:
        row.failures = max(0, row.failures - 1)


def _current(session: Session, settings: Settings, key: str, now: dt.datetime) -> LoginAttempt:
    """The address's row under lock, its window started afresh when the last one ran out."""
    row = _row(session, key, now)
    if row.window_start + dt.timedelta(seconds=settings.login_ip_window_seconds) <= now:
        row.failures, row.window_start = 0, now
    return row


def _block_at_limit(row: LoginAttempt, settings: Settings, now: dt.datetime) -> None:
    if row.failures >= settings.login_ip_max_failures:
        row.blocked_until = now + dt.timedelta(seconds=settings.login_ip_window_seconds)
        row.failures, row.window_start = 0, now
