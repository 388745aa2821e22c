"""B8: signed checkpoints of the audit chain. Editing a sealed report in the database, resealing it and
recomputing the whole audit chain is found, naming the report and the checkpoint; a witness's exported copy
finds it even when the attacker also rewrites the checkpoints table (and the key directory) without the key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.reports.canonical import seal
from redline.services import audit
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries, review
from redline.services.records import checkpoint_verify, checkpoints
from redline.store.db import make_engine
from redline.store.migrate import upgrade
from redline.store.models import AuditCheckpoint, AuditEntry, AuditHead, Filing, ReportVersion

PASSWORD = "correct-horse-42"


def submitted_filing(ctx: Context) -> int:
    """A provider with one submitted (sealed) report; returns the filing id."""
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("hz-admin", PASSWORD, Role.PROVIDER_ADMIN, "hz", org))
    provider = accounts.login(ctx, "hz-admin", PASSWORD)[1]
    service = filings.add_service(ctx, provider, {"service": {"name": "声浪", "capabilities": ["voice_chat_room"]}})
    fid = filings.record_change(
        ctx,
        provider,
        service,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    items = queries.get_filing(ctx, provider, fid).items
    filings.save_answers(ctx, provider, fid, {i: {"status": "met"} for i in items})
    review.act(ctx, provider, fid, Action.SUBMIT)
    return fid


def reseal_and_rechain(url: str, filing_id: int) -> str:
    """The attack, with database access and no key: edit the sealed report, recompute its SHA-256 seal,
    rewrite every audit entry that named the old digest and recompute the whole chain. Returns the new digest."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            report = conn.scalar(select(Filing.report).where(Filing.id == filing_id))
            assert report is not None
            old = report["seal"]["digest"]
            report["conclusion"]["statement"] = "经评估，全部符合要求。"  # what the attacker wants it to say
            forged = seal(report)
            new = forged["seal"]["digest"]
            conn.execute(update(Filing).where(Filing.id == filing_id).values(report=forged, report_digest=new))
            conn.execute(
                update(ReportVersion)
                .where(ReportVersion.filing_id == filing_id, ReportVersion.digest == old)
                .values(report=forged, digest=new)
            )  # the version history holds it too
            prev = audit.GENESIS
            for entry in conn.execute(select(AuditEntry).order_by(AuditEntry.seq)).all():
                data = entry.data.replace(old, new)
                digest = audit.entry_hash(
                    entry.seq, audit._iso(entry.at), entry.actor, entry.action, entry.subject, data, prev
                )
                conn.execute(
                    update(AuditEntry).where(AuditEntry.seq == entry.seq).values(data=data, prev_hash=prev, hash=digest)
                )
                prev = digest
            conn.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev))
        return str(new)
    finally:
        engine.dispose()


@pytest.fixture
def platform(database_url: str, tmp_path: Path) -> Iterator[tuple[Context, int]]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(
        ctx, today=lambda: dt.date(2026, 3, 2), now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    yield ctx, submitted_filing(ctx)


def _check(ctx: Context) -> checkpoint_verify.CheckpointReport:
    with ctx.reader() as uow:
        assert audit.verify(uow.session).ok
        return checkpoint_verify.verify(uow.session, ctx.settings.key_dir)


def test_a_submission_writes_a_signed_checkpoint_with_a_private_key_of_mode_0600(platform: tuple[Context, int]) -> None:
    ctx, _ = platform
    key = ctx.settings.key_dir / checkpoints.KEY_NAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    result = _check(ctx)
    assert result.ok and result.checkpoints == 1 and result.reports == 1
    assert checkpoints.checkpoint(ctx) == 2  # `redline audit checkpoint`
    assert _check(ctx).ok


def test_a_resealed_report_and_a_recomputed_chain_fail_naming_the_report_and_checkpoint(
    platform: tuple[Context, int],
) -> None:
    ctx, fid = platform
    reseal_and_rechain(ctx.settings.database_url, fid)
    with ctx.reader() as uow:
        assert audit.verify(uow.session).ok  # the old check is fooled
    result = _check(ctx)
    assert not result.ok
    assert "checkpoint 1" in result.reason and f"filing {fid}" in result.reason and "changed" in result.reason


def test_an_exported_checkpoint_finds_the_change_even_when_the_checkpoints_are_rewritten_without_the_key(
    platform: tuple[Context, int], tmp_path: Path
) -> None:
    ctx, fid = platform
    with ctx.reader() as uow:
        # kept by the regulator, outside the platform's database
        witnessed = checkpoints.export_lines(uow.session, ctx.settings.key_dir)
    assert len(witnessed) == 1 and json.loads(witnessed[0])["body"]["schema"] == "redline/audit-checkpoint"
    with ctx.reader() as uow:
        assert checkpoint_verify.verify_witness(uow.session, witnessed).ok
    reseal_and_rechain(ctx.settings.database_url, fid)
    # The attacker has no platform key: it replaces the key files with its own and re-signs new checkpoints.
    with ctx.uow() as uow:
        uow.session.execute(delete(AuditCheckpoint))
        uow.commit()
    for name in (checkpoints.KEY_NAME, checkpoints.PUBLIC_NAME):
        (ctx.settings.key_dir / name).unlink()
    assert checkpoints.checkpoint(ctx) == 1
    assert _check(ctx).ok  # the database alone is now consistent with the attacker's key
    with ctx.reader() as uow:
        result = checkpoint_verify.verify_witness(uow.session, witnessed)
    assert not result.ok and "checkpoint 1" in result.reason and f"filing {fid}" in result.reason


def test_deleted_checkpoints_leave_the_reports_uncovered_and_verify_fails(platform: tuple[Context, int]) -> None:
    ctx, fid = platform
    with ctx.uow() as uow:
        uow.session.execute(delete(AuditCheckpoint))
        uow.commit()
    result = _check(ctx)
    assert not result.ok and f"filing {fid}" in result.reason and "not covered" in result.reason


def test_a_forged_checkpoint_row_fails_its_signature(platform: tuple[Context, int]) -> None:
    ctx, fid = platform
    new = reseal_and_rechain(ctx.settings.database_url, fid)
    with ctx.uow() as uow:
        row = uow.session.scalars(select(AuditCheckpoint)).one()
        body = json.loads(row.body)
        body["reports"]["added"] = [[fid, new]]
        row.body = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        uow.commit()
    result = _check(ctx)
    assert not result.ok and "checkpoint 1" in result.reason and "signature" in result.reason


def _resubmit(ctx: Context, fid: int) -> None:
    """A CAC officer asks for a supplement; the provider resubmits with one answer changed."""
    accounts.create_user(ctx, accounts.NewUser("hz-cac", PASSWORD, Role.CAC_OFFICER, "hz cac", None, "330100"))
    cac = accounts.login(ctx, "hz-cac", PASSWORD)[1]
    provider = accounts.login(ctx, "hz-admin", PASSWORD)[1]
    review.act(ctx, cac, fid, Action.START_REVIEW)
    review.act(ctx, cac, fid, Action.REQUEST_SUPPLEMENT, "补充材料")
    first = queries.get_filing(ctx, provider, fid).items[0]
    filings.save_answers(ctx, provider, fid, {first: {"status": "met", "reason": "已补充排班表"}})
    review.act(ctx, provider, fid, Action.SUBMIT)


def test_a_witness_copy_from_before_a_resubmission_still_verifies_and_both_versions_are_covered(
    platform: tuple[Context, int],
) -> None:
    ctx, fid = platform
    with ctx.reader() as uow:
        witnessed = checkpoints.export_lines(uow.session, ctx.settings.key_dir)
    _resubmit(ctx, fid)
    result = _check(ctx)
    assert result.ok and result.checkpoints == 2
    with ctx.reader() as uow:
        assert checkpoint_verify.verify_witness(uow.session, witnessed).ok  # a new version is no break
        named = [
            pair
            for line in checkpoints.export_lines(uow.session, ctx.settings.key_dir)
            for pair in json.loads(line)["body"]["reports"]["added"]
        ]
        versions = uow.session.execute(
            select(ReportVersion.filing_id, ReportVersion.digest).order_by(ReportVersion.number)
        ).all()
    assert named == [[fid, d] for _, d in versions] and len(versions) == 2


def test_an_edited_earlier_version_is_found_though_the_latest_report_is_intact(platform: tuple[Context, int]) -> None:
    ctx, fid = platform
    _resubmit(ctx, fid)
    engine = make_engine(ctx.settings.database_url)
    try:
        with engine.begin() as conn:
            first = conn.execute(select(ReportVersion).where(ReportVersion.number == 1)).one()
            report = dict(first.report)
            report["conclusion"] = {**report["conclusion"], "statement": "经评估，全部符合要求。"}
            forged = seal({k: v for k, v in report.items() if k != "seal"})
            conn.execute(
                update(ReportVersion)
                .where(ReportVersion.id == first.id)
                .values(report=forged, digest=forged["seal"]["digest"])
            )
    finally:
        engine.dispose()
    result = _check(ctx)
    assert not result.ok and "checkpoint 1" in result.reason and f"filing {fid}" in result.reason
