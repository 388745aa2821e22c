"""Real HTTP against a live server with the demo data: access by role x route x jurisdiction,
problem JSON, security headers, CSRF and cookies."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from redline.demo.seed import DEMO_PASSWORD
from redline.services.access import accounts
from redline.services.background import jobs
from redline.store.models import ApiToken, Campaign, Evidence, Filing, IssuedDocument, Service, Summons, User
from redline.web import api, api_documents, api_review, api_versions
from tests.e2e.conftest import Live

USERS = [
    "hz-admin",
    "hz-member",
    "nb-admin",
    "sz-admin",
    "bj-admin",
    "sh-admin",
    "hz-cac",
    "hz-mps",
    "zj-cac",
    "sz-cac",
    "sz-mps",
    "bj-cac",
    "assessor",
    "admin",
]
HZ_INSIDERS = {"hz-admin", "hz-member", "hz-cac", "hz-mps", "zj-cac"}
HZ_PROVIDER = {"hz-admin", "hz-member"}


@dataclasses.dataclass(frozen=True)
class Targets:
    filing: int  # submitted 杭州 filing, with report and evidence
    draft: int  # 杭州 draft: the provider's own business
    sha: str
    summons: int
    service: int
    job: int = 0  # hz-admin's finished report-PDF job
    campaign: int = 0  # the demo's 杭州 patrol campaign (hz-cac's)
    document: int = 0  # a document issued in `filing`
    account: int = 0  # hz-admin's account
    organisation: int = 0  # the provider of `filing`


@pytest.fixture(scope="module")
def targets(live: Live) -> Targets:
    with live.ctx.uow() as uow:
        s = uow.session
        filing = s.scalars(
            select(Filing).where(Filing.region.startswith("3301"), Filing.report.is_not(None)).order_by(Filing.id)
        ).first()
        draft = s.scalars(select(Filing).where(Filing.region.startswith("3301"), Filing.state == "draft")).first()
        assert filing is not None and draft is not None
        sha = s.scalars(select(Evidence.sha256).where(Evidence.filing_id == filing.id)).first()
        summons = s.scalars(select(Summons.id).where(Summons.region.startswith("3301"))).first()
        service = s.scalars(select(Service.id).where(Service.provider_id == filing.provider_id)).first()
        assert sha and summons and service
        hz_admin = s.scalars(select(User).where(User.username == "hz-admin")).one()
    job = jobs.submit(
        live.ctx,
        "pdf_report",
        {"filing_id": filing.id, "lang": "zh-CN", "user_id": hz_admin.id},
        created_by=hz_admin.id,
    )
    jobs.execute(live.ctx, job)  # runs it here unless the inline runner already has
    assert jobs.wait(live.ctx, job, 30).state == "done"
    with live.ctx.reader() as uow:
        campaign = uow.session.scalars(select(Campaign.id).where(Campaign.region == "330100")).first()
        document = uow.session.scalars(
            select(IssuedDocument.id).where(IssuedDocument.filing_id == filing.id).order_by(IssuedDocument.id)
        ).first()
    assert campaign is not None and document is not None
    return Targets(filing.id, draft.id, sha, summons, service, job, campaign, document, hz_admin.id, filing.provider_id)


READS = [
    ("GET", "/api/v1/filings/{filing}", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{filing}/report", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{filing}/package", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{filing}/versions", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{filing}/versions/1", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{filing}/versions/diff?before=1&after=1", HZ_INSIDERS),
    ("GET", "/api/v1/evidence/{sha}", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{draft}", HZ_PROVIDER),
    ("GET", "/api/v1/summonses/{summons}", HZ_INSIDERS),
    ("GET", "/api/v1/documents/{document}", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{filing}/documents", HZ_INSIDERS),
    ("GET", "/api/v1/filings/{filing}/receipts", HZ_INSIDERS),
]


def _path(template: str, t: Targets) -> str:
    return template.format(**dataclasses.asdict(t))


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("method", "template", "insiders"), READS)
def test_reading_by_id_is_allowed_inside_and_looks_absent_outside(
    live: Live, targets: Targets, user: str, method: str, template: str, insiders: set[str]
) -> None:
    response = live.api(user).request(method, _path(template, targets))
    if user in insiders:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"


WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/api/v1/filings/{filing}/actions/start_review", {"note": ""}),
    ("POST", "/api/v1/filings/{filing}/comments", {"item_id": "x", "text": "t"}),
    ("POST", "/api/v1/filings/{filing}/rectification/1", {"response": "r"}),
    ("POST", "/api/v1/filings/{filing}/assessor", {"username": "assessor"}),
    ("POST", "/api/v1/filings/{filing}/sign", {"statement": "s"}),
    ("PUT", "/api/v1/filings/{filing}/answers", {"answers": {}}),
]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("method", "template", "body"), WRITES)
def test_acting_on_a_filing_outside_ones_reach_is_not_found_and_inside_is_refused_cleanly(
    live: Live, targets: Targets, user: str, method: str, template: str, body: dict[str, Any]
) -> None:
    response = live.api(user).request(method, _path(template, targets), json=body)
    assert response.headers["content-type"] == "application/problem+json", response.text
    if user in HZ_INSIDERS:  # the filing is past these steps: a clear refusal, never a change
        assert response.status_code in (403, 409, 422), response.text
    else:
        assert response.status_code == 404, response.text


@pytest.mark.parametrize("user", USERS)
def test_lists_never_leak_another_jurisdiction(live: Live, user: str) -> None:
    me = live.api(user).get("/api/v1/me").json()
    items = live.api(user).get("/api/v1/filings", params={"limit": 200}).json()["items"]
    summonses = live.api(user).get("/api/v1/summonses").json()
    if me["jurisdiction"]:
        prefix = re.sub(r"(00)+$", "", me["jurisdiction"])
        assert items and all(f["region"].startswith(prefix) for f in items)
        assert all(f["state"] != "draft" or f["submitted_at"] for f in items)
    elif me["organisation_id"] and me["role"].startswith("provider"):
        assert items and {f["provider_id"] for f in items} == {me["organisation_id"]}
        assert {s["provider_id"] for s in summonses} <= {me["organisation_id"]}
    elif me["role"] == "assessor":
        assert items
        for f in items:
            assert live.api(user).get(f"/api/v1/filings/{f['id']}").json()["assessor_id"] is not None
    else:
        assert items == [] and summonses == []


@pytest.mark.parametrize(
    ("user", "expected"),
    [("hz-cac", 201), ("zj-cac", 201), ("sz-cac", 404), ("hz-admin", 403), ("assessor", 403), ("admin", 403)],
)
def test_only_a_regulator_over_the_provider_may_issue_a_written_notice(
    live: Live, targets: Targets, user: str, expected: int
) -> None:
    response = live.api(user).post(
        "/api/v1/notices", json={"service_id": targets.service, "reference": "x", "note": "test"}
    )
    assert response.status_code == expected, response.text


@pytest.mark.parametrize("user", USERS)
def test_only_the_platform_admin_verifies_the_audit_chain(live: Live, user: str) -> None:
    response = live.api(user).get("/api/v1/audit/verify")
    if user == "admin":
        assert response.status_code == 200 and response.json()["ok"] is True
    else:
        assert response.status_code == 403


def test_every_api_route_needs_a_token_except_health(live: Live) -> None:
    anonymous = live.api(None)
    checked = 0
    for route in [
        *api.router.routes,
        *api_review.router.routes,
        *api_documents.router.routes,
        *api_versions.router.routes,
    ]:
        path = getattr(route, "path", "")
        if not path.startswith("/api/v1") or path.endswith("openapi.json"):
            continue
        for method in getattr(route, "methods", set()) - {"HEAD"}:
            concrete = re.sub(r"\{[^}]+\}", "1", path).replace("/actions/1", "/actions/submit")
            response = anonymous.request(method, concrete, json={})
            checked += 1
            if path == "/api/v1/health":
                assert response.status_code == 200
            else:
                assert response.status_code == 401, (method, path, response.text)
                assert response.json()["status"] == 401
    assert checked >= 20
    assert live.api(None).get("/api/v1/me", headers={"Authorization": "Bearer rl_forged"}).status_code == 401


def test_errors_are_problem_json_naming_the_field(live: Live) -> None:
    response = live.api("hz-admin").post("/api/v1/filings", json={"service_id": 1, "change": {"kind": "launch"}})
    assert response.status_code in (404, 422)
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    bad = live.api("hz-admin").post("/api/v1/filings", json={"service_id": "x"})
    assert bad.status_code == 422 and "service_id" in bad.json()["detail"]


def test_the_openapi_document_describes_the_api(live: Live) -> None:
    spec = httpx.get(live.url + "/api/v1/openapi.json").json()
    assert "/api/v1/filings/{filing_id}/actions/{action}" in spec["paths"]


def test_pages_send_security_headers_and_safe_cookies(live: Live) -> None:
    response = httpx.get(live.url + "/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_a_form_post_without_the_csrf_token_is_refused(live: Live) -> None:
    client = live.browser_login("hz-cac")
    response = client.post("/logout", data={})
    assert response.status_code == 403
    assert client.get("/regulator").status_code == 200  # still logged in


def test_login_sets_a_new_httponly_session_and_logout_ends_it(live: Live) -> None:
    client = live.browser_login("hz-admin")
    session_cookie = client.cookies.get("redline_session")
    assert session_cookie
    page = client.get("/provider")
    assert page.status_code == 200
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    reused = httpx.get(live.url + "/provider", cookies={"redline_session": session_cookie})
    assert reused.status_code == 303 and reused.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("user", "status"), [("hz-cac", 200), ("zj-cac", 200), ("sz-cac", 404), ("sz-admin", 404), ("hz-member", 200)]
)
def test_filing_pages_follow_the_same_rule(live: Live, targets: Targets, user: str, status: int) -> None:
    client = live.browser_login(user)
    assert client.get(f"/filings/{targets.filing}").status_code == status
    assert client.get(f"/evidence/{targets.sha}").status_code == status


def test_pages_render_in_both_languages(live: Live) -> None:
    client = live.browser_login("hz-cac")
    zh = client.get("/regulator").text
    assert "本辖区案件" in zh
    client.get("/lang/en?next=/regulator")
    en = client.get("/regulator").text
    assert "Filings in my jurisdiction" in en
    dash = client.get("/regulator/dashboard")
    assert dash.status_code == 200 and dash.text.count("<svg") == 4


def test_a_write_is_seen_at_once_by_the_next_list(live: Live) -> None:
    """Lists are served from a cache stamped with the data version; a change must show at once."""
    provider = live.api("hz-admin")
    before = {f["id"]: f["state"] for f in provider.get("/api/v1/filings", params={"limit": 200}).json()["items"]}
    notice = next(fid for fid, state in before.items() if state == "notice_issued")
    moved = provider.post(f"/api/v1/filings/{notice}/actions/start", json={"note": "收到通知，开始评估"})
    assert moved.status_code == 200 and moved.json()["state"] == "draft"
    after = {f["id"]: f["state"] for f in provider.get("/api/v1/filings", params={"limit": 200}).json()["items"]}
    assert after[notice] == "draft"
    assert {k: v for k, v in after.items() if k != notice} == {k: v for k, v in before.items() if k != notice}


def test_a_revoked_token_stops_working_at_once(live: Live) -> None:
    _, principal = accounts.login(live.ctx, "sz-mps", DEMO_PASSWORD)
    token = accounts.create_api_token(live.ctx, principal, "short-lived")
    client = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/filings").status_code == 200
    with live.ctx.uow() as uow:
        token_id = max(uow.session.scalars(select(ApiToken.id).where(ApiToken.user_id == principal.user_id)))
    accounts.revoke_api_token(live.ctx, principal, token_id)
    assert client.get("/api/v1/filings").status_code == 401


PROVIDERS = {"hz-admin", "hz-member", "nb-admin", "sz-admin", "bj-admin", "sh-admin"}
REGULATORS = {"hz-cac", "hz-mps", "zj-cac", "sz-cac", "sz-mps", "bj-cac"}
EVERYONE = set(USERS)
PAGES: dict[str, tuple[str, set[str], int]] = {
    # route: (concrete path, who gets 200, what everybody else gets)
    "/": ("/", set(), 303),
    "/provider": ("/provider", PROVIDERS, 403),
    "/assessor": ("/assessor", {"assessor"}, 403),
    "/regulator": ("/regulator", REGULATORS, 403),
    "/regulator/dashboard": ("/regulator/dashboard", REGULATORS, 403),
    "/regulator/export.csv": ("/regulator/export.csv", REGULATORS, 403),
    "/regulator/export.xlsx": ("/regulator/export.xlsx", REGULATORS, 403),
    "/notices/new": ("/notices/new", REGULATORS, 403),
    "/regulator/impact": ("/regulator/impact", REGULATORS, 403),
    "/summonses": ("/summonses", EVERYONE, 0),
    "/rectifications": ("/rectifications", EVERYONE, 0),
    "/account": ("/account", EVERYONE, 0),
    "/filings/{filing_id}": ("/filings/{filing}", HZ_INSIDERS, 404),
    "/filings/{filing_id}/report": ("/filings/{filing}/report", HZ_INSIDERS, 404),
    "/filings/{filing_id}/report.json": ("/filings/{filing}/report.json", HZ_INSIDERS, 404),
    "/filings/{filing_id}/package.zip": ("/filings/{filing}/package.zip", HZ_INSIDERS, 404),
    "/filings/{filing_id}/report.pdf": ("/filings/{filing}/report.pdf", HZ_INSIDERS, 404),
    "/filings/{filing_id}/versions": ("/filings/{filing}/versions", HZ_INSIDERS, 404),
    "/filings/{filing_id}/versions/{number}/report": ("/filings/{filing}/versions/1/report", HZ_INSIDERS, 404),
    "/filings/{filing_id}/versions/{number}/report.json": (
        "/filings/{filing}/versions/1/report.json",
        HZ_INSIDERS,
        404,
    ),
    "/filings/{filing_id}/versions/{number}/package.zip": (
        "/filings/{filing}/versions/1/package.zip",
        HZ_INSIDERS,
        404,
    ),
    "/filings/{filing_id}/review.pdf": ("/filings/{filing}/review.pdf", HZ_INSIDERS, 404),
    "/filings/{filing_id}/rectification.pdf": ("/filings/{filing}/rectification.pdf", HZ_INSIDERS, 404),
    "/summonses/{summons_id}.pdf": ("/summonses/{summons}.pdf", HZ_INSIDERS, 404),
    "/documents/{document_id}.pdf": ("/documents/{document}.pdf", HZ_INSIDERS, 404),
    "/evidence/{sha256}": ("/evidence/{sha}", HZ_INSIDERS, 404),
    "/evidence/{sha256}/view": ("/evidence/{sha}/view", HZ_INSIDERS, 404),
    "/summonses/{summons_id}": ("/summonses/{summons}", HZ_INSIDERS, 404),
    "/lang/{code}": ("/lang/en?next=/", set(), 303),
    "/login": ("/login", EVERYONE, 0),
    "/jobs/{job_id}": ("/jobs/{job}", {"hz-admin", "admin"}, 404),
    "/jobs/{job_id}/download": ("/jobs/{job}/download", {"hz-admin"}, 404),
    "/campaigns": ("/campaigns", PROVIDERS | REGULATORS, 403),
    "/campaigns/{campaign_id}": ("/campaigns/{campaign}", HZ_INSIDERS, 404),
    "/account/new-password": ("/account/new-password", set(), 303),  # only for a password an admin set
    "/admin": ("/admin", {"admin"}, 403),
    "/admin/users": ("/admin/users", {"admin"}, 403),
    "/admin/users/{user_id}": ("/admin/users/{account}", {"admin"}, 403),
    "/admin/organisations": ("/admin/organisations", {"admin"}, 403),
    "/admin/organisations/{org_id}": ("/admin/organisations/{organisation}", {"admin"}, 403),
    "/admin/audit": ("/admin/audit", {"admin"}, 403),
    "/admin/audit.csv": ("/admin/audit.csv", {"admin"}, 403),
}


def test_the_page_table_names_every_page_route() -> None:
    from redline.web import (
        pages,
        pages_account,
        pages_admin,
        pages_admin_users,
        pages_audit,
        pages_campaigns,
        pages_jobs,
        pages_queue,
        pages_regulator,
        pages_rules,
        pages_versions,
    )

    routers = (
        pages_admin.router,
        pages_admin_users.router,
        pages_audit.router,
        pages.router,
        pages_regulator.router,
        pages_rules.router,
        pages_queue.router,
        pages_jobs.router,
        pages_campaigns.router,
        pages_account.router,
        pages_versions.router,
    )
    routes = {r.path for router in routers for r in router.routes if "GET" in getattr(r, "methods", set())}
    assert routes == set(PAGES)


@pytest.fixture(scope="module")
def sessions(live: Live) -> dict[str, httpx.Client]:
    return {user: live.browser_login(user) for user in USERS}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("route", sorted(PAGES))
def test_every_page_by_role_and_jurisdiction(
    sessions: dict[str, httpx.Client], targets: Targets, user: str, route: str
) -> None:
    template, allowed, otherwise = PAGES[route]
    response = sessions[user].get(_path(template, targets))
    inside = 422 if route.endswith("/view") else 200  # the demo evidence is plain text, not a probe run
    expected = inside if user in allowed else otherwise
    assert response.status_code == expected, (route, user, response.text[:300])


def test_pages_need_a_login(live: Live, targets: Targets) -> None:
    for route, (template, _, _) in PAGES.items():
        if route in ("/login", "/lang/{code}"):
            continue
        response = httpx.get(live.url + _path(template, targets))
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), route


def test_probe_results_attached_as_evidence_are_shown_as_a_page(live: Live, targets: Targets, tmp_path: Any) -> None:
    from redline.reports.canonical import dumps, seal

    document = seal(
        {
            "schema": "redline/probe-run",
            "schema_version": 1,
            "probe": {"name": "log-retention", "version": "0", "title": "t"},
            "started": "2026-01-01",
            "finished": "2026-01-01",
            "options": {},
            "results": [],
            "summary": {
                "coverage_svg": '<svg role="img"><title>覆盖</title></svg>',
                "findings": [
                    {"severity": "high", "item": "x", "message": "缺口", "clause": "c", "location": "", "evidence": ""}
                ],
            },
        }
    )
    upload = live.api("hz-admin").post(
        f"/api/v1/filings/{targets.draft}/evidence",
        files={"file": ("logs.json", dumps(document).encode(), "application/json")},
    )
    assert upload.status_code == 201, upload.text
    sha = upload.json()["sha256"]
    page = live.browser_login("hz-member").get(f"/evidence/{sha}/view")
    assert page.status_code == 200 and "探针运行结果" in page.text and '<svg role="img"><title>覆盖' not in page.text
    assert live.browser_login("sz-admin").get(f"/evidence/{sha}/view").status_code == 404


def test_a_chart_on_a_probe_run_page_is_drawn_by_the_server_from_numbers(live: Live, targets: Targets) -> None:
    from redline.reports.canonical import dumps, seal

    hour = 490_000  # an epoch hour in 2025
    document = seal(
        {
            "schema": "redline/probe-run",
            "schema_version": 1,
            "probe": {"name": "log-retention", "version": "0", "title": "t"},
            "started": "2026-01-01",
            "finished": "2026-01-01",
            "options": {},
            "results": [],
            "summary": {"records_per_hour": {str(hour): 7, str(hour + 1): 3, "x": "<b>", str(hour + 2): -1}},
        }
    )
    upload = live.api("hz-admin").post(
        f"/api/v1/filings/{targets.draft}/evidence",
        files={"file": ("run.json", dumps(document).encode(), "application/json")},
    )
    assert upload.status_code == 201, upload.text
    page = live.browser_login("hz-member").get(f"/evidence/{upload.json()['sha256']}/view")
    assert page.status_code == 200, page.text
    assert page.text.count('<rect class="cell"') == 2 and "<b>" not in page.text


def test_markup_in_an_uploaded_probe_run_never_reaches_the_page(live: Live, targets: Targets) -> None:
    """B4: a provider's probe-run JSON carried a meta refresh and a script in `coverage_svg`, and the page
    showed them to the regulator unescaped."""
    from redline.reports.canonical import dumps, seal

    attack = (
        '<svg><meta http-equiv="refresh" content="0;url=https://attacker.example/"/>'
        "<script>alert(document.cookie)</script></svg>"
    )
    document = seal(
        {
            "schema": "redline/probe-run",
            "schema_version": 1,
            "probe": {"name": "log-retention", "version": "0", "title": "t"},
            "started": "2026-01-01",
            "finished": "2026-01-01",
            "options": {},
            "results": [],
            "summary": {"coverage_svg": attack, "records_per_hour": {"490000": 1}},
        }
    )
    upload = live.api("hz-admin").post(
        f"/api/v1/filings/{targets.draft}/evidence",
        files={"file": ("attack.json", dumps(document).encode(), "application/json")},
    )
    assert upload.status_code == 201, upload.text
    page = live.browser_login("hz-member").get(f"/evidence/{upload.json()['sha256']}/view")
    assert page.status_code == 200, page.text
    assert "http-equiv" not in page.text and "<script" not in page.text and "attacker.example" not in page.text


def test_a_provider_acknowledges_its_document_once_and_nobody_else_can(live: Live, targets: Targets) -> None:
    path = f"/api/v1/documents/{targets.document}/acknowledgement"
    assert live.api("sz-admin").post(path).status_code == 404  # another provider: as if it did not exist
    assert live.api("bj-cac").post(path).status_code == 404  # another jurisdiction
    assert live.api("hz-cac").post(path).status_code == 403  # the issuer does not acknowledge for the provider
    document = live.api("hz-admin").get(f"/api/v1/documents/{targets.document}").json()
    ack = live.api("hz-member").post(path)
    assert ack.status_code == 201, ack.text
    assert ack.json()["body"]["subject"] == {"document": document["reference"], "document_sha256": document["sha256"]}
    assert live.api("hz-admin").post(path).status_code == 409
    seen = live.api("hz-cac").get(f"/api/v1/documents/{targets.document}").json()
    assert seen["acknowledgement"] == ack.json() and seen["sha256"] == document["sha256"]
    pdf = live.api("hz-admin").get(f"/api/v1/documents/{targets.document}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_regulator_sets_its_number_pattern_on_its_account_page_and_a_bad_one_is_shown_back(live: Live) -> None:
    client = live.browser_login("sz-mps")
    page = client.get("/account")
    assert page.status_code == 200 and "深公评〔" in page.text
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    bad = client.post("/account/reference-pattern", data={"csrf_token": csrf, "pattern": "{number.__class__}"})
    assert bad.status_code == 422 and "{number.__class__}" in bad.text and 'id="reference-pattern"' in bad.text
    good = client.post("/account/reference-pattern", data={"csrf_token": csrf, "pattern": "深公函〔{year}〕{number}号"})
    assert good.status_code == 303
    assert "深公函〔" in client.get("/account").text
    provider = live.browser_login("sz-admin").get("/account")
    assert 'id="reference-pattern"' not in provider.text
