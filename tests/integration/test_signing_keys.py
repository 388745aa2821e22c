"""B10: a signature counts only with a key registered to an organisation and approved. A self-made key whose
name claims 浙江省网信办 is shown as untrusted and refused where a signature is required."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.errors import CheckFailedError, PermissionDeniedError
from redline.reports.signatures import Algorithm, new_key
from redline.services.access import accounts, signing_keys
from redline.services.context import Context
from redline.services.filing import filings, queries
from redline.services.packages.packages import export_package, import_package
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from tests.integration.test_checkpoints import submitted_filing

PASSWORD = "receiving-office-1"
FORGED = "浙江省网信办（伪造）"


@dataclasses.dataclass
class Office:
    ctx: Context
    regulator: Principal
    admin: Principal
    org_id: int
    package: bytes
    public_key: Path


def _login(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[Office]:
    """A provider's installation signs a package with a self-made key named after a regulator; a regulator's
    installation (SQLite, and PostgreSQL when configured) receives it."""
    src_url = f"sqlite:///{tmp_path}/source.db"
    upgrade(src_url)
    src = build_context(Settings(database_url=src_url, blob_dir=tmp_path / "sb", key_dir=tmp_path / "sk"))
    fid = submitted_filing(src)
    private, public = new_key(Algorithm.ED25519, FORGED)
    (tmp_path / "forged.key").write_text(private, encoding="utf-8")
    (tmp_path / "forged.pub").write_text(public, encoding="utf-8")
    provider = accounts.login(src, "hz-admin", "correct-horse-42")[1]
    package = export_package(src, provider, fid, key=tmp_path / "forged.key", with_pdf=False).data
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "tb", key_dir=tmp_path / "tk"))
    ctx = dataclasses.replace(ctx, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    yield Office(
        ctx,
        _login(ctx, "hz-office", Role.CAC_OFFICER, juris="330100"),
        _login(ctx, "root", Role.PLATFORM_ADMIN),
        org,
        package,
        tmp_path / "forged.pub",
    )


def test_a_self_made_key_claiming_a_regulator_is_untrusted_and_refused_where_a_signature_is_required(
    office: Office,
) -> None:
    o = office
    with pytest.raises(CheckFailedError, match="untrusted") as caught:
        import_package(o.ctx, o.regulator, o.package, require_signature=True)
    assert "不受信任" in str(caught.value)
    fid = import_package(o.ctx, o.regulator, o.package)  # accepted unsigned-equivalent, shown as untrusted
    event = queries.get_filing(o.ctx, o.regulator, fid).filing.events[-1]
    assert "不受信任" in event.note and "untrusted" in event.note
    assert not event.note.startswith(f"signed by {FORGED}") and "signed by" not in event.note
    assert event.data["signer_trusted"] is False and event.data["signer"] is None


def test_a_registered_key_counts_only_once_approved_and_then_names_its_organisation(office: Office) -> None:
    o = office
    key_id = signing_keys.register(o.ctx, o.admin, o.org_id, o.public_key)
    with pytest.raises(CheckFailedError, match="not approved"):
        import_package(o.ctx, o.regulator, o.package, require_signature=True)
    with pytest.raises(PermissionDeniedError):
        signing_keys.approve(o.ctx, o.regulator, key_id)
    signing_keys.approve(o.ctx, o.admin, key_id)
    fid = import_package(o.ctx, o.regulator, o.package, require_signature=True)
    event = queries.get_filing(o.ctx, o.regulator, fid).filing.events[-1]
    assert event.data["signer"] == "杭州声浪（虚构）" and event.data["signer_trusted"] is True
    assert FORGED not in event.note.split("claims")[0]
    signing_keys.revoke(o.ctx, o.admin, key_id)
    assert [k.status for k in signing_keys.list_keys(o.ctx, o.admin)] == ["revoked"]


def test_only_an_organisations_admin_or_the_platform_admin_registers_its_keys(office: Office) -> None:
    o = office
    other = filings.create_organisation(o.ctx, "provider", "深圳拾光（虚构）", "440305")
    stranger = _login(o.ctx, "sz-admin", Role.PROVIDER_ADMIN, other)
    with pytest.raises(PermissionDeniedError):
        signing_keys.register(o.ctx, stranger, o.org_id, o.public_key)
    with pytest.raises(PermissionDeniedError):
        signing_keys.register(o.ctx, o.regulator, o.org_id, o.public_key)
