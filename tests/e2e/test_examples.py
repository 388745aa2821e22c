"""The shipped examples, run as a user runs them, each against what the statutes ask.

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
CAC_PSB = {
    "bj": ["北京市网信部门（所在地地市级以上）", "北京市公安机关（所在地地市级以上）"],
    "sz": ["深圳市网信部门（所在地地市级以上）", "深圳市公安机关（所在地地市级以上）"],
    "sh": ["上海市网信部门（所在地地市级以上）", "上海市公安机关（所在地地市级以上）"],
    "hz": ["杭州市网信部门（所在地地市级以上）", "杭州市公安机关（所在地地市级以上）"],
    "cd": ["成都市网信部门（所在地地市级以上）", "成都市公安机关（所在地地市级以上）"],
    "nj": ["南京市网信部门（所在地地市级以上）", "南京市公安机关（所在地地市级以上）"],
    "wh": ["武汉市网信部门（所在地地市级以上）", "武汉市公安机关（所在地地市级以上）"],
    "su": ["苏州市网信部门（所在地地市级以上）", "苏州市公安机关（所在地地市级以上）"],
    "xa": ["西安市网信部门（所在地地市级以上）", "西安市公安机关（所在地地市级以上）"],
}
FILING_SYSTEM = ["互联网信息服务算法备案系统"]
KEPT = ["无需报送；由提供者留存备查"]


def evaluations(name: str, change: str = "change.yaml") -> list[dict[str, Any]]:
    here = EXAMPLES / name
    result = redline("check", here / "service.yaml", "--change", here / change, "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


def table(evaluation: dict[str, Any]) -> dict[str, tuple[str | None, str, list[str], bool]]:
    """trigger → (due date, deadline rule, recipients in Chinese, requires judgement)."""
    return {
        o["trigger_id"]: (
            o["due"]["date"],
            o["due"]["rule"],
            [a["name"]["zh"] for a in o["recipients"]],
            o["requires_judgement"],
        )
        for o in evaluation["obligations"]
    }


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
    assert set(obligations) == {
        "sa2018-3-1",
        "dsm2022-20",
        "dsm2022-19",
        "dsm2022-16",
        "dsm2022-17",
        "genai2023-17",
        "genai2023-17-filing",
        "genai2023-12",
        "ailabel2025-4-text",
        "ailabel2025-4-image",  # a chatbot that writes and draws
        "dsm2022-14-1",
        "dsm2022-15-1",
    }  # Arts. 14(1), 15(1): training data, algorithm review
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
    assert set(obligations) == {
        "sa2018-3-2",
        "dsm2022-20",
        "dsm2022-15",
        "dsm2022-19",
        "dsm2022-16",
        "dsm2022-17",
        "av2019-10",
        "ailabel2025-4-audio",
        "av2019-11",
        "genai2023-12",
        "genai2023-17",
        "genai2023-17-filing",
        "dsm2022-14-1",
        "dsm2022-14-2",
        "dsm2022-15-1",
    }  # Arts. 14, 15(1)
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
    # the later examples' dates are each asserted exactly in their own tests (one CLI run per example here)
    for name in ("news-growth", "photo-faceswap", "chatbot-genai", "voice-social"):
        for ev in evaluations(name):
            changed = dt.date.fromisoformat(ev["change"]["date"])
            for ob in ev["obligations"]:
                if ob["due"]["date"]:
                    assert dt.date.fromisoformat(ob["due"]["date"]) >= changed


def roles(evaluation: dict[str, Any]) -> dict[str, str]:
    """trigger → the role the duty binds, in English."""
    return {o["trigger_id"]: o["binds"]["en"] for o in evaluation["obligations"]}


def test_a_technical_supporter_of_face_swap_owes_arts_14_15_and_its_own_filing_but_no_labels() -> None:
    # 深度合成管理规定 Art. 23: 技术支持者 = 为深度合成服务提供技术支持的组织; Arts. 14 and 15 bind "深度合成服务
    # 提供者和技术支持者" (15(2)(一): a model that edits faces is assessed); Art. 19(2): 技术支持者应当参照前款规定履行
    # 备案 — ten working days from 1 December 2026 (algo2021 Art. 24(1)); Arts. 16 and 17 bind the provider only.
    (ev,) = evaluations("model-supporter")
    day, kept = "2026-12-01", ["无需报送；由技术支持者留存备查"]
    assert table(ev) == {
        "dsm2022-14-1": (day, "ongoing", kept, False),
        "dsm2022-14-2": (day, "before_event", kept, False),
        "dsm2022-15-1": (day, "ongoing", kept, False),
        "dsm2022-15": (None, "unspecified", kept, False),
        "dsm2022-19-2": ("2026-12-15", "within_working_days", FILING_SYSTEM, False),
    }
    assert set(roles(ev).values()) == {"technical supporter"}
    skipped = {n["trigger_id"]: n["reason"]["zh"] for n in ev["not_triggered"]}
    assert "技术支持者本身不负有该标识义务" in skipped["dsm2022-16"] and "dsm2022-17" in skipped


def test_a_community_hosting_users_ai_pictures_owes_art_6_of_the_labelling_measures() -> None:
    # 标识办法 Art. 6: 提供网络信息内容传播服务的服务提供者 check implicit labels and mark content 属于 / 可能为 /
    # 疑似 AI content, and (6(2)) add propagation elements; the community launches on 7 December 2026, so the
    # 2018 rule's Art. 3(1) (信息分享, Art. 2(1)) is due before it goes live, to 成都 (Art. 7(1)).
    (ev,) = evaluations("forum-aigc")
    day = "2026-12-07"
    assert table(ev) == {
        "sa2018-3-1": (day, "before_event", CAC_PSB["cd"], False),
        "ailabel2025-6": (day, "ongoing", ["无需报送；由网络信息内容传播平台留存备查"], False),
        "ailabel2025-6-2": (day, "ongoing", ["无需报送；由网络信息内容传播平台留存备查"], False),
    }
    assert roles(ev)["ailabel2025-6"] == "platform that spreads content"
    spread = next(o for o in ev["obligations"] if o["trigger_id"] == "ailabel2025-6")
    assert "疑似" in spread["explanation"]["zh"]


def test_an_app_store_listing_a_face_swap_app_asks_and_checks_its_labelling_materials() -> None:
    # 标识办法 Art. 7: 应用程序分发平台在应用程序上架或者上线审核时 asks whether the app offers AI generation, and
    # checks the labelling materials of one that does. The deep-synthesis rule's Art. 13 is not held: named, not quoted.
    (ev,) = evaluations("app-store")
    day, kept = "2026-12-10", ["无需报送；由互联网应用程序分发平台留存备查"]
    assert table(ev) == {
        "ailabel2025-7": (day, "before_event", kept, False),
        "ailabel2025-7-materials": (day, "before_event", kept, False),
    }
    assert set(roles(ev).values()) == {"app distribution platform"}
    materials = next(o for o in ev["obligations"] if o["trigger_id"] == "ailabel2025-7-materials")
    assert "第十三条" in materials["explanation"]["zh"] and "not held" in materials["explanation"]["en"]


def test_an_offshore_generative_ai_service_has_its_recipients_determined_by_the_authority_never_a_city() -> None:
    # The 2018 rule's Art. 7(1) sends the report to the organs 所在地; a provider in Singapore has no such place.
    # Gen-AI measures Art. 17 (public opinion declared): assessment and filing; filings ten working days from
    # Monday 14 December 2026: 28 December.
    (ev,) = evaluations("offshore-genai")
    obligations = table(ev)
    for assessment in ("sa2018-3-1", "dsm2022-20", "genai2023-17"):
        date, rule, recipients, _ = obligations[assessment]
        assert (date, rule) == ("2026-12-14", "before_event")
        assert len(recipients) == 2 and all(r.startswith("由主管部门确定") and "新加坡" in r for r in recipients)
        assert not any("市" in r for r in recipients)  # no invented city
    assert obligations["genai2023-17-filing"][:3] == ("2026-12-28", "within_working_days", FILING_SYSTEM)
    (note,) = ev["notes"]
    assert "第七条第一款" in note["zh"] and "to be determined by the competent authority" in note["en"]


def test_a_news_service_adopting_an_ai_anchor_owes_the_2017_news_assessment_and_the_deep_synthesis_duties() -> None:
    # 互联网新闻信息服务新技术新应用安全评估管理规定 Art. 3: 互联网新闻信息服务提供者调整增设新技术新应用 — an AI
    # anchor is one; Art. 7 onwards (the time limit) is not held, so no date. Whether the anchor materially changes
    # the service (2018 rule Art. 3(2)) is a judgement. An anchor's face and voice: Art. 17 labels, audio and video.
    (ev,) = evaluations("news-ai-anchor")
    obligations = table(ev)
    assert obligations["nt2017-3"] == (None, "unspecified", KEPT, False)
    assert obligations["sa2018-3-2"] == ("2026-12-16", "before_event", CAC_PSB["nj"], True)
    material = next(o for o in ev["obligations"] if o["trigger_id"] == "sa2018-3-2")
    assert material["outcome"] == "depends_on_judgement" and material["questions"] == ["material_change"]
    assert {
        "ailabel2025-4-audio",
        "ailabel2025-4-video",
        "dsm2022-16",
        "dsm2022-17",
        "dsm2022-20",
        "av2019-10",
        "av2019-11",
        "genai2023-17",
    } <= set(obligations)
    assert obligations["dsm2022-19"][0] == "2026-12-30"  # 17–18, 21–25, 28–30 December


def test_an_audio_video_platform_going_virtual_reality_owes_the_av2019_assessment_marked_unverified() -> None:
    # 网络音视频信息服务管理规定 Art. 10 (held as a recollection, unverified): a new technology such as virtual
    # reality on an audio-video service is assessed; the text's status is shown in every output.
    (ev,) = evaluations("video-vr")
    obligations = table(ev)
    assert obligations["av2019-10"] == ("2026-12-18", "before_event", CAC_PSB["wh"], False)
    assert obligations["sa2018-3-2"] == ("2026-12-18", "before_event", CAC_PSB["wh"], True)
    assert set(obligations) == {"av2019-10", "sa2018-3-2"}
    av = next(o for o in ev["obligations"] if o["trigger_id"] == "av2019-10")
    assert [q["status"] for q in av["quotes"]] == ["unverified"]
    here = EXAMPLES / "video-vr"
    text = redline("check", here / "service.yaml", "--change", here / "change.yaml", "--as-of", AS_OF).stdout
    assert "《网络音视频信息服务管理规定》第十条：“应当按照国家有关规定开展安全评估” [未核实]" in text


def test_a_shop_that_gains_a_community_now_files_and_assesses_its_existing_recommendation_algorithm() -> None:
    # 算法推荐管理规定 Art. 24(1): 具有舆论属性或者社会动员能力的算法推荐服务提供者 files within ten working days of
    # providing the service as such (21 December 2026 → 5 January 2027; 1 January is 元旦); Art. 27: assessment.
    (ev,) = evaluations("shop-community")
    assert table(ev) == {
        "sa2018-3-1": ("2026-12-21", "before_event", CAC_PSB["su"], False),
        "algo2021-24-gains-po": ("2027-01-05", "within_working_days", FILING_SYSTEM, False),
        "algo2021-27-gains-po": ("2026-12-21", "before_event", CAC_PSB["su"], False),
    }


def test_growth_by_seventy_percent_waits_on_a_judgement_then_follows_it() -> None:
    # 2018 rule Art. 3(3): 用户规模显著增加 — 10 M → 17 M is no presumption either way; 30 working days from
    # 2 November 2026 is 14 December 2026 if judged significant.
    (before,) = evaluations("forum-growth-judgement")
    assert table(before) == {"sa2018-3-3": ("2026-12-14", "within_working_days", CAC_PSB["xa"], True)}
    (ob,) = before["obligations"]
    assert ob["outcome"] == "depends_on_judgement" and ob["questions"] == ["significant_growth"]
    assert [q["id"] for q in before["questions"]] == ["significant_growth"]
    (after,) = evaluations("forum-growth-judgement", "change-judged.yaml")
    (ob,) = after["obligations"]
    assert (ob["trigger_id"], ob["outcome"], ob["due"]["date"]) == ("sa2018-3-3", "due", "2026-12-14")
    assert ob["judgements"][0]["by"] == "刘畅（合规负责人，虚构）" and after["questions"] == []
