"""Changing one's password: a wrong current password counts against the client address like a failed login,
a right one leaves no count behind, and at the address limit the change is refused before any check."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.errors import InputError, ThrottledError
from redline.services.access import accounts, credentials
from redline.store.migrate import upgrade
from redline.store.models import LoginAttempt


def test_wrong_current_passwords_count_against_the_address_and_the_limit_holds(
    database_url: str, tmp_path: Path
) -> None:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "b", login_ip_max_failures=3))
    accounts.create_user(ctx, accounts.NewUser("carol", "first-long-phrase-1", Role.PLATFORM_ADMIN))
    _, carol = accounts.login(ctx, "carol", "first-long-phrase-1")
    credentials.change_password(ctx, carol, "first-long-phrase-1", "second-long-phrase-2", client_ip="198.51.100.7")
    with ctx.reader() as uow:
        row = uow.session.get(LoginAttempt, "198.51.100.7")
        assert row is not None and row.failures == 0  # a right password leaves no count behind
    for _ in range(2):
        with pytest.raises(InputError, match="current password is wrong"):
            credentials.change_password(
                ctx, carol, "guess-long-phrase-9", "third-long-phrase-3", client_ip="198.51.100.7"
            )
    with ctx.reader() as uow:
        assert uow.session.get(LoginAttempt, "198.51.100.7").failures == 2  # type: ignore[union-attr]
    with pytest.raises(InputError):
        credentials.change_password(ctx, carol, "guess-long-phrase-8", "third-long-phrase-3", client_ip="198.51.100.7")
    with pytest.raises(ThrottledError):  # the address is blocked: refused before the password is looked at
        credentials.change_password(ctx, carol, "second-long-phrase-2", "third-long-phrase-3", client_ip="198.51.100.7")
