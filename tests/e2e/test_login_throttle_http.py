"""Per-address login throttling over real HTTP: with the default limit of 20, the 21st failed login from
one client address is refused with 429 and Retry-After even for another username and the right password,
another address (127.0.0.2, also loopback) still logs in, and after the window the first one can again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import httpx

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.services.access import accounts
from redline.store.migrate import upgrade
from tests.e2e.conftest import serving

PASSWORD = "correct-horse-42"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _client(base: str, source: str) -> httpx.Client:
    return httpx.Client(
        base_url=base, timeout=30, follow_redirects=False, transport=httpx.HTTPTransport(local_address=source)
    )


def _login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf, "next": "/"})


def test_the_21st_failure_from_one_address_is_429_for_any_username_and_other_addresses_still_log_in(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/redline.db"
    upgrade(url)
    settings = Settings(database_url=url, blob_dir=tmp_path / "blobs")
    assert settings.login_ip_max_failures == 20
    clock = Clock()
    ctx = dataclasses.replace(build_context(settings), now=clock)
    for name in ("alice", "bob"):
        accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, Role.PLATFORM_ADMIN))
    with serving(ctx) as base:
        attacker, neighbour = _client(base, "127.0.0.1"), _client(base, "127.0.0.2")
        for i in range(20):  # alternating usernames: no account reaches its own lock (5)
            assert _login(attacker, f"user{i % 10}", "wrong-password-1").status_code == 401
        refused = _login(attacker, "bob", PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(settings.login_ip_window_seconds)
        assert "too many failed logins from this address" in refused.text
        assert "redline_session" not in refused.cookies
        assert _login(neighbour, "bob", PASSWORD).status_code == 303
        clock.now += dt.timedelta(seconds=settings.login_ip_window_seconds)
        assert _login(attacker, "alice", PASSWORD).status_code == 303
