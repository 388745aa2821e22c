"""The regulator's impact page and the provider's page after a rulebook upgrade, through the web app: what
each sees (its jurisdiction exactly as the queue), notices for a selection in one step, 404 for an id out of
reach. On SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from redline.services.filing import issued_documents
from redline.web.app import create_app
from tests.integration.test_rulebook_impact import PASSWORD, World
from tests.integration.test_rulebook_impact import world as world  # the fixture the tests take


def _client(w: World, name: str) -> TestClient:
    client = TestClient(create_app(w.upgraded))
    csrf = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    login = client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf, "next": "/"}, follow_redirects=False
    )
    assert login.status_code == 303, login.text
    return client


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _notices(w: World) -> list[str]:
    return [d.reference for d in issued_documents.list_documents(w.ctx, w.provider) if d.kind == "notice"]


def test_the_regulator_sees_its_touched_services_with_reasons_in_chinese_and_english(world: World) -> None:
    w = world
    client = _client(w, "hz-cac")
    page = html.unescape(client.get("/regulator/impact").text)
    assert "声浪" in page and "拾光论坛" in page and "深圳拾光" not in page
    assert "新增检查项" in page and "建议重新评估" in page and "期限变化" in page
    assert f"/filings/{w.accepted}" in page and f'/filings/{w.sz_filing}"' not in page
    client.cookies.set("redline_lang", "en")
    english = html.unescape(client.get("/regulator/impact").text)
    assert "Re-assessment advised" in english and "Checklist item added" in english
    assert "sa2018-5-1-incident-drill" not in page + english


def test_a_regulator_issues_notices_for_a_selection_in_one_step(world: World) -> None:
    w = world
    client = _client(w, "hz-cac")
    page = client.get("/regulator/impact").text
    done = client.post(
        "/regulator/impact/notices",
        data={"csrf_token": _csrf(page), "service_id": [str(w.voice), str(w.forum)], "reference": "规则变更 2027.1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/regulator/impact?issued=2"
    assert "已发出书面通知 2 份" in client.get(done.headers["location"]).text
    assert len(_notices(w)) == 2


def test_an_id_out_of_reach_is_not_found_and_nothing_is_issued(world: World) -> None:
    w = world
    client = _client(w, "hz-cac")
    page = client.get("/regulator/impact").text
    refused = client.post(
        "/regulator/impact/notices",
        data={"csrf_token": _csrf(page), "service_id": [str(w.voice), str(w.sz_service)], "reference": "x"},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    assert _notices(w) == []


def test_a_provider_sees_on_its_services_which_accepted_filings_predate_which_changes(world: World) -> None:
    w = world
    client = _client(w, "hz-admin")
    page = html.unescape(client.get("/").text)
    section = page.split("以下已通过审查的备案早于涉及它们的规则变化", 1)[1].split("</div>", 1)[0]
    assert f"#{w.accepted}" in section and "是否每年组织一次安全事件应急演练" in section
    assert f"#{w.growth}<" not in section  # submitted, not yet accepted
    assert client.get("/regulator/impact").status_code == 403


@pytest.mark.parametrize("name", ["sz-admin", "sz-cac"])
def test_others_see_nothing_of_the_hangzhou_filings(world: World, name: str) -> None:
    page = _client(world, name).get("/regulator/impact" if name.endswith("cac") else "/").text
    assert "杭州声浪" not in page
