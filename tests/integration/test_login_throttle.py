"""Per-address login throttling on a real database (SQLite, and PostgreSQL when set): one address guessing
across many usernames is refused for a window, other addresses are not, and the count is shared by every
process because it lives in the database. A small limit keeps the argon2 work short (the HTTP test in
tests/e2e/test_login_throttle_http.py uses the default of 20)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.errors import AuthenticationError, ThrottledError
from redline.services.access import accounts
from redline.services.context import Context
from redline.store.migrate import upgrade
from redline.store.models import LoginAttempt

PASSWORD = "correct-horse-42"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ATTACKER, NEIGHBOUR = "198.51.100.7", "203.0.113.20"
LIMIT = 4


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


def _context(url: str, tmp_path: Path, clock: Clock) -> Context:
    upgrade(url)
    settings = Settings(
        database_url=url,
        blob_dir=tmp_path / "blobs",
        login_ip_max_failures=LIMIT,
        login_ip_window_seconds=600,
        login_max_failures=1000,
    )
    ctx = dataclasses.replace(build_context(settings), now=clock)
    for name in ("alice", "bob"):
        accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, Role.PLATFORM_ADMIN))
    return ctx


def test_enough_failures_from_one_address_refuse_it_for_every_username_but_not_other_addresses(
    database_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    ctx = _context(database_url, tmp_path, clock)
    for i in range(LIMIT):  # spread over usernames, known and unknown: the per-account lock never triggers
        with pytest.raises(AuthenticationError):
            accounts.login(ctx, ["alice", "bob", f"nobody{i}"][i % 3], "wrong-password-1", client_ip=ATTACKER)
    with pytest.raises(ThrottledError) as caught:
        accounts.login(ctx, "bob", PASSWORD, client_ip=ATTACKER)  # even the right password
    assert caught.value.retry_after == 600
    assert accounts.login(ctx, "bob", PASSWORD, client_ip=NEIGHBOUR)[1].username == "bob"
    assert accounts.login(ctx, "alice", PASSWORD)[1].username == "alice"  # the CLI and tests pass no address
    clock.now = START + dt.timedelta(seconds=599)
    with pytest.raises(ThrottledError) as caught:
        accounts.login(ctx, "alice", PASSWORD, client_ip=ATTACKER)
    assert caught.value.retry_after == 1
    clock.now = START + dt.timedelta(seconds=600)
    assert accounts.login(ctx, "alice", PASSWORD, client_ip=ATTACKER)[1].username == "alice"


def test_failures_spread_over_more_than_a_window_never_block(database_url: str, tmp_path: Path) -> None:
    clock = Clock()
    ctx = _context(database_url, tmp_path, clock)
    for i in range(2 * LIMIT):
        clock.now = START + dt.timedelta(seconds=200 * i)  # 3 failures per 600 s window
        with pytest.raises(AuthenticationError):
            accounts.login(ctx, "alice", "wrong-password-1", client_ip=ATTACKER)
    assert accounts.login(ctx, "alice", PASSWORD, client_ip=ATTACKER)[1].username == "alice"


def test_a_successful_login_does_not_reset_the_count_of_the_address(database_url: str, tmp_path: Path) -> None:
    clock = Clock()
    ctx = _context(database_url, tmp_path, clock)
    for i in range(LIMIT - 1):
        with pytest.raises(AuthenticationError):
            accounts.login(ctx, f"victim{i}", "wrong-password-1", client_ip=ATTACKER)
    accounts.login(ctx, "alice", PASSWORD, client_ip=ATTACKER)  # the attacker's own account
    with pytest.raises(AuthenticationError):
        accounts.login(ctx, "victim-last", "wrong-password-1", client_ip=ATTACKER)
    with pytest.raises(ThrottledError):
        accounts.login(ctx, "alice", PASSWORD, client_ip=ATTACKER)


def test_concurrent_failures_share_one_count(database_url: str, tmp_path: Path) -> None:
    """Concurrent sessions on their own connections, as worker processes have: no lost update, no
    duplicate row (the first failures of an address race to create its row)."""
    clock = Clock()
    ctx = dataclasses.replace(
        _context(database_url, tmp_path, clock),
        settings=Settings(database_url=database_url, blob_dir=tmp_path / "blobs", login_ip_max_failures=1000),
    )

    def fail(worker: int) -> int:
        refused = 0
        for i in range(2):
            try:
                accounts.login(ctx, f"nobody{worker}-{i}", "wrong-password-1", client_ip=ATTACKER)
            except AuthenticationError:
                refused += 1
        return refused

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(fail, range(4))) == [2] * 4
    with ctx.reader() as uow:
        row = uow.session.get(LoginAttempt, ATTACKER)
        assert row is not None and row.failures == 8
