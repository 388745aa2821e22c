"""The API as an integrator meets it: the OpenAPI document and the /docs page of a real server.

The document must say how to authenticate and every answer an operation can give, and what it says is
checked against what the server really answers to hostile requests. The page renders that document in
both languages with nothing fetched from anywhere but the server itself.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import httpx
import jsonschema_rs
import pytest
import schemathesis
from markupsafe import escape
from playwright.sync_api import Browser

from redline.i18n import translations
from tests.e2e.conftest import Live
from tests.e2e.test_package_attacks_http import raw_answer

PAGES_ONLY = True  # how pages look and read: SQLite only (tests/e2e/conftest.py `live`)

# The document and the page do not depend on the database; one SQLite server is enough here.
pytestmark = pytest.mark.parametrize("live", ["sqlite"], indirect=True)

METHODS = {"get", "put", "post", "delete", "patch"}
PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def document(live: Live) -> dict[str, Any]:
    response = httpx.get(live.url + "/api/v1/openapi.json", timeout=30)
    assert response.status_code == 200
    return dict(response.json())


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def concrete(path: str) -> str:
    """A path an anonymous or hostile caller could send: every id 1, a real workflow step."""
    return re.sub(r"\{[^}]+\}", "1", path.replace("{action}", "submit").replace("{sha256}", "0" * 64))


def problem_validator(document: dict[str, Any]) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for({"$ref": PROBLEM_REF, "components": document["components"]})


def test_the_document_is_valid_openapi_with_an_http_bearer_scheme(document: dict[str, Any]) -> None:
    schemathesis.openapi.from_dict(document).validate()  # OpenAPI 3.1 meta-schema; raises when invalid
    schemes = document["components"]["securitySchemes"]
    bearer = [name for name, s in schemes.items() if s["type"] == "http" and s["scheme"] == "bearer"]
    assert len(bearer) == 1
    assert "/account" in schemes[bearer[0]]["description"]  # says where a token is made
    assert "security" not in document  # declared per operation: the health check needs none


def test_an_operation_declares_the_token_exactly_when_the_server_refuses_it_without_one(
    live: Live, document: dict[str, Any]
) -> None:
    scheme = next(iter(document["components"]["securitySchemes"]))
    anonymous, forged = live.api(None), httpx.Client(base_url=live.url, headers={"Authorization": "Bearer rl_x"})
    public = []
    for method, path, operation in operations(document):
        declared = operation.get("security") == [{scheme: []}]
        for client in (anonymous, forged):
            answer = client.request(method, concrete(path), json={})
            assert (answer.status_code == 401) is declared, (method, path, answer.status_code)
            if declared:
                assert answer.headers["www-authenticate"] == "Bearer"
                assert answer.headers["content-type"] == "application/problem+json"
        if not declared:
            public.append(path)
    assert public == ["/api/v1/health"]


def test_every_operation_documents_its_problems_as_problem_json(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem["required"])
    assert "HTTPValidationError" not in str(document)  # FastAPI's own 422 shape is never sent
    count = 0
    for method, path, operation in operations(document):
        responses = operation["responses"]
        errors = {status: r for status, r in responses.items() if status[0] in "45"}
        for status, response in errors.items():
            assert response["content"] == {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}}, status
            assert response["description"], (method, path, status)
        expected = {"500"}
        if operation.get("security"):
            expected |= {"401", "503"}
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        if "requestBody" in operation:
            expected.add("400")
        if "{" in path:
            expected.add("404")
        assert expected <= set(errors), (method, path, sorted(errors))
        assert operation.get("summary") and operation.get("tags"), (method, path)
        count += 1
    assert count >= 45


def test_state_conflicts_uploads_and_role_checks_are_documented_where_they_happen(document: dict[str, Any]) -> None:
    def statuses(method: str, path: str) -> set[str]:
        return set(document["paths"][path][method]["responses"])

    assert {"403", "413", "400"} <= statuses("post", "/api/v1/packages")
    assert {"403", "409"} <= statuses("post", "/api/v1/filings/{filing_id}/actions/{action}")
    assert "409" in statuses("put", "/api/v1/filings/{filing_id}/answers")
    assert "403" in statuses("get", "/api/v1/audit/verify")
    assert "507" in statuses("post", "/api/v1/filings/{filing_id}/evidence")


def oversized_upload(live: Live) -> tuple[int, dict[str, str], bytes]:
    """A package upload announcing a gigabyte: the server must refuse it before reading it."""
    url = urlparse(live.url)
    head = (
        f"POST /api/v1/packages HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {live.tokens['hz-cac']}\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {1 << 30}\r\n\r\n--b\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode())
        top, _, body = raw_answer(sock).partition("\r\n\r\n")
    status_line, *lines = top.split("\r\n")
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines)}
    return int(status_line.split()[1]), headers, body.encode()


def hostile_requests(live: Live) -> list[tuple[str, str, int, httpx.Response]]:
    """(method, documented path, status expected, the server's answer) for requests an attacker or a
    careless client sends."""
    provider, officer = live.api("hz-admin"), live.api("hz-cac")
    forged = httpx.Client(base_url=live.url, headers={"Authorization": "Bearer rl_forged"}, timeout=30)
    draft = next(f["id"] for f in provider.get("/api/v1/filings").json()["items"] if f["state"] == "draft")
    filing, services = "/api/v1/filings/{filing_id}", "/api/v1/services"
    return [
        ("get", "/api/v1/me", 401, live.api(None).get("/api/v1/me")),
        ("get", "/api/v1/filings", 401, forged.get("/api/v1/filings")),
        ("get", filing, 404, provider.get("/api/v1/filings/987654")),
        ("get", filing, 422, provider.get("/api/v1/filings/99999999999")),
        ("post", services, 422, provider.post(services, json={"service": "not an object"})),
        (
            "post",
            services,
            400,
            provider.post(services, content=b"\xc8\xa4\xff", headers={"content-type": "application/json"}),
        ),
        ("post", "/api/v1/packages", 403, provider.post("/api/v1/packages", files={"file": ("p.zip", b"PK")})),
        ("post", "/api/v1/packages", 400, officer.post("/api/v1/packages", files={"file": ("p.zip", b"not a zip")})),
        (
            "post",
            "/api/v1/filings/{filing_id}/actions/{action}",
            409,
            provider.post(f"/api/v1/filings/{draft}/actions/accept", json={}),
        ),
        ("get", "/api/v1/audit/verify", 403, provider.get("/api/v1/audit/verify")),
        (
            "get",
            "/api/v1/campaigns/{campaign_id}/findings",
            422,
            officer.get("/api/v1/campaigns/1/findings?provider_id=9" + "9" * 30),
        ),
    ]


def test_hostile_requests_get_documented_statuses_and_problem_bodies(live: Live, document: dict[str, Any]) -> None:
    validator = problem_validator(document)
    answers = [(m, p, want, a.status_code, dict(a.headers), a.content) for m, p, want, a in hostile_requests(live)]
    answers.append(("post", "/api/v1/packages", 413, *oversized_upload(live)))
    for method, path, expected, status, headers, body in answers:
        assert status == expected, (method, path, status, body[:300])
        assert str(status) in document["paths"][path][method]["responses"], (method, path, status)
        assert headers["content-type"] == "application/problem+json", (method, path)
        validator.validate(httpx.Response(status, content=body).json())


def test_the_problem_schema_refuses_what_is_not_a_problem(document: dict[str, Any]) -> None:
    """Guards the test above: a validator that accepted anything would pass it."""
    validator = problem_validator(document)
    assert not validator.is_valid({"detail": "no type, title, status or instance"})
    assert not validator.is_valid({"type": "t", "title": "t", "status": "401", "detail": "d", "instance": "/"})


def page(live: Live, lang: str) -> httpx.Response:
    return httpx.get(live.url + "/docs", cookies={"redline_lang": lang}, timeout=30)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_docs_page_lists_every_operation_in_the_readers_language(
    live: Live, document: dict[str, Any], lang: str
) -> None:
    response = page(live, lang)
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    gettext = translations(lang).gettext
    for method, path, operation in operations(document):
        assert f'data-method="{method.upper()}" data-path="{path}"' in html, (method, path)
        summary = operation["summary"]
        if lang == "zh-CN":
            assert gettext(summary) != summary, f"no zh-CN words for {summary!r}"
        assert str(escape(gettext(summary))) in html
    assert ("认证：API 令牌" if lang == "zh-CN" else "Authentication: API tokens") in html
    assert 'href="/account"' in html and 'href="/api/v1/openapi.json"' in html
    for status in ("401", "403", "404", "409", "413", "422", "503"):
        assert f"<td><code>{status}</code></td>" in html
    assert 'id="schema-Problem"' in html


def test_the_docs_page_fetches_nothing_from_elsewhere_and_carries_the_pages_headers(live: Live) -> None:
    docs, login = page(live, "en"), httpx.get(live.url + "/login", timeout=30)
    for header in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options"):
        assert docs.headers[header] == login.headers[header], header
    assert "unsafe-inline" not in docs.headers["content-security-policy"]
    references = re.findall(r'(?:href|src|action)="([^"]*)"', docs.text)
    assert references and all(r.startswith(("/", "#")) and not r.startswith("//") for r in references)
    assert "<script" not in docs.text


def test_the_account_page_and_every_pages_footer_link_to_the_reference(live: Live) -> None:
    client = live.browser_login("hz-admin")
    account = client.get("/account").text
    assert 'id="account-api-docs"' in account and 'href="/docs"' in account
    assert re.search(r'<footer>.*href="/docs".*</footer>', httpx.get(live.url + "/login").text, re.S)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_in_chromium_the_reference_loads_only_from_the_server(
    live: Live, browser: Browser, document: dict[str, Any], lang: str
) -> None:
    context = browser.new_context(locale=lang)
    context.add_cookies([{"name": "redline_lang", "value": lang, "url": live.url}])
    tab = context.new_page()
    requested: list[str] = []
    problems: list[str] = []
    tab.on("request", lambda r: requested.append(r.url))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.goto(live.url + "/docs")
    tab.wait_for_load_state("networkidle")
    assert requested and all(urlparse(u).hostname == "127.0.0.1" for u in requested), requested
    assert not problems, problems  # a blocked resource or style would be reported here
    total = sum(1 for _ in operations(document))
    assert tab.locator("article.operation").count() == total
    assert tab.locator("link[rel=stylesheet]").evaluate("l => l.sheet.cssRules.length") > 0
    heading = tab.locator("#auth h2").inner_text()
    assert heading == ("认证：API 令牌" if lang == "zh-CN" else "Authentication: API tokens")
    tab.locator('#toc a[href="#op-verify_audit_api_v1_audit_verify_get"]').click()
    assert tab.locator("#op-verify_audit_api_v1_audit_verify_get").is_visible()
    context.close()
