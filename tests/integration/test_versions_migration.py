"""Migration 0012 on a database that already has filings: the single sealed report becomes version 1 (the
checkpoints still cover it), a supplement's due date that had overwritten the filing's moves to its own row,
and the statutory due date comes back. On SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.services import audit
from redline.services.access import accounts
from redline.services.filing import filings, queries, review
from redline.services.records import checkpoint_verify
from redline.store.db import make_engine
from redline.store.migrate import downgrade, upgrade
from redline.store.models import Base, Filing, FollowUpDeadline, ReportVersion
from redline.store.models.base import on_dialect

PASSWORD = "correct-horse-42"


def test_an_existing_report_becomes_version_1_and_the_supplement_date_moves_off_the_filing(
    database_url: str, tmp_path: Path
) -> None:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(
        ctx, today=lambda: dt.date(2026, 3, 2), now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("hz-admin", PASSWORD, Role.PROVIDER_ADMIN, "hz", org))
    accounts.create_user(ctx, accounts.NewUser("hz-cac", PASSWORD, Role.CAC_OFFICER, "cac", None, "330100"))
    provider, cac = accounts.login(ctx, "hz-admin", PASSWORD)[1], accounts.login(ctx, "hz-cac", PASSWORD)[1]
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
    review.act(ctx, cac, fid, Action.START_REVIEW)
    review.act(ctx, cac, fid, Action.REQUEST_SUPPLEMENT, "补充", {"due": dt.date(2026, 3, 13)})

    downgrade(database_url, "0006")  # the schema before versions: one report, one due date, as reported
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            (due, digest) = conn.execute(select(Filing.due_date, Filing.report_digest)).one()
        assert due == dt.date(2026, 3, 13)  # the supplement's date had replaced the statutory one

        upgrade(database_url)
        with engine.connect() as conn:
            versions = conn.execute(select(ReportVersion.filing_id, ReportVersion.number, ReportVersion.digest)).all()
            follow_ups = conn.execute(
                select(FollowUpDeadline.kind, FollowUpDeadline.due, FollowUpDeadline.met_at)
            ).all()
            statutory = conn.scalar(select(Filing.due_date))
            context = MigrationContext.configure(conn, opts={"include_object": on_dialect(conn.dialect.name)})
            drift = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert versions == [(fid, 1, digest)]
    assert follow_ups == [("supplement", dt.date(2026, 3, 13), None)]
    assert statutory == dt.date(2026, 4, 1)
    assert drift == []  # the models say what the migration made
    with ctx.reader() as uow:
        assert audit.verify(uow.session).ok
        assert checkpoint_verify.verify(uow.session, ctx.settings.key_dir).ok  # version 1 is still covered
    assert [(d.kind.value, d.due) for d in queries.get_filing(ctx, provider, fid).deadlines] == [
        ("statutory", dt.date(2026, 4, 1)),
        ("supplement", dt.date(2026, 3, 13)),
    ]
