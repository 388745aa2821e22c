"""`redline reminders run`, `redline users set-email` and `redline orgs webhook add` as an operator runs
them (real processes on the demo database); the sending itself is tested in tests/integration/test_reminders.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.services.context import Context
from redline.services.demo import load_demo
from redline.store.migrate import upgrade
from redline.store.models import Filing, Organisation, Reminder, User, WebhookEndpoint
from tests.e2e.test_platform_cli import run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("reminders-cli")
    url = f"sqlite:///{tmp / 'redline.db'}"
    upgrade(url)
    load_demo(build_context(Settings(database_url=url, blob_dir=tmp / "blobs")))
    return tmp


def _ctx(tmp: Path) -> Context:
    return build_context(Settings(database_url=f"sqlite:///{tmp / 'redline.db'}", blob_dir=tmp / "blobs"))


def test_a_dry_run_plans_the_reminders_of_a_due_date_and_records_nothing(demo: Path) -> None:
    ctx = _ctx(demo)
    with ctx.reader() as uow:
        filing = uow.session.scalars(select(Filing).where(Filing.due_date.is_not(None), Filing.state == "draft")
                                     .order_by(Filing.due_date)).first()
        assert filing is not None and filing.due_date is not None
        admin = uow.session.scalars(select(User).where(User.organisation_id == filing.provider_id,
                                                      User.role == "provider_admin")).first()
        assert admin is not None
        filing_id, due, username, org = filing.id, filing.due_date, admin.username, filing.provider_id
    assert run(demo, "users", "set-email", username, "admin@example.test").returncode == 0
    hook = run(demo, "orgs", "webhook", "add", str(org), "http://127.0.0.1:9/hook", "--secret", "s" * 32)
    assert hook.returncode == 0, hook.stderr

    planned = run(demo, "reminders", "run", "--today", due.isoformat(), "--dry-run", "--json")
    assert planned.returncode == 0, planned.stderr
    summary = json.loads(planned.stdout)
    mine = [o for o in summary["outcomes"] if o["filing_id"] == filing_id and o["stage"] == "due"]
    assert {(o["channel"], o["recipient"], o["status"]) for o in mine} >= {
        ("email", "admin@example.test", "planned"), ("webhook", "http://127.0.0.1:9/hook", "planned")}
    assert summary["planned"] == len(summary["outcomes"]) and summary["sent"] == 0
    with ctx.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Reminder)) == 0
        endpoint = uow.session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.organisation_id == org))
        assert endpoint is not None and endpoint.secret == "s" * 32


def test_bad_dates_accounts_and_addresses_exit_2_naming_them(demo: Path) -> None:
    bad_day = run(demo, "reminders", "run", "--today", "2026-13-01")
    assert bad_day.returncode == 2 and "--today" in bad_day.stderr and "Traceback" not in bad_day.stderr
    nobody = run(demo, "users", "set-email", "nobody", "x@example.test")
    assert nobody.returncode == 2 and "nobody" in nobody.stderr
    with _ctx(demo).reader() as uow:
        org = uow.session.scalar(select(Organisation.id).order_by(Organisation.id))
    bad_url = run(demo, "orgs", "webhook", "add", str(org), "ftp://example.test/x")
    assert bad_url.returncode == 2 and "Traceback" not in bad_url.stderr
