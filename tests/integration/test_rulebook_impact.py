"""After a rulebook upgrade (built in a temporary directory from the real data: an article renumbered, a
trigger's deadline changed, a checklist item added), the impact list names the right services and filings,
within each regulator's jurisdiction exactly as the queue, and a notice issued from it is a frozen document
naming the changes. On SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.errors import NotFoundError, PermissionDeniedError
from redline.rulebook.loader import load_rulebook
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, issued_documents, queries, review
from redline.services.principal import Principal
from redline.services.rulebook_impact.impact import impact, predating
from redline.services.rulebook_impact.notices import issue_notices
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry, Filing, RulebookVersion
from tests.rulebook_changes import DEADLINE_TRIGGER, NEW_ITEM, changed_rulebook

PASSWORD = "correct-horse-42"
VOICE = {"service": {"name": "声浪", "capabilities": ["voice_chat_room", "group_chat"]}}
FORUM = {"service": {"name": "拾光论坛", "capabilities": ["forum", "group_chat"]}}


@dataclasses.dataclass
class World:
    ctx: Context
    upgraded: Context
    provider: Principal
    cac: Principal
    sz_provider: Principal
    sz_cac: Principal
    voice: int
    forum: int
    sz_service: int
    accepted: int = 0
    growth: int = 0
    sz_filing: int = 0


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


def _submit(ctx: Context, provider: Principal, regulator: Principal, service: int, change: dict[str, object]) -> int:
    fid = filings.record_change(ctx, provider, service, change)
    items = queries.get_filing(ctx, provider, fid).items
    filings.save_answers(ctx, provider, fid, {i: {"status": "met"} for i in items})
    review.act(ctx, provider, fid, Action.SUBMIT)
    review.act(ctx, regulator, fid, Action.START_REVIEW)
    return fid


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(database_url)
    today = dt.date(2026, 3, 2)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(ctx, today=lambda: today, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    hz = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    sz = filings.create_organisation(ctx, "provider", "深圳拾光（虚构）", "440305")
    provider = _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, hz)
    sz_provider = _user(ctx, "sz-admin", Role.PROVIDER_ADMIN, sz)
    w = World(
        ctx,
        dataclasses.replace(ctx, book=load_rulebook(changed_rulebook(tmp_path))),
        provider,
        _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100"),
        sz_provider,
        _user(ctx, "sz-cac", Role.CAC_OFFICER, juris="440300"),
        filings.add_service(ctx, provider, VOICE),
        filings.add_service(ctx, provider, FORUM),
        filings.add_service(ctx, sz_provider, VOICE),
    )
    launch = {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]}
    w.accepted = _submit(ctx, provider, w.cac, w.voice, launch)
    mps = _user(ctx, "hz-mps", Role.MPS_OFFICER, juris="330100")
    review.act(ctx, mps, w.accepted, Action.START_REVIEW)
    for officer in (w.cac, mps):
        review.act(ctx, officer, w.accepted, Action.ACCEPT, "审查通过")
    growth = {"kind": "user_growth", "date": "2026-02-20", "mau_before": 200000, "mau_after": 2000000}
    w.growth = _submit(ctx, provider, w.cac, w.forum, growth)
    w.sz_filing = _submit(ctx, sz_provider, w.sz_cac, w.sz_service, launch)
    yield w


def _filings(w: World, p: Principal, ctx: Context | None = None) -> dict[int, dict[str, set[str]]]:
    """filing -> what follows -> the kinds of change that touch it."""
    found: dict[int, dict[str, set[str]]] = {}
    for service in impact(ctx or w.upgraded, p).services:
        for filing in service.filings:
            by_follows = found.setdefault(filing.filing_id, {})
            for reason in filing.reasons:
                by_follows.setdefault(reason.follows, set()).add(reason.kind)
    return found


def test_every_filing_records_the_rulebook_it_was_made_under_and_the_installation_keeps_it(world: World) -> None:
    w = world
    with w.ctx.reader() as uow:
        versions = set(uow.session.scalars(select(Filing.rulebook_version)))
        kept = list(uow.session.scalars(select(RulebookVersion)))
    assert versions == {w.ctx.book.version}
    assert [(k.digest, k.label, k.dated) for k in kept] == [(w.ctx.book.version, w.ctx.book.label, w.ctx.book.dated)]


def test_nothing_is_touched_while_the_rulebook_is_the_one_the_filings_were_made_under(world: World) -> None:
    result = impact(world.ctx, world.cac)
    assert (result.services, result.examined, result.unknown) == ([], 0, 0)


def test_the_impact_list_names_each_touched_filing_why_and_what_follows(world: World) -> None:
    w = world
    found = _filings(w, w.cac)
    assert set(found) == {w.accepted, w.growth}  # never the Shenzhen filing
    # the added question was never answered: re-assess; Art. 3 renumbered: cited by its old number, nothing to do
    assert "item_added" in found[w.accepted]["reassess"]
    assert {"article_renumbered", "trigger_quotes"} <= found[w.accepted]["nothing"]
    assert "trigger_deadline" not in str(found[w.accepted])
    assert "trigger_deadline" in found[w.growth]["reassess"]
    result = impact(w.upgraded, w.cac)
    by_service = {s.service_id: s for s in result.services}
    assert set(by_service) == {w.voice, w.forum} and all(s.follows == "reassess" for s in result.services)
    growth = by_service[w.forum].filings[0]
    deadline = next(r for r in growth.reasons if r.kind == "trigger_deadline")
    assert deadline.subject == DEADLINE_TRIGGER and "30 个工作日内 → 20 个工作日内" in deadline.text_zh
    assert growth.rulebook == w.ctx.book.release()
    assert result.upgrades[0].old == w.ctx.book.release() and result.upgrades[0].new == w.upgraded.book.release()


def test_each_regulator_sees_only_its_jurisdiction_and_a_provider_only_its_own(world: World) -> None:
    w = world
    assert set(_filings(w, w.sz_cac)) == {w.sz_filing}
    assert set(_filings(w, w.provider)) == {w.accepted, w.growth}
    assert set(_filings(w, w.sz_provider)) == {w.sz_filing}


def test_a_provider_sees_which_accepted_filings_predate_which_changes(world: World) -> None:
    w = world
    result = predating(w.upgraded, w.provider)
    ((service,),) = [result.services]
    assert service.service_id == w.voice and [f.filing_id for f in service.filings] == [w.accepted]
    assert any(r.subject == NEW_ITEM for r in service.filings[0].reasons)


def test_a_notice_issued_from_the_impact_list_is_a_frozen_document_naming_the_changes(world: World) -> None:
    w = world
    done = issue_notices(w.upgraded, w.cac, [w.voice, w.forum], "规则变更 2027.1", dt.date(2026, 4, 30))
    assert len(done.filing_ids) == 2 and len(set(done.references)) == 2
    documents = issued_documents.list_documents(w.upgraded, w.provider)
    notices = [d for d in documents if d.filing_id in done.filing_ids]
    assert len(notices) == 2
    text = "\n".join("\n".join(d.content["opinion"]) for d in notices)
    assert "新增检查项" in text and "是否每年组织一次安全事件应急演练" in text
    assert "期限变化" in text and f"#{w.growth}" in text and f"#{w.accepted}" in text
    # the new filings are made under the upgraded rulebook: they are not themselves touched
    assert not set(done.filing_ids) & set(_filings(w, w.cac))
    with w.ctx.reader() as uow:
        actions = list(
            uow.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "rules.impact.notices"))
        )
    assert actions == ["rules.impact.notices"]


def test_a_notice_for_a_service_out_of_reach_or_untouched_is_not_found_and_nothing_is_issued(world: World) -> None:
    w = world
    for p, ids in ((w.sz_cac, [w.sz_service, w.voice]), (w.cac, [w.voice, w.sz_service])):
        with pytest.raises(NotFoundError):
            issue_notices(w.upgraded, p, ids, "规则变更")
    with pytest.raises(NotFoundError):
        issue_notices(w.ctx, w.cac, [w.voice], "规则变更")  # no change of rulebook: nothing touched
    with pytest.raises(PermissionDeniedError):
        issue_notices(w.upgraded, w.provider, [w.voice], "规则变更")
    assert issued_documents.list_documents(w.upgraded, w.provider) == issued_documents.list_documents(w.ctx, w.provider)
    assert not [d for d in issued_documents.list_documents(w.ctx, w.cac) if d.kind == "notice"]
