"""Background jobs and escalations over real HTTP: the report PDF as a job from the filing page, the
job page and its API, who may see a job, and the regulator's escalation list."""

from __future__ import annotations

import dataclasses
import datetime as dt

import httpx
import pytest
from sqlalchemy import select, update

from redline.demo.seed import DEMO_PASSWORD
from redline.services.access import accounts
from redline.services.background import jobs
from redline.services.filing import filings
from redline.services.reminders.reminders import run_reminders
from redline.store.models import Filing, Job, Service, User
from tests.e2e.conftest import Live


def _csrf(page: httpx.Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _drain(live: Live, job_id: int) -> Job:
    """Run what is queued: on PostgreSQL a procrastinate worker until the queue is empty."""
    if jobs.backend(live.ctx) == "procrastinate":
        from redline.services.background import jobs_queue

        jobs_queue.run_worker(live.ctx, wait=False, install_signal_handlers=False)
    return jobs.wait(live.ctx, job_id, 30)


@pytest.fixture(scope="module")
def submitted(live: Live) -> int:
    with live.ctx.reader() as uow:
        filing = uow.session.scalars(
            select(Filing).where(Filing.region.startswith("3301"), Filing.report.is_not(None)).order_by(Filing.id)
        ).first()
        assert filing is not None
        return filing.id


def _user_id(live: Live, username: str) -> int:
    with live.ctx.reader() as uow:
        found = uow.session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


def test_the_filing_page_renders_the_report_pdf_as_a_job_and_offers_the_file(live: Live, submitted: int) -> None:
    client = live.browser_login("hz-admin")
    page = client.get(f"/filings/{submitted}")
    assert f'action="/filings/{submitted}/report-pdf-job"' in page.text
    posted = client.post(f"/filings/{submitted}/report-pdf-job", data={"csrf_token": _csrf(page)})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/jobs/")
    job_id = int(posted.headers["location"].rsplit("/", 1)[1])
    assert _drain(live, job_id).state == "done"
    job_page = client.get(f"/jobs/{job_id}")
    assert job_page.status_code == 200 and 'data-state="done"' in job_page.text
    assert 'http-equiv="refresh"' not in job_page.text and f"report-{submitted}.pdf" in job_page.text
    pdf = client.get(f"/jobs/{job_id}/download")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    api = live.api("hz-admin").get(f"/api/v1/jobs/{job_id}").json()
    assert api["state"] == "done" and api["result"]["filename"] == f"report-{submitted}.pdf"
    assert api["download"] == f"/jobs/{job_id}/download"
    admin = live.api("admin").get(f"/api/v1/jobs/{job_id}")
    assert admin.status_code == 200 and admin.json()["state"] == "done" and admin.json()["result"] is None
    outsider = live.api("sz-admin").get(f"/api/v1/jobs/{job_id}")
    assert outsider.status_code == 404 and outsider.headers["content-type"].startswith("application/problem+json")
    assert live.browser_login("sz-admin").get(f"/jobs/{job_id}").status_code == 404
    admin_page = live.browser_login("admin")
    assert admin_page.get(f"/jobs/{job_id}").status_code == 200
    assert admin_page.get(f"/jobs/{job_id}/download").status_code == 404
    assert live.api("sz-admin").post(f"/api/v1/filings/{submitted}/report-pdf-job").status_code == 404


def test_a_running_job_page_refreshes_itself_and_can_be_cancelled(live: Live) -> None:
    with live.ctx.uow() as uow:
        job = Job(
            kind="reminders",
            args={},
            state="running",
            progress_done=3,
            progress_total=10,
            created_by=_user_id(live, "hz-admin"),
            started_at=live.ctx.now(),
            result={},
        )
        uow.session.add(job)
        uow.commit()
    client = live.browser_login("hz-admin")
    page = client.get(f"/jobs/{job.id}")
    assert '<meta http-equiv="refresh" content="2">' in page.text and '<progress max="10" value="3">' in page.text
    assert "<script" not in page.text
    cancelled = client.post(f"/jobs/{job.id}/cancel", data={"csrf_token": _csrf(page)})
    assert cancelled.status_code == 303
    assert jobs.get_job(live.ctx, job.id).result == {"cancel_requested": True}
    assert client.post(f"/jobs/{job.id}/cancel", data={}).status_code == 403  # no CSRF token, no change
    with live.ctx.uow() as uow:  # the stuck row must not disturb later tests or a worker
        uow.session.execute(update(Job).where(Job.id == job.id).values(state="cancelled"))
        uow.commit()


def test_an_overdue_notice_is_escalated_on_the_regulator_dashboard(live: Live) -> None:
    _, cac = accounts.login(live.ctx, "hz-cac", DEMO_PASSWORD)
    with live.ctx.reader() as uow:
        service_id = uow.session.scalar(
            select(Service.id)
            .join(Filing, Filing.service_id == Service.id)
            .where(Filing.region.startswith("3301"))
            .limit(1)
        )
    assert service_id is not None
    filing_id = filings.notify(live.ctx, cac, service_id, "通知-逾期", "请评估")
    with live.ctx.uow() as uow:
        uow.session.execute(
            update(Filing).where(Filing.id == filing_id).values(due_date=live.ctx.today() - dt.timedelta(days=5))
        )
        uow.commit()
    quiet = dataclasses.replace(live.ctx, settings=live.ctx.settings.model_copy(update={"smtp_port": 9}))
    summary = run_reminders(quiet)  # demo users have no e-mail addresses; the escalation needs none
    assert any(o.filing_id == filing_id and o.channel == "escalation" and o.status == "sent" for o in summary.outcomes)
    page = live.browser_login("hz-cac").get("/regulator/dashboard")
    assert page.status_code == 200 and f'data-filing="{filing_id}"' in page.text
    other = live.browser_login("sz-cac").get("/regulator/dashboard")
    assert other.status_code == 200 and f'data-filing="{filing_id}"' not in other.text
