"""Recording a judgement on the filing page, through the real HTTP server: the form, its refusals, who may use it.

The 2018 rule, Art. 3(3): 用户规模显著增加，导致信息服务的舆论属性或者社会动员能力发生重大变化的 — a forum growing
from 10 to 17 million monthly users is a question for a person. Once the provider records the answer (who, when,
why), the duty follows it; a regulator reads the judgement but does not make the provider's.
"""

from __future__ import annotations

import datetime as dt
import html

import httpx
from sqlalchemy import select

from redline.demo.seed import DEMO_PASSWORD
from redline.services.access import accounts
from redline.services.filing import filings, queries
from redline.store.models import Filing
from tests.e2e.conftest import Live

PAGES_ONLY = True  # how pages look and read: SQLite only (tests/e2e/conftest.py `live`)

GROWTH = {"description": "月活跃用户由 1000 万增至 1700 万（页面测试）", "mau_before": 10000000, "mau_after": 17000000}
QUESTION_ZH = "用户规模是否显著增加"
QUESTION_EN = "Has the number of users grown significantly"


def open_growth_filing(live: Live, username: str = "xa-admin", change: dict[str, object] | None = None) -> int:
    """A fresh draft filing whose Art. 3(3) duty waits on a judgement (set up through the service)."""
    _token, p = accounts.login(live.ctx, username, DEMO_PASSWORD)
    (service, *_) = queries.services_of(live.ctx, p)
    return filings.record_change(
        live.ctx, p, service.id, {**(change or GROWTH), "date": dt.date.today() - dt.timedelta(days=1)}
    )


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def judge(client: httpx.Client, filing_id: int, **fields: str) -> httpx.Response:
    page = client.get(f"/filings/{filing_id}")
    return client.post(f"/filings/{filing_id}/judgements", data={"csrf_token": csrf(page.text), **fields})


def stored_change(live: Live, filing_id: int) -> dict[str, object]:
    _token, p = accounts.login(live.ctx, "xa-admin", DEMO_PASSWORD)
    return dict(queries.get_filing(live.ctx, p, filing_id).filing.change or {})


def test_the_filing_page_asks_the_open_question_and_records_the_providers_judgement(live: Live) -> None:
    filing_id = open_growth_filing(live)
    client = live.browser_login("xa-admin")
    page = client.get(f"/filings/{filing_id}").text
    assert 'data-question="significant_growth"' in page and QUESTION_ZH in page and "记录判断" in page
    assert "待判断" in page
    done = judge(
        client,
        filing_id,
        question="significant_growth",
        answer="yes",
        reasons="新增用户集中于时政版块，<b>跟帖</b>量翻倍。",
    )
    assert done.status_code == 303 and done.headers["location"] == f"/filings/{filing_id}?done=judgement"
    after = client.get(f"/filings/{filing_id}").text
    assert "已记录的判断" in after and "依据判断，判断人" in after
    assert html.escape("<b>跟帖</b>", quote=False) in after and "<b>跟帖</b>" not in after  # user text escaped
    assert '<span class="warn">待判断</span>' not in after
    assert "已有判断；新的判断将取代原判断" in after  # the judgement may be revised while the filing is open
    (judged,) = stored_change(live, filing_id)["judgements"]  # type: ignore[misc]
    assert judged["answer"] is True and judged["by"] == "刘畅（长安论坛，虚构）"
    english = client.get(f"/lang/en?next=/filings/{filing_id}", follow_redirects=True).text
    assert "Record a judgement" in english and QUESTION_EN in english and "Rests on a judgement by" in english


def test_a_judgement_of_no_leaves_the_duty_not_due(live: Live) -> None:
    filing_id = open_growth_filing(live)
    client = live.browser_login("xa-admin")
    assert (
        judge(
            client,
            filing_id,
            question="significant_growth",
            answer="no",
            reasons="增长来自春节返乡的季节性访问，未见公共讨论增加。",
        ).status_code
        == 303
    )
    _token, p = accounts.login(live.ctx, "xa-admin", DEMO_PASSWORD)
    assert "sa2018-3-3" not in {o["trigger_id"] for o in queries.get_filing(live.ctx, p, filing_id).filing.obligations}


def test_a_judgement_without_reasons_shows_the_form_again_with_the_message_and_records_nothing(live: Live) -> None:
    filing_id = open_growth_filing(live)
    client = live.browser_login("xa-admin")
    refused = judge(client, filing_id, question="significant_growth", answer="yes", reasons="   ")
    assert refused.status_code == 422
    assert 'id="judgement-error"' in refused.text and "请填写理由：没有理由的判断不予记录。" in refused.text
    assert 'value="yes" checked' in refused.text  # what was entered is kept
    assert f'action="/filings/{filing_id}/judgements"' in refused.text and "已记录的判断" not in refused.text
    no_answer = judge(client, filing_id, question="significant_growth", reasons="理由已写")
    assert no_answer.status_code == 422 and "请选择“是”或“否”。" in no_answer.text and "理由已写" in no_answer.text
    client.get("/lang/en?next=/")
    english = judge(client, filing_id, question="significant_growth", answer="maybe", reasons="x")
    assert english.status_code == 422 and "Choose yes or no." in english.text
    too_long = judge(client, filing_id, question="significant_growth", answer="yes", reasons="长" * 4001)
    assert too_long.status_code == 422 and "at most 4,000 characters" in too_long.text
    assert "judgements" not in stored_change(live, filing_id)


def test_an_unknown_question_is_refused_on_the_form_not_stored(live: Live) -> None:
    filing_id = open_growth_filing(live)
    client = live.browser_login("xa-admin")
    refused = judge(client, filing_id, question="../../etc/passwd", answer="yes", reasons="试探")
    assert refused.status_code == 422 and "请就此处列出的问题作出判断。" in refused.text
    assert "judgements" not in stored_change(live, filing_id)


def test_without_the_csrf_token_nothing_is_recorded(live: Live) -> None:
    filing_id = open_growth_filing(live)
    client = live.browser_login("xa-admin")
    response = client.post(
        f"/filings/{filing_id}/judgements",
        data={"question": "significant_growth", "answer": "yes", "reasons": "跨站提交"},
    )
    assert response.status_code == 403
    assert "judgements" not in stored_change(live, filing_id)


def test_only_the_filings_own_provider_may_judge_as_on_the_api(live: Live) -> None:
    # 杭州声浪's voice rooms grow from 850,000 to 1,300,000 (x1.53): a question for 声浪 to decide.
    filing_id = open_growth_filing(
        live, "hz-admin", {"description": "月活跃用户由 85 万增至 130 万", "mau_before": 850000, "mau_after": 1300000}
    )
    provider = live.browser_login("hz-admin")
    assert 'data-question="significant_growth"' in provider.get(f"/filings/{filing_id}").text
    fields = {"question": "significant_growth", "answer": "no", "reasons": "代为判断"}
    officer = live.browser_login("hz-cac")
    token = csrf(officer.get("/regulator").text)
    assert officer.post(f"/filings/{filing_id}/judgements", data={"csrf_token": token, **fields}).status_code == 404
    stranger = live.browser_login("xa-admin")
    token = csrf(stranger.get("/provider").text)
    assert stranger.post(f"/filings/{filing_id}/judgements", data={"csrf_token": token, **fields}).status_code == 404
    _token, p = accounts.login(live.ctx, "hz-admin", DEMO_PASSWORD)
    assert "judgements" not in (queries.get_filing(live.ctx, p, filing_id).filing.change or {})
    # a filing the officer does see (a supplement was asked for): the officer still may not judge for the provider
    with live.ctx.reader() as uow:
        asked = uow.session.scalars(
            select(Filing.id).where(Filing.region.startswith("3301"), Filing.state == "supplement_requested")
        ).first()
    assert asked is not None
    page = officer.get(f"/filings/{asked}")
    assert page.status_code == 200 and 'action="/filings/{asked}/judgements"' not in page.text
    response = officer.post(f"/filings/{asked}/judgements", data={"csrf_token": csrf(page.text), **fields})
    assert response.status_code == 403
    api = live.api("hz-cac").post(f"/api/v1/filings/{asked}/judgements", json={**fields, "answer": False})
    assert api.status_code == 403
    assert not [
        j
        for j in (queries.get_filing(live.ctx, p, asked).filing.change or {}).get("judgements", [])
        if j.get("reasons") == "代为判断"
    ]
