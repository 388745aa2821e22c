"""Probe options of a campaign never name a server path (B3): files are uploaded to the campaign and named by
digest; every value is checked before it is stored and again when a run starts. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.services.context import Context
from redline.services.patrol import campaign_files, campaign_runs, campaign_samples, campaigns
from redline.services.patrol.campaigns import CampaignSpec
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import Campaign, CampaignFinding, CampaignRun, Organisation, User
from tests.conftest import BACKENDS, fresh_database

PASSWD = Path("/etc/passwd")


@pytest.fixture(scope="module", params=BACKENDS)
def ctx(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    tmp = tmp_path_factory.mktemp("campaign-options")
    with fresh_database(request.param, tmp, prefix="redline_options") as url:
        upgrade(url)
        context = build_context(Settings(database_url=url, blob_dir=tmp / "blobs", job_backend="inline"))
        load_demo(context)
        yield context


def _as(ctx: Context, username: str) -> Principal:
    with ctx.reader() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return Principal.of(user)


def _provider(ctx: Context) -> int:
    with ctx.reader() as uow:
        found = uow.session.scalar(select(Organisation.id).where(Organisation.name.contains("杭州声浪")))
        assert found is not None
        return found


def _create(ctx: Context, probe: str, options: dict[str, Any]) -> int:
    spec = CampaignSpec(
        name="选项测试",
        region="330100",
        basis=["sa2018:5(4)"],
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        probes=[{"name": probe, "options": options}],
        provider_ids=[_provider(ctx)],
    )
    return campaigns.create_campaign(ctx, _as(ctx, "hz-cac"), spec)


def _messages(ctx: Context, campaign_id: int) -> str:
    with ctx.reader() as uow:
        return "\n".join(
            uow.session.scalars(select(CampaignFinding.message).where(CampaignFinding.campaign_id == campaign_id))
        )


@pytest.mark.parametrize(
    ("probe", "name", "value"),
    [
        ("content-screen", "terms", str(PASSWD)),
        ("content-screen", "terms", "../../../../etc/passwd"),
        ("log-retention", "mapping", str(PASSWD)),
        ("log-retention", "log_format", str(PASSWD)),
        ("content-screen", "field", str(PASSWD)),
    ],
)
def test_a_server_path_in_an_option_is_refused_when_the_campaign_is_created(
    ctx: Context, probe: str, name: str, value: str
) -> None:
    with pytest.raises(InputError) as caught:
        _create(ctx, probe, {name: value})
    assert caught.value.field == f"probes.0.options.{name}"
    assert "path" in caught.value.message


def test_terms_etc_passwd_is_refused_and_nothing_of_the_file_reaches_findings(ctx: Context) -> None:
    """B3 as the attacker did it: a campaign whose term list is /etc/passwd, and a sample holding a guess of
    its first line; a finding quoting the term would confirm the guess."""
    first_line = PASSWD.read_text(encoding="utf-8").splitlines()[0]
    campaign_id = None
    with pytest.raises(InputError):
        campaign_id = _create(ctx, "content-screen", {"terms": str(PASSWD)})
    if campaign_id is None:  # refused as it should be: try the same through a campaign stored before the check
        campaign_id = _create(ctx, "content-screen", {})
        with ctx.uow() as uow:
            uow.session.execute(
                update(Campaign)
                .where(Campaign.id == campaign_id)
                .values(probes=[{"name": "content-screen", "options": {"terms": str(PASSWD)}}])
            )
            uow.commit()
    campaign_samples.add_samples(
        ctx, _as(ctx, "hz-cac"), campaign_id, _provider(ctx), [("guess.txt", f"{first_line}\n".encode())], "text"
    )
    with pytest.raises(InputError) as caught:
        campaign_runs.run_now(ctx, _as(ctx, "hz-cac"), campaign_id)
    assert "path" in caught.value.message
    assert first_line.split(":")[0] not in _messages(ctx, campaign_id)
    with ctx.reader() as uow:
        assert uow.session.scalar(select(CampaignRun.id).where(CampaignRun.campaign_id == campaign_id)) is None


def test_a_term_list_uploaded_to_the_campaign_is_named_by_its_digest(ctx: Context) -> None:
    terms = "巡查测试词\tdemo\thigh\n[regex]\n(a+)+$\n".encode()
    sha = hashlib.sha256(terms).hexdigest()
    campaign_id = _create(ctx, "content-screen", {"terms": sha})
    campaign_samples.add_samples(
        ctx,
        _as(ctx, "hz-cac"),
        campaign_id,
        _provider(ctx),
        [("post.txt", "评论里有巡查测试词。\n".encode()), ("attack.txt", b"a" * 28 + b"!\n")],
        "text",
    )
    with pytest.raises(InputError) as early:
        campaign_runs.run_now(ctx, _as(ctx, "hz-cac"), campaign_id)
    assert "upload it first" in early.value.message
    row = campaign_files.add_file(ctx, _as(ctx, "hz-cac"), campaign_id, "terms.txt", terms)
    assert row.sha256 == sha and [
        f.sha256 for f in campaign_files.list_files(ctx, _as(ctx, "hz-cac"), campaign_id)
    ] == [sha]
    (result,) = campaign_runs.run_now(ctx, _as(ctx, "hz-cac"), campaign_id)
    assert result["files"] == 2 and result["findings"] == 1
    assert "巡查测试词" in _messages(ctx, campaign_id)


def test_a_digest_of_another_campaigns_file_is_refused(ctx: Context) -> None:
    terms = "另一个词\n".encode()
    sha = hashlib.sha256(terms).hexdigest()
    owner = _create(ctx, "content-screen", {"terms": sha})
    campaign_files.add_file(ctx, _as(ctx, "hz-cac"), owner, "terms.txt", terms)
    other = _create(ctx, "content-screen", {"terms": sha})
    campaign_samples.add_samples(
        ctx, _as(ctx, "hz-cac"), other, _provider(ctx), [("a.txt", "另一个词".encode())], "text"
    )
    with pytest.raises(InputError) as caught:
        campaign_runs.start_run(ctx, _as(ctx, "hz-cac"), other)
    assert sha in caught.value.message and caught.value.field == "options.terms"


def test_only_an_officer_of_the_campaign_uploads_option_files(ctx: Context) -> None:
    campaign_id = _create(ctx, "content-screen", {})
    with pytest.raises(PermissionDeniedError):
        campaign_files.add_file(ctx, _as(ctx, "hz-admin"), campaign_id, "t.txt", b"x\n")
    with pytest.raises(NotFoundError):
        campaign_files.add_file(ctx, _as(ctx, "sz-cac"), campaign_id, "t.txt", b"x\n")
    with pytest.raises(InputError):
        campaign_files.add_file(ctx, _as(ctx, "hz-cac"), campaign_id, "t\u202etxt.exe", b"x\n")


@pytest.mark.parametrize(
    ("probe", "options", "field"),
    [
        ("content-screen", {"format": "pdf"}, "format"),
        ("content-screen", {"spam": "maybe"}, "spam"),
        ("content-screen", {"field": {"nested": "x"}}, "field"),
        ("content-screen", {"field": "x" * 1000}, "field"),
        ("content-screen", {"terms": "ABC"}, "terms"),
        ("log-retention", {"workers": 10_000}, "workers"),
        ("log-retention", {"months": float("nan")}, "months"),
        ("log-retention", {"assessment_date": "tomorrow"}, ""),
    ],
)
def test_every_option_value_is_checked(ctx: Context, probe: str, options: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        _create(ctx, probe, options)
    assert (caught.value.field or "").startswith("probes.0.options")
    assert (caught.value.field or "").endswith(field)
