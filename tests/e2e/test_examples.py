"""The four shipped examples, run as a user runs them, each against what the statutes ask.

Recipients: the 2018 rule, Art. 7 (third-party quote): 通过全国互联网安全管理服务平台提交所在地地市级以上网信部门和
公安机关. Timing (Art. 7(2), recollection, unverified): before going live for Art. 3(1) and 3(2); within 30 working
days of the situation for Art. 3(3)–(5). Algorithm filing (algo2021 Art. 24(1)): 在提供服务之日起十个工作日内.

Due dates in 2027 follow the 全国年节及纪念日放假办法 (2024 revision): 元旦 1 January 2027 (a Friday) is a holiday, so
it is not a working day. Re-check these dates against the State Council's 2027 notice when it is published (the
dates are provisional until then). Explicit labels: the 人工智能生成合成内容标识办法 (in force 2025-09-01), Art. 4,
for each kind of content a deep-synthesis function produces.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.conftest import EXAMPLES
from tests.e2e.test_cli import redline

AS_OF = "2026-11-25"
CAC_PSB = {"bj": ["北京市网信部门（所在地地市级以上）", "北京市公安机关（所在地地市级以上）"],
           "sz": ["深圳市网信部门（所在地地市级以上）", "深圳市公安机关（所在地地市级以上）"],
           "sh": ["上海市网信部门（所在地地市级以上）", "上海市公安机关（所在地地市级以上）"],
           "hz": ["杭州市网信部门（所在地地市级以上）", "杭州市公安机关（所在地地市级以上）"]}
FILING_SYSTEM = ["互联网信息服务算法备案系统"]
KEPT = ["无需报送；由提供者留存备查"]


def evaluations(name: str) -> list[dict[str, Any]]:
    here = EXAMPLES / name
    result = redline("check", here / "service.yaml", "--change", here / "change.yaml", "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


def table(evaluation: dict[str, Any]) -> dict[str, tuple[str | None, str, list[str], bool]]:
    """trigger → (due date, deadline rule, recipients in Chinese, requires judgement)."""
    return {o["trigger_id"]: (o["due"]["date"], o["due"]["rule"], [a["name"]["zh"] for a in o["recipients"]],
                              o["requires_judgement"]) for o in evaluation["obligations"]}


def test_news_growth_tenfold_is_presumed_significant_growth_not_found_so() -> None:
    # 今闻: 2,000,000 → 20,000,000 monthly active users on 2026-11-20; Art. 3(3), 30 working days.
    (ev,) = evaluations("news-growth")
    obligations = table(ev)
    assert set(obligations) == {"sa2018-3-3"}
    _, rule, recipients, judgement = obligations["sa2018-3-3"]
    assert rule == "within_working_days" and recipients == CAC_PSB["bj"] and judgement
    assert "推定为显著增加" in ev["obligations"][0]["explanation"]["zh"]
    assert ev["notes"] == []  # the change's figure before agrees with the profile


def test_news_growth_is_due_on_the_first_working_day_of_2027() -> None:
    # 23 Nov – 31 Dec 2026 hold 29 working days (no holiday); 1 January 2027 is 元旦; the 30th is Monday 4 January.
    (ev,) = evaluations("news-growth")
    assert table(ev)["sa2018-3-3"][0] == "2027-01-04"


def test_photo_faceswap_is_a_new_technology_and_a_new_deep_synthesis_function_on_an_unfiled_service() -> None:
    (ev,) = evaluations("photo-faceswap")
    day = "2027-01-20"
    assert table(ev) == {
        "sa2018-3-2": (day, "before_event", CAC_PSB["sz"], True),  # presumed material: requires judgement
        "dsm2022-20": (day, "before_event", CAC_PSB["sz"], False),
        "dsm2022-15": (None, "unspecified", KEPT, False),
        # a first filing (never filed): ten working days from 20 January 2027, before the Spring Festival
        "dsm2022-19": ("2027-02-03", "within_working_days", FILING_SYSTEM, False),
        "dsm2022-16": (day, "ongoing", KEPT, False),
        "dsm2022-17": (day, "ongoing", KEPT, False),
        # face swap makes pictures and video that may be taken for real: the explicit label of each (Art. 4)
        "ailabel2025-4-image": (day, "ongoing", KEPT, False),
        "ailabel2025-4-video": (day, "ongoing", KEPT, False),
        # Arts. 14 and 15(1) bind "深度合成服务提供者和技术支持者": training data, consent prompt, algorithm review
        "dsm2022-14-1": (day, "ongoing", KEPT, False),
        "dsm2022-14-2": (day, "before_event", KEPT, False),
        "dsm2022-15-1": (day, "ongoing", KEPT, False),
    }
    assert "algo2021-24-change" in {n["trigger_id"] for n in ev["not_triggered"]}
    filing = next(o for o in ev["obligations"] if o["trigger_id"] == "dsm2022-19")
    assert filing["due"]["provisional"]  # 2027 has no official notice yet


def test_chatbot_launch_declared_public_opinion_triggers_article_3_1_and_the_ai_duties() -> None:
    (ev,) = evaluations("chatbot-genai")
    day = "2026-12-28"
    obligations = table(ev)
    assert set(obligations) == {"sa2018-3-1", "dsm2022-20", "dsm2022-19", "dsm2022-16", "dsm2022-17",
                                "genai2023-17", "genai2023-17-filing", "genai2023-12",
                                "ailabel2025-4-text", "ailabel2025-4-image",  # a chatbot that writes and draws
                                "dsm2022-14-1", "dsm2022-15-1"}  # Arts. 14(1), 15(1): training data, algorithm review
    for assessment in ("sa2018-3-1", "dsm2022-20", "genai2023-17"):
        assert obligations[assessment] == (day, "before_event", CAC_PSB["sh"], False)
    for label in ("dsm2022-16", "dsm2022-17", "genai2023-12", "ailabel2025-4-text", "ailabel2025-4-image"):
        assert obligations[label] == (day, "ongoing", KEPT, False)
    assert ev["applicability"]["ground"] == "declared"


def test_chatbot_filings_are_due_ten_working_days_after_launch_across_new_year() -> None:
    # 29, 30, 31 December 2026; 1 January 2027 元旦 off; 4–8 and 11, 12 January: the 10th is 12 January.
    (ev,) = evaluations("chatbot-genai")
    obligations = table(ev)
    assert obligations["dsm2022-19"][0] == obligations["genai2023-17-filing"][0] == "2027-01-12"


def test_voice_social_two_changes_are_both_evaluated() -> None:
    first, second = evaluations("voice-social")
    assert table(first) == {"sa2018-3-1": ("2026-12-15", "before_event", CAC_PSB["hz"], False)}
    day = "2026-12-21"
    obligations = table(second)
    # a cloned voice: the audio label; generated content: the generative-AI measures (Arts. 12, 17); non-real
    # audio on an audio-video service: av2019 Art. 11
    assert set(obligations) == {"sa2018-3-2", "dsm2022-20", "dsm2022-15", "dsm2022-19", "dsm2022-16",
                                "dsm2022-17", "av2019-10", "ailabel2025-4-audio", "av2019-11", "genai2023-12",
                                "genai2023-17", "genai2023-17-filing",
                                "dsm2022-14-1", "dsm2022-14-2", "dsm2022-15-1"}  # Arts. 14, 15(1)
    assert obligations["genai2023-17"] == (day, "before_event", CAC_PSB["hz"], False)
    assert obligations["genai2023-17-filing"][0] == "2027-01-05"
    assert obligations["sa2018-3-2"] == (day, "before_event", CAC_PSB["hz"], True)
    assert obligations["av2019-10"] == (day, "before_event", CAC_PSB["hz"], False)
    assert obligations["dsm2022-19"][1:] == ("within_working_days", FILING_SYSTEM, False)


def test_voice_changer_filing_skips_new_years_day_2027() -> None:
    # 22–25, 28–31 December 2026 (8); 1 January 2027 元旦 off; 4 and 5 January: the 10th is 5 January.
    _, second = evaluations("voice-social")
    assert table(second)["dsm2022-19"][0] == "2027-01-05"


def test_the_examples_due_dates_lie_after_their_changes() -> None:
    for name in ("news-growth", "photo-faceswap", "chatbot-genai", "voice-social"):
        for ev in evaluations(name):
            changed = dt.date.fromisoformat(ev["change"]["date"])
            for ob in ev["obligations"]:
                if ob["due"]["date"]:
                    assert dt.date.fromisoformat(ob["due"]["date"]) >= changed
