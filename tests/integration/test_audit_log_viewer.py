"""Reading the audit log through its use case, on a real database (SQLite, and PostgreSQL when set): search
by actor, action, object and day, pages, the chain check as it is now (an entry edited behind the platform's
back shows at once), the CSV of a page, and nobody but an administrator."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Role
from redline.errors import InputError, PermissionDeniedError
from redline.services import audit_log
from redline.services.access import accounts, organisations
from redline.services.audit_log import AuditFilter
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.db import make_engine
from redline.store.migrate import upgrade

PASSWORD = "a-long-audit-phrase-3"
DAY1 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY2 = dt.datetime(2026, 3, 3, 23, 59, tzinfo=dt.UTC)
FORMULA = "=HYPERLINK(1)"


@dataclasses.dataclass
class Log:
    ctx: Context
    url: str
    admin: Principal


@pytest.fixture
def log(database_url: str, tmp_path: Path) -> Iterator[Log]:
    """An administrator and an organisation made on one day; sixty organisations the next, by an actor whose
    name a spreadsheet would run as a formula."""
    upgrade(database_url)
    base = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    day1 = dataclasses.replace(base, now=lambda: DAY1)
    accounts.create_user(day1, accounts.NewUser("root", PASSWORD, Role.PLATFORM_ADMIN, "管理员"), actor="cli")
    admin = accounts.login(day1, "root", PASSWORD)[1]
    organisations.create_organisation(day1, "provider", "杭州声浪（虚构）", "330106", actor="cli")
    day2 = dataclasses.replace(base, now=lambda: DAY2)
    for n in range(60):
        organisations.create_organisation(day2, "provider", f"供应商{n}（虚构）", "330106", actor=FORMULA)
    yield Log(base, database_url, admin)


def test_the_search_finds_by_actor_action_object_and_day(log: Log) -> None:
    ctx, admin = log.ctx, log.admin

    def count(**f: object) -> int:
        return audit_log.search(ctx, admin, AuditFilter(**f)).total  # type: ignore[arg-type]

    assert count() == 63  # one account, one login, 61 organisations
    assert count(actor="CLI") == 2
    assert count(action="user.") == 2 and count(action="user.login") == 1
    assert count(action="organisation.create", actor="=hyperlink") == 60
    assert count(subject_kind="organisation", subject_id="1") == 1
    assert count(subject_kind="user") == 2
    assert count(since=DAY1.date(), until=DAY1.date()) == 3
    assert count(since=DAY2.date()) == 60
    assert count(actor="%") == 0  # wildcards are letters here
    with pytest.raises(InputError):
        count(since=DAY2.date(), until=DAY1.date())
    with pytest.raises(InputError):
        count(subject_id="1")


def test_entries_come_newest_first_a_page_at_a_time(log: Log) -> None:
    first = audit_log.search(log.ctx, log.admin, AuditFilter())
    second = audit_log.search(log.ctx, log.admin, AuditFilter(page=2))
    assert (first.pages, len(first.rows), len(second.rows)) == (2, audit_log.PAGE_SIZE, 13)
    seqs = [r.seq for r in first.rows + second.rows]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 63


def test_a_page_read_again_shows_what_it_showed_though_entries_were_added(log: Log) -> None:
    shown = audit_log.search(log.ctx, log.admin, AuditFilter(page=2))
    organisations.create_organisation(log.ctx, "provider", "后来的（虚构）", "330106", actor="cli")
    again = audit_log.search(log.ctx, log.admin, AuditFilter(page=2, upto=shown.upto))
    assert again == shown
    assert audit_log.search(log.ctx, log.admin, AuditFilter(page=2)).rows != shown.rows  # a new search moves on


def test_the_chain_check_sees_an_entry_edited_in_the_database_at_once(log: Log) -> None:
    assert audit_log.chain_status(log.ctx, log.admin).ok
    engine = make_engine(log.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 5"))
    engine.dispose()
    status = audit_log.chain_status(log.ctx, log.admin)
    assert not status.ok and status.first_broken == 5 and "edited" in status.reason


def test_the_csv_holds_the_page_shown_in_words_and_no_formula_runs(log: Log) -> None:
    page = audit_log.search(log.ctx, log.admin, AuditFilter(actor=FORMULA, page=2))
    rows = list(csv.reader(io.StringIO(audit_log.to_csv(page, "zh-CN").lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["序号", "时间（UTC）", "操作人", "操作"]
    assert [int(r[0]) for r in body] == [r.seq for r in page.rows] and len(body) == 10
    assert {r[2] for r in body} == {"'" + FORMULA}  # a spreadsheet shows the name, never runs it
    assert {r[3] for r in body} >= {"创建机构"}
    everything = audit_log.search(log.ctx, log.admin, AuditFilter(page=2))
    english = list(csv.reader(io.StringIO(audit_log.to_csv(everything, "en").lstrip("\ufeff"))))
    assert english[-1][3] == "Account created" and english[-1][5] == "Account 1"


def test_only_an_administrator_reads_the_log(log: Log) -> None:
    ctx = log.ctx
    hz = organisations.create_organisation(ctx, "provider", "另一家（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("hz-admin", PASSWORD, Role.PROVIDER_ADMIN, "王岚", hz))
    accounts.create_user(ctx, accounts.NewUser("zj-cac", PASSWORD, Role.CAC_OFFICER, "浙江省网信办", None, "330000"))
    for name in ("hz-admin", "zj-cac"):
        someone = accounts.principal_named(ctx, name)
        with pytest.raises(PermissionDeniedError):
            audit_log.search(ctx, someone, AuditFilter())
        with pytest.raises(PermissionDeniedError):
            audit_log.chain_status(ctx, someone)
