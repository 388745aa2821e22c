"""The per-account lock over real HTTP (issue 15, B13): a locked account, an unknown name and a wrong
password answer alike, and an attacker who locks an account does not lock its owner out: the lock
holds only against client addresses that failed recently."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

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


@dataclasses.dataclass
class Site:
    base: str
    clock: Clock
    settings: Settings

    def client(self, source: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.base, timeout=30, follow_redirects=False, transport=httpx.HTTPTransport(local_address=source)
        )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path}/redline.db"
    upgrade(url)
    settings = Settings(database_url=url, blob_dir=tmp_path / "blobs")
    clock = Clock()
    ctx = dataclasses.replace(build_context(settings), now=clock)
    accounts.create_user(ctx, accounts.NewUser("alice", PASSWORD, Role.PLATFORM_ADMIN))
    with serving(ctx) as base:
        yield Site(base, clock, settings)


def _login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf, "next": "/"})


def _answer(response: httpx.Response) -> tuple[int, str, str | None]:
    """What a client can tell apart: status, the page without its per-request CSRF token, Retry-After."""
    page = re.sub(r'name="csrf_token" value="[^"]*"', "", response.text)
    return response.status_code, page, response.headers.get("retry-after")


def test_a_locked_account_answers_exactly_like_an_unknown_name(site: Site) -> None:
    attacker = site.client("127.0.0.1")
    for _ in range(site.settings.login_max_failures):
        assert _login(attacker, "alice", "wrong-password-1").status_code == 401
    locked = _answer(_login(attacker, "alice", "wrong-password-2"))
    unknown = _answer(_login(attacker, "nobody-here", "wrong-password-2"))
    wrong = _answer(_login(site.client("127.0.0.3"), "alice", "wrong-password-3"))
    assert locked == unknown == wrong
    assert locked[0] == 401


def test_a_locked_account_still_logs_in_from_an_address_without_failures(site: Site) -> None:
    attacker, owner = site.client("127.0.0.1"), site.client("127.0.0.2")
    for _ in range(site.settings.login_max_failures + 3):
        _login(attacker, "alice", "wrong-password-1")
    assert _login(attacker, "alice", PASSWORD).status_code == 401  # the lock holds against the guesser
    assert _login(owner, "alice", PASSWORD).status_code == 303  # and not against the owner
