"""Issue 15's package attacks over real HTTP (B1 provider route, B5, B6, B14): each refused with problem
JSON carrying the security headers, and nothing stored."""

from __future__ import annotations

import io
import json
import socket
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from sqlalchemy import func, select

from redline.store.models import Evidence, Filing, Organisation
from tests.e2e.conftest import Live
from tests.integration.test_package_attacks import cite, claim, ratio_member, reseal, unzip

SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


@pytest.fixture(scope="module")
def filing_id(live: Live) -> int:
    with live.ctx.reader() as uow:
        found = uow.session.scalars(
            select(Filing.id)
            .join(Evidence, Evidence.filing_id == Filing.id)
            .where(Filing.region.startswith("3301"), Filing.report.is_not(None))
            .order_by(Filing.id)
        ).first()
    assert found is not None
    return int(found)


def counts(live: Live) -> tuple[int, int]:
    with live.ctx.reader() as uow:
        return (
            int(uow.session.scalar(select(func.count()).select_from(Filing)) or 0),
            int(uow.session.scalar(select(func.count()).select_from(Evidence)) or 0),
        )


def exported(live: Live, filing_id: int) -> dict[str, bytes]:
    response = live.api("hz-admin").get(f"/api/v1/filings/{filing_id}/package")
    assert response.status_code == 200, response.text
    return unzip(response.content)


def post_package(live: Live, user: str, data: bytes) -> httpx.Response:
    return live.api(user).post("/api/v1/packages", files={"file": ("p.zip", data, "application/zip")})


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert all(h in response.headers for h in SECURITY_HEADERS), dict(response.headers)
    body: dict[str, Any] = response.json()
    return body


# ---- B1 over POST /api/v1/packages --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/etc/passwd", "/proc/self/environ"])
def test_a_resealed_package_claiming_a_server_file_is_refused_over_http_and_no_export_holds_it(
    live: Live, filing_id: int, path: str
) -> None:
    data = reseal(exported(live, filing_id), edit_manifest=claim({"name": "x", "sha256": path, "included": False}))
    before = counts(live)
    body = problem(post_package(live, "hz-cac", data), 422)
    assert body["field"] == "manifest.evidence.1.sha256"
    assert counts(live) == before
    listing = live.api("hz-cac").get("/api/v1/filings", params={"limit": 200}).json()["items"]
    for item in (i for i in listing if i["report_digest"]):
        package = live.api("hz-cac").get(f"/api/v1/filings/{item['id']}/package").content
        assert b"root:x:0:0" not in package and not any(n.count("/") > 1 for n in unzip(package))


def test_another_regions_evidence_cannot_be_claimed_over_http(live: Live, filing_id: int) -> None:
    with live.ctx.reader() as uow:
        foreign = uow.session.scalars(
            select(Evidence.sha256)
            .join(Filing, Evidence.filing_id == Filing.id)
            .join(Organisation, Filing.provider_id == Organisation.id)
            .where(Organisation.location.startswith("44"))
        ).first()
    assert foreign is not None
    data = reseal(
        exported(live, filing_id),
        edit_report=cite(foreign),
        edit_manifest=claim({"name": "x", "sha256": foreign, "included": False}),
    )
    before = counts(live)
    body = problem(post_package(live, "hz-cac", data), 400)
    assert "not held here" in body["detail"]
    assert counts(live) == before


# ---- B5: authorised before the body is read; a per-request decompression budget ------------------


def raw_answer(sock: socket.socket) -> str:
    """The server's whole answer (head and body), read as it comes."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536) or b"\r\n\r\n"
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length and (chunk := sock.recv(65536)):
        body += chunk
    return (head + b"\r\n\r\n" + body).decode("utf-8", "replace")


def test_a_role_that_cannot_import_is_refused_before_its_upload_is_read(live: Live) -> None:
    """The client announces 500 MB and sends 1 KB: the answer comes at once, not after the body."""
    url = urlparse(live.url)
    boundary = "b0undary"
    head = (
        f"POST /api/v1/packages HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {live.tokens['hz-admin']}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {500 * 1024 * 1024}\r\n\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.zip"\r\n\r\n'
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode() + b"PK" + b"\0" * 1024)
        answer = raw_answer(sock)
    status_line, _, rest = answer.partition("\r\n")
    assert " 403 " in status_line, answer
    assert "application/problem+json" in rest.lower() and "only a cac or public-security officer" in rest.lower()


def test_members_compressed_167_times_past_the_budget_answer_413(live: Live, filing_id: int) -> None:
    members = exported(live, filing_id)
    member = ratio_member(8 << 20)
    for i in range(40):  # 320 MiB decompressed, about 2 MB sent: past the default 256 MiB budget
        members[f"evidence/{i:064x}"] = member
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    assert len(buffer.getvalue()) < 6 << 20
    before = counts(live)
    body = problem(post_package(live, "hz-cac", buffer.getvalue()), 413)
    assert "package refused" in body["detail"] and body["field"] == "file"
    assert counts(live) == before


def test_an_upload_announcing_more_than_the_budget_answers_413_unread(live: Live) -> None:
    url = urlparse(live.url)
    head = (
        f"POST /api/v1/packages HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {live.tokens['hz-cac']}\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {1 << 30}\r\n\r\n--b\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode())
        answer = raw_answer(sock)
    assert " 413 " in answer.partition("\r\n")[0], answer


# ---- B6: a malformed import is refused; a malformed row never fails a list ------------------------


def test_an_import_with_obligations_x_is_refused_naming_the_field(live: Live, filing_id: int) -> None:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["filing"]["obligations"] = "x"

    body = problem(post_package(live, "hz-cac", reseal(exported(live, filing_id), edit_manifest=edit)), 422)
    assert body["field"] == "manifest.filing.obligations"
    assert live.api("hz-cac").get("/api/v1/filings").status_code == 200


def test_one_malformed_row_never_fails_the_lists(live: Live) -> None:
    with live.ctx.uow() as uow:
        org = uow.session.scalars(select(Organisation).where(Organisation.location == "330106")).first()
        assert org is not None
        uow.session.add(
            Filing(
                provider_id=org.id,
                region="330106",
                state="submitted",
                title="bad row",
                obligations="x",
                technologies=[["nested"]],
                answers={},
                visible_to_regulator=True,
            )
        )
        uow.commit()
    live.ctx.cache.clear()
    for user in ("hz-cac", "hz-admin"):
        listing = live.api(user).get("/api/v1/filings", params={"limit": 200})
        assert listing.status_code == 200, listing.text
        assert any(i["title"] == "bad row" and i["obligations"] == [] for i in listing.json()["items"])
    assert live.api("hz-cac").get("/api/v1/dashboard").status_code == 200
    assert live.browser_login("hz-cac").get("/regulator").status_code == 200


# ---- B14: hostile numbers and JSON are 4xx problems, with the security headers ---------------------


@pytest.mark.parametrize("poison", ["NaN", "[" * 50_000 + "]" * 50_000])
def test_nan_or_deep_json_in_a_package_is_a_4xx_problem(live: Live, filing_id: int, poison: str) -> None:
    members = exported(live, filing_id)
    members["manifest.json"] = members["manifest.json"].replace(b"{", b'{"x": ' + poison.encode() + b", ", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    body = problem(post_package(live, "hz-cac", buffer.getvalue()), 400)
    assert "manifest.json" in body["detail"]


@pytest.mark.parametrize("page", ["1e20", "100000000000000000000", "-5"])
def test_a_hostile_page_number_is_a_4xx_page_with_security_headers(live: Live, page: str) -> None:
    response = live.browser_login("hz-cac").get("/regulator", params={"page": page})
    assert response.status_code in (200, 422), response.text
    assert all(h in response.headers for h in SECURITY_HEADERS)


@pytest.mark.parametrize("content", [b"[" * 100_000 + b"]" * 100_000, b'{"schema": "redline/probe-run", "x": NaN}'])
def test_malformed_json_evidence_viewed_as_a_page_is_a_4xx_with_security_headers(live: Live, content: bytes) -> None:
    with live.ctx.reader() as uow:
        draft = uow.session.scalars(
            select(Filing.id).where(Filing.region.startswith("3301"), Filing.state == "draft")
        ).first()
    upload = live.api("hz-admin").post(
        f"/api/v1/filings/{draft}/evidence", files={"file": ("run.json", content, "application/json")}
    )
    assert upload.status_code == 201, upload.text
    page = live.browser_login("hz-admin").get(f"/evidence/{upload.json()['sha256']}/view")
    assert page.status_code == 422, page.text
    assert all(h in page.headers for h in SECURITY_HEADERS)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/filings/999999", 404), ("/api/v1/filings?limit=0", 422), ("/api/v1/nowhere", 404), ("/nowhere", 404)],
)
def test_error_responses_carry_the_security_headers(live: Live, path: str, status: int) -> None:
    response = live.api("hz-cac").get(path)
    assert response.status_code == status
    assert all(h in response.headers for h in SECURITY_HEADERS), dict(response.headers)
    assert json.dumps(dict(response.headers))


def test_an_unexpected_failure_is_a_500_problem_or_page_with_the_security_headers(tmp_path: Path) -> None:
    import threading

    import uvicorn

    from redline.bootstrap import build_context
    from redline.config import Settings
    from redline.store.migrate import upgrade
    from redline.web.app import create_app
    from tests.e2e.conftest import _free_port

    url = f"sqlite:///{tmp_path}/r.db"
    upgrade(url)
    app = create_app(build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs")))

    def fail() -> None:
        raise RuntimeError("secret detail")

    app.add_api_route("/api/v1/test-failure", fail)
    app.add_api_route("/test-failure", fail)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=10, transport=httpx.HTTPTransport(retries=5)
        ) as client:
            while not server.started:
                thread.join(0.05)
            api_answer = client.get("/api/v1/test-failure")
            page = client.get("/test-failure")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert problem(api_answer, 500)["type"].endswith("internal-error")
    assert page.status_code == 500 and all(h in page.headers for h in SECURITY_HEADERS)
    assert "secret detail" not in api_answer.text + page.text
