"""Patrol campaigns on the demo data, on SQLite and PostgreSQL: create, samples, run, act, access."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.domain.workflow import Action
from redline.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError, RedlineError
from redline.services.access import accounts
from redline.services.background import jobs
from redline.services.context import Context
from redline.services.filing import review
from redline.services.patrol import campaign_actions, campaign_runs, campaign_samples, campaigns
from redline.services.patrol.campaigns import CampaignSpec
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import (
    Campaign,
    CampaignFinding,
    CampaignRun,
    CampaignSample,
    Filing,
    Organisation,
    RectificationItem,
    Summons,
    User,
)
from tests.conftest import BACKENDS, fresh_database


@pytest.fixture(scope="module", params=BACKENDS)
def ctx(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """The demo, loaded once per backend (a fresh database each)."""
    tmp = tmp_path_factory.mktemp("campaigns")
    with fresh_database(request.param, tmp, prefix="redline_campaigns") as url:
        upgrade(url)
        context = build_context(Settings(database_url=url, blob_dir=tmp / "blobs", job_backend="inline"))
        load_demo(context)
        yield context


def _as(ctx: Context, username: str) -> Principal:
    """The account's principal, read directly (a login per call would hash a password each time)."""
    with ctx.reader() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return Principal.of(user)


def test_a_demo_officer_logs_in_and_sees_the_demo_campaign(ctx: Context) -> None:
    p = accounts.login(ctx, "hz-cac", DEMO_PASSWORD)[1]
    assert [c.name for c in campaigns.list_campaigns(ctx, p)] == ["杭州市生成式人工智能内容标识专项巡查（演示）"]


def _org(ctx: Context, name_part: str) -> int:
    with ctx.reader() as uow:
        found = uow.session.scalar(select(Organisation.id).where(Organisation.name.contains(name_part)))
        assert found is not None
        return found


def _spec(**changes: Any) -> CampaignSpec:
    base = CampaignSpec(
        name="测试巡查",
        region="330100",
        basis=["ailabel2025", "sa2018:5(4)"],
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        probes=[{"name": "aigc-label", "options": {}}],
        technologies=["generative_model"],
    )
    return dataclasses.replace(base, **changes)


def _campaign(ctx: Context, name: str) -> int:
    with ctx.reader() as uow:
        found = uow.session.scalar(select(Campaign.id).where(Campaign.name.contains(name)))
        assert found is not None
        return found


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"region": "339999"}, "region"),
        ({"basis": []}, "basis"),
        ({"basis": ["sa2018:99"]}, "basis.0"),
        ({"basis": ["ailabel2025", "nosuchlaw"]}, "basis.1"),
        ({"technologies": ["telepathy"]}, "technologies.0"),
        ({"period_end": dt.date(2025, 12, 1)}, "period_end"),
        ({"probes": []}, "probes"),
        ({"probes": [{"name": "no-such-probe"}]}, "probes.0.name"),
        ({"probes": [{"name": "aigc-label", "options": {"colour": "red"}}]}, "probes.0.options"),
        ({"provider_ids": [999_999]}, "provider_ids.0"),
    ],
)
def test_a_bad_campaign_is_refused_naming_the_field(ctx: Context, changes: dict[str, Any], field: str) -> None:
    with ctx.reader() as uow:
        before = uow.session.scalar(select(func.count(Campaign.id)))
    with pytest.raises(InputError) as caught:
        campaigns.create_campaign(ctx, _as(ctx, "hz-cac"), _spec(**changes))
    assert caught.value.field == field, caught.value
    with ctx.reader() as uow:
        assert uow.session.scalar(select(func.count(Campaign.id))) == before


def test_only_a_regulator_over_the_region_opens_a_campaign_and_listed_providers_must_lie_in_it(ctx: Context) -> None:
    with pytest.raises(PermissionDeniedError):
        campaigns.create_campaign(ctx, _as(ctx, "sz-cac"), _spec())
    with pytest.raises(PermissionDeniedError):
        campaigns.create_campaign(ctx, _as(ctx, "hz-admin"), _spec())
    with pytest.raises(InputError) as caught:
        campaigns.create_campaign(ctx, _as(ctx, "hz-cac"), _spec(provider_ids=[_org(ctx, "深圳拾光")]))
    assert caught.value.field == "provider_ids.0" and "no provider" in caught.value.message
    assert "440305" not in caught.value.message and "深圳" not in caught.value.message  # issue 15, B12
    cid = campaigns.create_campaign(ctx, _as(ctx, "hz-cac"), _spec(provider_ids=[_org(ctx, "杭州声浪")]))
    assert cid in [c.id for c in campaigns.list_campaigns(ctx, _as(ctx, "zj-cac"))]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _sample_count(ctx: Context, campaign_id: int) -> int:
    with ctx.reader() as uow:
        return int(
            uow.session.scalar(select(func.count(CampaignSample.id)).where(CampaignSample.campaign_id == campaign_id))
            or 0
        )


def test_a_zip_with_a_traversing_member_is_refused_whole_and_nothing_is_written(ctx: Context) -> None:
    cid = campaigns.create_campaign(ctx, _as(ctx, "hz-cac"), _spec(name="压缩包测试"))
    hz = _org(ctx, "杭州声浪")
    blobs_before = sorted(p.name for p in ctx.blobs.root.rglob("*") if p.is_file())
    for bad in ({"ok.txt": b"fine", "../../etc/evil.txt": b"x"}, {"/abs.txt": b"x"}, {"a\\b.txt": b"x"}):
        with pytest.raises(InputError) as caught:
            campaign_samples.add_archive(ctx, _as(ctx, "hz-cac"), cid, hz, _zip(bad), "text", source="up.zip")
        assert "archive refused" in caught.value.message and caught.value.source == "up.zip"
    with pytest.raises(InputError):
        campaign_samples.add_archive(ctx, _as(ctx, "hz-cac"), cid, hz, b"not a zip", "text")
    assert _sample_count(ctx, cid) == 0
    assert sorted(p.name for p in ctx.blobs.root.rglob("*") if p.is_file()) == blobs_before
    ids = campaign_samples.add_archive(
        ctx,
        _as(ctx, "hz-cac"),
        cid,
        hz,
        _zip({"dir/a.md": b"# t\n", "b.md": "本文由人工智能生成。\n".encode()}),
        "text",
    )
    assert len(ids) == 2 and _sample_count(ctx, cid) == 2


def test_samples_go_only_to_covered_providers_and_a_provider_supplies_only_its_own(ctx: Context) -> None:
    cid = _campaign(ctx, "杭州市生成式")
    hz, nb = _org(ctx, "杭州声浪"), _org(ctx, "宁波甬城圈")
    with pytest.raises(InputError) as caught:
        campaign_samples.add_samples(ctx, _as(ctx, "hz-cac"), cid, nb, [("a.txt", b"x")], "text")
    assert caught.value.field == "provider_id"
    with pytest.raises(PermissionDeniedError):
        campaign_samples.add_samples(ctx, _as(ctx, "hz-admin"), cid, nb, [("a.txt", b"x")], "text")
    with pytest.raises(InputError) as bad_kind:
        campaign_samples.add_samples(ctx, _as(ctx, "hz-admin"), cid, hz, [("a.txt", b"x")], "video")
    assert bad_kind.value.field == "kind"
    supplied = campaign_samples.add_samples(
        ctx, _as(ctx, "hz-member"), cid, hz, [("按要求报送-评论.txt", "评论抽样：演示屏蔽词。\n".encode())], "text"
    )
    assert len(supplied) == 1


def test_a_run_attributes_each_finding_to_the_provider_whose_sample_it_is(ctx: Context) -> None:
    cid = _campaign(ctx, "浙江省网络日志")
    hz, nb = _org(ctx, "杭州声浪"), _org(ctx, "宁波甬城圈")
    seen: list[tuple[int, int]] = []
    results = campaign_runs.run_now(ctx, _as(ctx, "zj-cac"), cid, on_progress=lambda d, t: seen.append((d, t)))
    assert [r["probe"] for r in results] == ["log-retention", "content-screen"]
    assert all(r["probe_version"] == "0.1.0" for r in results) and seen and seen[-1][0] == seen[-1][1]
    with ctx.reader() as uow:
        samples = {
            x.sha256: x for x in uow.session.scalars(select(CampaignSample).where(CampaignSample.campaign_id == cid))
        }
        rows = list(uow.session.scalars(select(CampaignFinding).where(CampaignFinding.campaign_id == cid)))
        runs = list(uow.session.scalars(select(CampaignRun).where(CampaignRun.campaign_id == cid)))
    assert {r.state for r in runs} == {"done"} and all(r.result_sha256 for r in runs)
    assert all(r.files_done == r.files_total > 0 for r in runs)
    for f in rows:
        assert f.probe_version == "0.1.0" and f.category
        if f.sample_sha256:  # a per-file finding: the provider is the sample's
            assert samples[f.sample_sha256].provider_id == f.provider_id
    screened = [f for f in rows if f.probe == "content-screen"]
    assert {f.provider_id for f in screened} == {hz}, "only the odd-numbered demo provider's text holds a term"
    assert screened[0].location == "评论区抽样.txt" and screened[0].severity == "high"
    logs = [f for f in rows if f.probe == "log-retention"]
    assert {f.provider_id for f in logs} == {hz, nb}  # run-level findings, each within one provider's logs
    assert any(f.category == "log.retention.gap" and f.provider_id == hz for f in logs)
    assert not any(f.category == "log.retention.gap" and f.provider_id == nb for f in logs)
    document = ctx.blobs.path_for(runs[0].result_sha256 or "").read_text(encoding="utf-8")
    assert '"redline/campaign-run"' in document and '"seal"' in document
    board = campaigns.dashboard(ctx, _as(ctx, "zj-cac"), cid)
    assert {p.id for p in board.providers} == {hz, nb} and sum(board.by_severity.values()) == len(rows)


@dataclasses.dataclass
class _Handle:
    args: dict[str, Any]
    stop: bool = False
    reported: list[tuple[int, int]] = dataclasses.field(default_factory=list)

    def progress(self, done: int, total: int) -> None:
        self.reported.append((done, total))

    def cancelled(self) -> bool:
        return self.stop


def test_the_job_handler_reports_progress_and_a_cancel_stops_the_run(ctx: Context) -> None:
    cid = _campaign(ctx, "杭州市生成式")
    (run_id,) = campaign_runs._create_runs(ctx, _as(ctx, "hz-cac"), cid, "aigc-label", "local")
    handle = _Handle({"run_id": run_id})
    result = campaign_runs.run_job(ctx, handle)
    assert result["run_id"] == run_id and result["probe_version"] == "0.1.0" and handle.reported
    (stopped,) = campaign_runs._create_runs(ctx, _as(ctx, "hz-cac"), cid, "aigc-label", "local")
    with pytest.raises(RedlineError):
        campaign_runs.run_job(ctx, _Handle({"run_id": stopped}, stop=True))
    with ctx.reader() as uow:
        row = uow.session.get(CampaignRun, stopped)
        assert row is not None and row.state == "cancelled"
        assert uow.session.scalar(select(func.count(CampaignFinding.id)).where(CampaignFinding.run_id == stopped)) == 0


def test_start_run_queues_a_background_job_per_probe_that_then_finishes(ctx: Context) -> None:
    cid = _campaign(ctx, "杭州市生成式")
    started = campaign_runs.start_run(ctx, _as(ctx, "hz-cac"), cid)
    assert len(started) == 2
    for run_id, job_id in started:
        job = jobs.wait(ctx, job_id, timeout=60)
        assert job.state == "done", job.error
        assert job.result["run_id"] == run_id and job.progress_done == job.progress_total > 0
        with ctx.reader() as uow:
            run = uow.session.get(CampaignRun, run_id)
            assert run is not None and run.state == "done" and run.job_id == job_id
    with pytest.raises(PermissionDeniedError):
        campaign_runs.start_run(ctx, _as(ctx, "hz-admin"), cid)


def _finding(ctx: Context, campaign_id: int, provider_id: int, probe: str) -> CampaignFinding:
    with ctx.reader() as uow:
        found = uow.session.scalars(
            select(CampaignFinding)
            .where(
                CampaignFinding.campaign_id == campaign_id,
                CampaignFinding.provider_id == provider_id,
                CampaignFinding.probe == probe,
                CampaignFinding.action.is_(None),
            )
            .order_by(CampaignFinding.id)
        ).first()
        assert found is not None
        return found


def _ensure_run(ctx: Context, cid: int, who: str) -> None:
    with ctx.reader() as uow:
        done = uow.session.scalar(
            select(CampaignRun.id).where(CampaignRun.campaign_id == cid, CampaignRun.state == "done").limit(1)
        )
    if done is None:
        campaign_runs.run_now(ctx, _as(ctx, who), cid)


def test_findings_flow_into_a_summons_a_supplement_request_and_a_rectification_order(ctx: Context) -> None:
    cid = _campaign(ctx, "浙江省网络日志")
    _ensure_run(ctx, cid, "zj-cac")
    zj, hz, nb = _as(ctx, "zj-cac"), _org(ctx, "杭州声浪"), _org(ctx, "宁波甬城圈")

    screened = _finding(ctx, cid, hz, "content-screen")
    summons = campaign_actions.act_on_finding(ctx, zj, screened.id, "summons")
    with ctx.reader() as uow:
        row = uow.session.get(Summons, summons.ref)
        assert row is not None and row.provider_id == hz
    assert screened.sample_sha256 in row.problems and "content-screen@0.1.0" in row.problems
    assert "浙江省网络日志" in row.problems and screened.message in row.problems
    with pytest.raises(ConflictError):
        campaign_actions.act_on_finding(ctx, zj, screened.id, "summons")

    with ctx.reader() as uow:
        under_review = uow.session.scalar(
            select(Filing).where(Filing.provider_id == nb, Filing.state == "under_review")
        )
        assert under_review is not None
    gap = _finding(ctx, cid, nb, "log-retention")
    choices = campaign_actions.filing_choices(ctx, zj, nb)
    assert under_review.id in [c.id for c in choices] and all(c.title for c in choices)
    for action in ("supplement", "rectification"):  # never a filing picked for the officer (issue 17)
        with pytest.raises(InputError) as unchosen:
            campaign_actions.act_on_finding(ctx, zj, gap.id, action)
        assert unchosen.value.field == "filing_id"
    supplement = campaign_actions.act_on_finding(ctx, zj, gap.id, "supplement", filing_id=under_review.id)
    assert supplement.filing_id == under_review.id
    with ctx.reader() as uow:
        filing = uow.session.get(Filing, under_review.id)
        assert filing is not None and filing.state == "supplement_requested"
        note = filing.events[-1].note
    assert "log-retention@0.1.0" in note and (gap.sample_sha256 or gap.evidence) in note

    wrong_state = _finding(ctx, cid, nb, "log-retention")
    # the CAC's own review waits for the supplement (the police's may be elsewhere: each concludes its own)
    with pytest.raises((ConflictError, PermissionDeniedError)) as refused:
        campaign_actions.act_on_finding(ctx, zj, wrong_state.id, "rectification", filing_id=under_review.id)
    assert "supplement_requested" in refused.value.message
    nb_admin = _as(ctx, "nb-admin")
    review.act(ctx, nb_admin, under_review.id, Action.SUBMIT, "补充材料后重新提交")
    review.act(ctx, zj, under_review.id, Action.START_REVIEW)
    order = campaign_actions.act_on_finding(
        ctx, zj, wrong_state.id, "rectification", filing_id=under_review.id, due=ctx.today() + dt.timedelta(days=30)
    )
    with ctx.reader() as uow:
        item = uow.session.get(RectificationItem, order.ref)
        acted = uow.session.get(CampaignFinding, wrong_state.id)
    assert item is not None and item.filing_id == under_review.id
    assert "log-retention@0.1.0" in item.text and wrong_state.message in item.text
    assert acted is not None and acted.action == "rectification" and acted.filing_id == under_review.id
    with pytest.raises(InputError) as bad:
        campaign_actions.act_on_finding(ctx, zj, _finding(ctx, cid, nb, "log-retention").id, "arrest")
    assert bad.value.field == "action"


def test_two_officers_acting_on_one_finding_at_once_make_exactly_one_summons(ctx: Context) -> None:
    cid = _campaign(ctx, "浙江省网络日志")
    _ensure_run(ctx, cid, "zj-cac")
    zj, hz = _as(ctx, "zj-cac"), _org(ctx, "杭州声浪")
    with ctx.reader() as uow:
        finding = uow.session.scalars(
            select(CampaignFinding)
            .where(
                CampaignFinding.campaign_id == cid, CampaignFinding.provider_id == hz, CampaignFinding.action.is_(None)
            )
            .order_by(CampaignFinding.id.desc())
        ).first()
        assert finding is not None
        before = uow.session.scalar(select(func.count()).select_from(Summons))
    start, outcomes = threading.Barrier(2), []

    def act() -> None:
        start.wait()
        try:
            outcomes.append(campaign_actions.act_on_finding(ctx, zj, finding.id, "summons"))
        except ConflictError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=act) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    acted = [o for o in outcomes if isinstance(o, campaign_actions.Acted)]
    assert len(outcomes) == 2 and len(acted) == 1, outcomes
    with ctx.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Summons)) == (before or 0) + 1
        row = uow.session.get(CampaignFinding, finding.id)
        assert row is not None and row.action == "summons" and row.action_ref == acted[0].ref


def test_access_other_jurisdictions_and_unrelated_providers_see_nothing(ctx: Context) -> None:
    hz_campaign, zj_campaign = _campaign(ctx, "杭州市生成式"), _campaign(ctx, "浙江省网络日志")
    _ensure_run(ctx, zj_campaign, "zj-cac")
    for who in ("sz-cac", "bj-admin", "admin", "assessor"):
        assert campaigns.list_campaigns(ctx, _as(ctx, who)) == []
        for cid in (hz_campaign, zj_campaign):
            with pytest.raises(NotFoundError):
                campaigns.dashboard(ctx, _as(ctx, who), cid)
            with pytest.raises(NotFoundError):
                campaigns.findings(ctx, _as(ctx, who), cid)
    with pytest.raises(NotFoundError):  # 330000 lies outside the city office's 330100
        campaigns.dashboard(ctx, _as(ctx, "hz-cac"), zj_campaign)
    hz_admin = _as(ctx, "hz-admin")
    assert {hz_campaign, zj_campaign} <= {c.id for c in campaigns.list_campaigns(ctx, hz_admin)}
    own = campaigns.findings(ctx, hz_admin, zj_campaign)
    assert own and {f.provider_id for f in own} == {hz_admin.organisation_id}
    board = campaigns.dashboard(ctx, hz_admin, zj_campaign)
    assert [p.id for p in board.providers] == [hz_admin.organisation_id]
    assert {x.provider_id for x in board.samples} == {hz_admin.organisation_id}
    nb_finding = _finding(ctx, zj_campaign, _org(ctx, "宁波甬城圈"), "log-retention")
    with pytest.raises(NotFoundError):
        campaign_actions.act_on_finding(ctx, hz_admin, nb_finding.id, "summons")
    with pytest.raises(NotFoundError):
        campaign_actions.act_on_finding(ctx, _as(ctx, "sz-cac"), nb_finding.id, "summons")
    with pytest.raises(PermissionDeniedError):
        campaign_actions.act_on_finding(ctx, hz_admin, own[0].id, "summons")


def test_the_sample_files_on_disk_are_the_demo_samples(tmp_path: Path) -> None:
    from redline.demo.patrol import sample_files, write_sample_tree

    root = write_sample_tree(tmp_path, 3, dt.date(2026, 5, 1))
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    expected = {f"{kind}/{name}" for kind, files in sample_files(3, dt.date(2026, 5, 1)).items() for name, _ in files}
    assert on_disk == expected and "log/access.log" in on_disk


def test_a_probe_run_cannot_be_started_twice_at_once_in_one_campaign(ctx: Context) -> None:
    cid = _campaign(ctx, "杭州市生成式")
    officer, outcomes, start = _as(ctx, "hz-cac"), [], threading.Barrier(2)

    def begin() -> None:
        start.wait()
        try:
            outcomes.append(campaign_runs._create_runs(ctx, officer, cid, "aigc-label", "local"))
        except ConflictError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=begin) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    created = [o for o in outcomes if isinstance(o, list)]
    assert len(outcomes) == 2 and len(created) == 1, outcomes
    refused = next(o for o in outcomes if isinstance(o, ConflictError))
    assert "already queued or running" in refused.message
    (run_id,) = created[0]
    campaign_runs.run_job(ctx, _Handle({"run_id": run_id}))  # once it is done, the probe may run again
    assert len(campaign_runs._create_runs(ctx, officer, cid, "aigc-label", "local")) == 1
