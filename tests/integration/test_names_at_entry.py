"""Names and titles that reach mail headers, file names and document titles are one line (issue 23, break 6):
a service, organisation, user, campaign or notice reference with a line break or another control or
invisible character is refused where it enters, naming the field; plain Chinese and English names pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.errors import InputError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import User

HOSTILE = ["声浪\r\nBcc: attacker@example.test", "声浪\n", "a\x00b", "声浪\u2028x", "invoice\u202efdp.exe", "x\u200by"]


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Context:
    upgrade(database_url)
    return build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))


def _provider(ctx: Context) -> Principal:
    org = filings.create_organisation(ctx, "provider", "杭州声浪网络科技有限公司（虚构） Shenglang", "330106")
    with ctx.uow() as uow:
        user = User(
            username="hz-admin",
            display_name="管理员",
            password_hash="!",
            role=Role.PROVIDER_ADMIN.value,
            organisation_id=org,
        )
        uow.session.add(user)
        uow.commit()
        return Principal.of(user)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_service_name_that_is_not_one_plain_line_is_refused_naming_the_field(ctx: Context, name: str) -> None:
    provider = _provider(ctx)
    with pytest.raises(InputError) as caught:
        filings.add_service(ctx, provider, {"service": {"name": name, "capabilities": ["voice_chat_room"]}})
    assert "one line" in caught.value.message and "service.name" in str(caught.value)
    assert (
        filings.add_service(
            ctx, provider, {"service": {"name": "声浪 Voice-Room 2", "capabilities": ["voice_chat_room"]}}
        )
        > 0
    )


@pytest.mark.parametrize("name", HOSTILE[:3])
def test_organisation_user_and_notice_names_are_one_line(ctx: Context, name: str) -> None:
    with pytest.raises(InputError) as org:
        filings.create_organisation(ctx, "provider", name, "330106")
    assert org.value.field == "name"
    _provider(ctx)
    with pytest.raises(InputError) as user:
        accounts.create_user(
            ctx,
            accounts.NewUser(
                username="bob",
                password="a-long-passphrase-2026!",
                role=Role.PROVIDER_MEMBER,
                display_name=name,
                organisation_id=1,
            ),
        )
    assert user.value.field == "display_name"
