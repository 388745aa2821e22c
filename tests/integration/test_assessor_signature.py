"""B11: the assessor's signature covers the answers and the evidence manifest; evidence added after signing
withdraws it, and the report never presents itself as third-party assessed on a withdrawn signature."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.errors import InputError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries, review
from redline.services.principal import Principal
from redline.store.migrate import upgrade

PASSWORD = "correct-horse-42"


@dataclasses.dataclass
class Case:
    ctx: Context
    provider: Principal
    assessor: Principal
    filing_id: int


def _user(ctx: Context, name: str, role: Role, org: int) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def case(database_url: str, tmp_path: Path) -> Iterator[Case]:
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(
        ctx, today=lambda: dt.date(2026, 3, 2), now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    org = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    body = filings.create_organisation(ctx, "assessor", "评估中心（虚构）", "330106")
    provider, assessor = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, org), _user(ctx, "lab", Role.ASSESSOR, body)
    service = filings.add_service(ctx, provider, {"service": {"name": "声浪", "capabilities": ["voice_chat_room"]}})
    fid = filings.record_change(
        ctx,
        provider,
        service,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    filings.invite_assessor(ctx, provider, fid, "lab")
    items = queries.get_filing(ctx, provider, fid).items
    filings.save_answers(ctx, assessor, fid, {i: {"status": "met"} for i in items})
    filings.add_evidence(ctx, provider, fid, items[0], "policy.txt", io.BytesIO("审核制度".encode()))
    yield Case(ctx, provider, assessor, fid)


def test_evidence_added_after_the_assessor_signed_withdraws_the_signature(case: Case) -> None:
    c = case
    filings.sign_conclusion(c.ctx, c.assessor, c.filing_id, "经评估，符合要求。")
    item = queries.get_filing(c.ctx, c.provider, c.filing_id).items[1]
    filings.add_evidence(c.ctx, c.provider, c.filing_id, item, "later.txt", io.BytesIO(b"added after signing"))
    view = queries.get_filing(c.ctx, c.provider, c.filing_id)
    assert view.filing.assessor_signed_at is None  # shown as not signed on the filing page
    assert view.filing.events[-1].action == "signature_withdrawn"
    with pytest.raises(InputError, match="has not signed"):
        review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    filings.sign_conclusion(c.ctx, c.assessor, c.filing_id, "复核新增证据后，符合要求。")
    review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
    report = queries.submitted_report(c.ctx, c.provider, c.filing_id)
    assert report is not None and report["assessment"]["assessor"]["kind"] == "third_party"
    sealed = {e["file"] for m in report["measures"] for i in m["items"] for e in i["evidence"]}
    assert sealed == {"policy.txt", "later.txt"}


def test_a_signature_that_does_not_cover_the_evidence_is_not_presented_as_third_party(case: Case) -> None:
    """Even if a path kept the signing time, the report checks what the signature covered."""
    from sqlalchemy import update

    from redline.store.models import Filing

    c = case
    filings.sign_conclusion(c.ctx, c.assessor, c.filing_id, "经评估，符合要求。")
    with c.ctx.uow() as uow:
        signed_at = uow.session.get(Filing, c.filing_id).assessor_signed_at  # type: ignore[union-attr]
    item = queries.get_filing(c.ctx, c.provider, c.filing_id).items[1]
    filings.add_evidence(c.ctx, c.provider, c.filing_id, item, "later.txt", io.BytesIO(b"added after signing"))
    with c.ctx.uow() as uow:  # the old behaviour: the signing time survives the new evidence
        uow.session.execute(update(Filing).where(Filing.id == c.filing_id).values(assessor_signed_at=signed_at))
        uow.commit()
    with pytest.raises(InputError, match="has not signed"):
        review.act(c.ctx, c.provider, c.filing_id, Action.SUBMIT)
