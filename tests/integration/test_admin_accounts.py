"""Accounts and organisations as a platform administrator manages them, through the use cases, on a real
database (SQLite, and PostgreSQL when set): one-time passwords the owner must replace, resets and "log out
everywhere" that end sessions and tokens at once, placement rules, and nobody but an administrator."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.errors import AuthenticationError, InputError, NotFoundError, PermissionDeniedError
from redline.services.access import accounts, admin_users, credentials, organisations
from redline.services.access.admin_users import Placement, UserFilter
from redline.services.access.organisations import OrganisationForm
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry

PASSWORD = "a-long-admin-phrase-7"


@dataclasses.dataclass
class Platform:
    ctx: Context
    admin: Principal
    provider: Principal
    hz: int  # a provider organisation
    office: int  # a regulator office


@pytest.fixture
def platform(database_url: str, tmp_path: Path) -> Iterator[Platform]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    hz = organisations.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    office = organisations.create_organisation(ctx, "regulator", "杭州市网信办", "330100")
    accounts.create_user(ctx, accounts.NewUser("root", PASSWORD, Role.PLATFORM_ADMIN, "平台管理员"))
    accounts.create_user(ctx, accounts.NewUser("hz-admin", PASSWORD, Role.PROVIDER_ADMIN, "王岚", hz))
    admin = accounts.login(ctx, "root", PASSWORD)[1]
    provider = accounts.login(ctx, "hz-admin", PASSWORD)[1]
    yield Platform(ctx, admin, provider, hz, office)


def _entries(ctx: Context, action: str) -> list[AuditEntry]:
    with ctx.reader() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _id(ctx: Context, username: str) -> int:
    return accounts.principal_named(ctx, username).user_id


def test_a_new_account_logs_in_with_its_one_time_password_and_must_replace_it(platform: Platform) -> None:
    ctx = platform.ctx
    made = admin_users.create(ctx, platform.admin, "li-zhou", Placement("李舟", Role.PROVIDER_MEMBER, platform.hz))
    assert len(made.password) >= 10
    token, owner = accounts.login(ctx, "li-zhou", made.password)
    assert owner.must_change_password and owner.organisation_id == platform.hz
    credentials.change_password(ctx, owner, made.password, "my-own-river-phrase", keep_session=token)
    assert accounts.session_principal(ctx, token) == dataclasses.replace(owner, must_change_password=False)
    [created] = _entries(ctx, "user.create")[-1:]
    assert created.actor == "root" and json.loads(created.data)["username"] == "li-zhou"


def test_a_chosen_one_time_password_must_meet_the_policy(platform: Platform) -> None:
    placement = Placement("李舟", Role.PROVIDER_MEMBER, platform.hz)
    with pytest.raises(InputError, match="attackers try first"):
        admin_users.create(platform.ctx, platform.admin, "li-zhou", placement, password="password123")
    with pytest.raises(InputError, match="user name"):
        admin_users.create(platform.ctx, platform.admin, "li-zhou", placement, password="li-zhou-rides-far")


def test_a_reset_ends_every_session_and_token_and_the_owner_must_choose_again(platform: Platform) -> None:
    ctx, victim = platform.ctx, platform.provider
    session, _ = accounts.login(ctx, "hz-admin", PASSWORD)
    token = accounts.create_api_token(ctx, victim, "ci")
    reset = admin_users.reset_password(ctx, platform.admin, victim.user_id)
    assert reset.ended >= 2 and reset.username == "hz-admin"
    assert accounts.session_principal(ctx, session) is None
    assert accounts.token_principal(ctx, token) is None
    with pytest.raises(AuthenticationError):
        accounts.login(ctx, "hz-admin", PASSWORD)
    assert accounts.login(ctx, "hz-admin", reset.password)[1].must_change_password
    [entry] = _entries(ctx, "user.password_reset")
    assert entry.actor == "root" and entry.subject == f"user:{victim.user_id}"
    assert reset.password not in entry.data  # the log keeps that it happened, never the password


def test_log_out_everywhere_by_an_administrator_ends_sessions_and_tokens(platform: Platform) -> None:
    ctx = platform.ctx
    session, owner = accounts.login(ctx, "hz-admin", PASSWORD)
    token = accounts.create_api_token(ctx, owner, "ci")
    assert admin_users.detail(ctx, platform.admin, owner.user_id).open_sessions == 2  # the fixture's and this
    assert admin_users.logout_everywhere(ctx, platform.admin, owner.user_id) == 3
    assert accounts.session_principal(ctx, session) is None and accounts.token_principal(ctx, token) is None
    assert admin_users.detail(ctx, platform.admin, owner.user_id).open_sessions == 0
    assert accounts.login(ctx, "hz-admin", PASSWORD)[1].user_id == owner.user_id  # the password still holds


def test_a_token_is_revoked_only_through_the_account_that_holds_it(platform: Platform) -> None:
    ctx = platform.ctx
    accounts.create_api_token(ctx, platform.provider, "ci")
    [held] = admin_users.detail(ctx, platform.admin, platform.provider.user_id).tokens
    with pytest.raises(NotFoundError):
        admin_users.revoke_token(ctx, platform.admin, platform.admin.user_id, held.id)
    admin_users.revoke_token(ctx, platform.admin, platform.provider.user_id, held.id)
    [after] = admin_users.detail(ctx, platform.admin, platform.provider.user_id).tokens
    assert after.revoked_at is not None
    [entry] = _entries(ctx, "token.revoke")
    assert entry.actor == "root"


def test_nobody_but_an_administrator_manages_accounts_or_organisations(platform: Platform) -> None:
    ctx, provider, hz = platform.ctx, platform.provider, platform.hz
    attempts = [
        lambda: admin_users.find(ctx, provider, UserFilter()),
        lambda: admin_users.detail(ctx, provider, provider.user_id),
        lambda: admin_users.create(ctx, provider, "mole", Placement("mole", Role.PLATFORM_ADMIN)),
        lambda: admin_users.update(ctx, provider, provider.user_id, Placement("王岚", Role.PLATFORM_ADMIN)),
        lambda: admin_users.reset_password(ctx, provider, platform.admin.user_id, "a-long-stolen-phrase"),
        lambda: admin_users.set_active(ctx, provider, platform.admin.user_id, False),
        lambda: admin_users.logout_everywhere(ctx, provider, platform.admin.user_id),
        lambda: organisations.list_all(ctx, provider),
        lambda: organisations.add(ctx, provider, OrganisationForm("假机构", "330106")),
        lambda: organisations.update(ctx, provider, hz, OrganisationForm("改名", "330106")),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert accounts.principal_named(ctx, "hz-admin").role is Role.PROVIDER_ADMIN


def test_an_administrator_can_neither_demote_nor_disable_themselves(platform: Platform) -> None:
    ctx, admin = platform.ctx, platform.admin
    with pytest.raises(PermissionDeniedError):
        admin_users.update(ctx, admin, admin.user_id, Placement("我", Role.CAC_OFFICER, None, "330100"))
    with pytest.raises(PermissionDeniedError):
        admin_users.set_active(ctx, admin, admin.user_id, False)
    admin_users.update(ctx, admin, admin.user_id, Placement("平台管理员（值班）", Role.PLATFORM_ADMIN))
    assert accounts.principal_named(ctx, "root").display_name == "平台管理员（值班）"


def test_a_changed_account_keeps_the_placement_rules_and_the_log_says_what_changed(platform: Platform) -> None:
    ctx, admin, uid = platform.ctx, platform.admin, platform.provider.user_id
    with pytest.raises(InputError, match="provider organisation"):
        admin_users.update(ctx, admin, uid, Placement("王岚", Role.PROVIDER_ADMIN, platform.office))
    with pytest.raises(InputError, match="jurisdiction"):
        admin_users.update(ctx, admin, uid, Placement("王岚", Role.CAC_OFFICER, platform.office, "330106"))
    admin_users.update(ctx, admin, uid, Placement("王岚", Role.CAC_OFFICER, platform.office, "330100"))
    moved = accounts.principal_named(ctx, "hz-admin")
    assert (moved.role, moved.organisation_id, moved.jurisdiction) == (Role.CAC_OFFICER, platform.office, "330100")
    [entry] = _entries(ctx, "user.update")
    assert json.loads(entry.data) == {
        "role": ["provider_admin", "cac_officer"],
        "organisation_id": [platform.hz, platform.office],
        "jurisdiction": [None, "330100"],
    }


def test_a_disabled_account_cannot_log_in_and_is_enabled_again(platform: Platform) -> None:
    ctx, uid = platform.ctx, platform.provider.user_id
    admin_users.set_active(ctx, platform.admin, uid, False)
    with pytest.raises(AuthenticationError):
        accounts.login(ctx, "hz-admin", PASSWORD)
    admin_users.set_active(ctx, platform.admin, uid, True)
    assert accounts.login(ctx, "hz-admin", PASSWORD)[1].user_id == uid


def test_the_search_finds_by_name_role_and_organisation_and_takes_wildcards_literally(platform: Platform) -> None:
    ctx, admin = platform.ctx, platform.admin
    admin_users.create(ctx, admin, "hz-cac", Placement("杭州市网信办", Role.CAC_OFFICER, None, "330100"))

    def names(f: UserFilter) -> list[str]:
        return [u.username for u in admin_users.find(ctx, admin, f).rows]

    assert names(UserFilter("网信")) == ["hz-cac"]
    assert names(UserFilter("HZ-")) == ["hz-admin", "hz-cac"]
    assert names(UserFilter(role=Role.PROVIDER_ADMIN)) == ["hz-admin"]
    assert names(UserFilter(organisation_id=platform.hz)) == ["hz-admin"]
    assert names(UserFilter("%")) == [] and names(UserFilter("_")) == []
    assert admin_users.find(ctx, admin, UserFilter()).total == 3


def test_an_organisation_is_placed_by_its_chinese_name_and_changed_with_a_log_entry(platform: Platform) -> None:
    ctx, admin = platform.ctx, platform.admin
    org_id = organisations.add(ctx, admin, OrganisationForm("西湖评估（虚构）", "浙江省杭州市西湖区", "", "assessor"))
    row = organisations.get(ctx, admin, org_id)
    assert (row.kind, row.location) == ("assessor", "330106")
    with pytest.raises(InputError, match="several places"):
        organisations.add(ctx, admin, OrganisationForm("重名", "西湖区"))  # 杭州 and 南昌 both have one
    with pytest.raises(InputError, match="credit code"):
        organisations.update(ctx, admin, org_id, OrganisationForm("西湖评估（虚构）", "330106", "not-a-code"))
    renamed = OrganisationForm("西湖评估中心（虚构）", "浙江省杭州市西湖区", "91330106MA2XXXXX1B")
    organisations.update(ctx, admin, org_id, renamed)
    [entry] = _entries(ctx, "organisation.update")
    assert json.loads(entry.data) == {
        "name": ["西湖评估（虚构）", "西湖评估中心（虚构）"],
        "credit_code": [None, "91330106MA2XXXXX1B"],
    }
    # the place as the page shows it names the place held: 北京市 is the city, not its 市辖区
    bj = organisations.add(ctx, admin, OrganisationForm("今闻（虚构）", "北京市"))
    assert organisations.get(ctx, admin, bj).location == "110000"
    organisations.update(ctx, admin, bj, OrganisationForm("今闻信息（虚构）", "北京市"))
    assert organisations.get(ctx, admin, bj).location == "110000"
    english = ctx.book.divisions.full_name_en("330106")  # as the English page shows the seat
    organisations.update(ctx, admin, org_id, dataclasses.replace(renamed, location=english))
    assert organisations.get(ctx, admin, org_id).location == "330106"
