"""`redline reminders run`, `redline users set-email` and `redline orgs webhook add` as an operator runs
them (real processes on the demo database); the sending itself is tested in tests/integration/test_reminders.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import load_demo
from redline.services.context import Context
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry, Filing, Organisation, Reminder, User, WebhookEndpoint
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
        filing = uow.session.scalars(
            select(Filing).where(Filing.due_date.is_not(None), Filing.state == "draft").order_by(Filing.due_date)
        ).first()
        assert filing is not None and filing.due_date is not None
        admin = uow.session.scalars(
            select(User).where(User.organisation_id == filing.provider_id, User.role == "provider_admin")
        ).first()
        assert admin is not None
        filing_id, due, username, org = filing.id, filing.due_date, admin.username, filing.provider_id
    assert run(demo, "users", "set-email", username, "admin@example.test").returncode == 0
    hook = run(demo, "orgs", "webhook", "add", str(org), "https://hooks.example.test/hook", "--secret", "s" * 32)
    assert hook.returncode == 0, hook.stderr

    planned = run(demo, "reminders", "run", "--today", due.isoformat(), "--dry-run", "--json")
    assert planned.returncode == 0, planned.stderr
    summary = json.loads(planned.stdout)
    mine = [o for o in summary["outcomes"] if o["filing_id"] == filing_id and o["stage"] == "due"]
    assert {(o["channel"], o["recipient"], o["status"]) for o in mine} >= {
        ("email", "admin@example.test", "planned"),
        ("webhook", "https://hooks.example.test/hook", "planned"),
    }
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
    for inside in (
        "http://127.0.0.1:9/hook",
        "http://[::1]/h",
        "http://2130706433/h",
        "http://169.254.169.254/",
        "http://10.1.2.3/h",
        "http://localhost/h",
    ):
        refused = run(demo, "orgs", "webhook", "add", str(org), inside)
        assert refused.returncode == 2 and "does not send there" in refused.stderr, (inside, refused.stderr)
    with_password = run(demo, "orgs", "webhook", "add", str(org), "https://bob:pa55word@hooks.example.test/h")
    assert with_password.returncode == 2 and "credentials" in with_password.stderr
    assert "pa55word" not in with_password.stderr


def test_webhooks_are_listed_without_secrets_and_removed(demo: Path) -> None:
    with _ctx(demo).reader() as uow:
        org = uow.session.scalar(select(Organisation.id).order_by(Organisation.id))
    added = run(
        demo, "orgs", "webhook", "add", str(org), "https://hooks.example.test/r?token=t0ps3cret", "--secret", "k" * 32
    )
    assert added.returncode == 0, added.stderr
    hook_id = int(added.stdout.split()[1])
    listed = json.loads(run(demo, "orgs", "webhook", "list", str(org), "--json").stdout)
    mine = next(h for h in listed if h["id"] == hook_id)
    assert mine["url"] == "https://hooks.example.test/r?token=[redacted]" and mine["active"] is True
    assert "k" * 32 not in json.dumps(listed)
    assert run(demo, "orgs", "webhook", "remove", str(hook_id)).returncode == 0
    listed = json.loads(run(demo, "orgs", "webhook", "list", str(org), "--json").stdout)
    assert next(h for h in listed if h["id"] == hook_id)["active"] is False
    with _ctx(demo).reader() as uow:
        trail = " ".join(str(e.data) for e in uow.session.scalars(select(AuditEntry)))
    assert "t0ps3cret" not in trail
    assert run(demo, "orgs", "webhook", "remove", "999999").returncode == 2
