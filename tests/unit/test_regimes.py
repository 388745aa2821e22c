"""Every regime the rulebook holds is reached, and a provider outside China can be described.

Cases written from the texts held (src/redline/rulebook/data/regulations/, each with its source):
- nt2017 Art. 3: 互联网新闻信息服务提供者调整增设新技术新应用，应当建立健全信息安全管理制度和安全可控的技术保障措施;
  Art. 6: 应当建立健全新技术新应用安全评估管理制度和保障制度.
- av2019 Art. 11 (recollection, unverified): 制作、发布、传播非真实音视频信息的，应当以显著方式予以标识.
- algo2021 Art. 24(1): 具有舆论属性或者社会动员能力的算法推荐服务提供者应当在提供服务之日起十个工作日内……履行备案手续;
  Art. 27: ……应当按照国家有关规定开展安全评估.
- genai2023 Art. 12 (label generated content), Art. 17 (assessment and algorithm filing with public-opinion attributes).
- sa2018 Art. 7(1): 提交所在地地市级以上网信部门和公安机关 — a provider with no seat in China has no such place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, evaluate
from redline.domain.service import Audience, Change, Provider, ServiceProfile
from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.lint import lint
from redline.rulebook.schema import Article, DeadlineRule, Recipient, Regulation, TextStatus
from redline.services.assessment.documents import service_from
from redline.yamldoc import parse_yaml

MONDAY = dt.date(2026, 6, 1)
AS_OF = dt.date(2026, 5, 1)
HZ = Provider("某公司（虚构）", "330106")


def run(book: Rulebook, svc: ServiceProfile, change: Change) -> Evaluation:
    return evaluate(book, svc, change, WorkCalendar(book.holidays), AS_OF)


def ids(ev: Evaluation) -> set[str]:
    return {o.trigger_id for o in ev.obligations}


def test_a_news_service_adopting_an_ai_anchor_owes_the_2017_news_new_technology_assessment(book: Rulebook) -> None:
    news = ServiceProfile(
        HZ, "新闻客户端", ("news_information", "provider_publishing"), audience=Audience.PUBLIC, user_content=False
    )
    ev = run(book, news, Change(None, MONDAY, "新闻播报启用 AI 合成主播", capabilities=("ai_anchor",)))
    assert "nt2017-3" in ids(ev)
    duty = next(o for o in ev.obligations if o.trigger_id == "nt2017-3")
    assert {q.cite for q in duty.quotes} >= {"nt2017:3", "nt2017:6"}
    assert duty.due.rule is DeadlineRule.UNSPECIFIED and "第七条" in duty.due.note.zh  # Art. 7 is not held
    # the anchor synthesises a face and a voice: deep synthesis and biometric editing; it is generated content
    assert {"dsm2022-15", "dsm2022-16", "dsm2022-17", "genai2023-12"} <= ids(ev)


def test_a_news_service_adopting_the_ai_anchor_technology_owes_the_assessment_too(book: Rulebook) -> None:
    news = ServiceProfile(HZ, "新闻网站", ("news_information",))
    ev = run(book, news, Change(None, MONDAY, technologies=("ai_anchor",)))
    assert "nt2017-3" in ids(ev)
    again = run(
        book,
        ServiceProfile(HZ, "新闻网站", ("news_information",), technologies=("ai_anchor",)),
        Change(None, MONDAY, technologies=("ai_anchor",)),
    )
    assert "nt2017-3" not in ids(again)  # nothing new: no 新技术新应用


def test_a_service_that_is_not_a_news_service_is_not_told_of_the_news_rules(book: Rulebook) -> None:
    shop = ServiceProfile(HZ, "商城", ("online_shopping",))
    ev = run(book, shop, Change(None, MONDAY, capabilities=("ai_anchor",)))
    assert "nt2017-3" not in ids(ev)


def test_an_audio_video_platform_adding_a_face_swap_owes_the_av2019_label_shown_as_unverified(book: Rulebook) -> None:
    platform = ServiceProfile(HZ, "音视频平台", ("audio_video_platform",), user_content=True)
    ev = run(book, platform, Change(None, MONDAY, capabilities=("face_swap",), technologies=("deep_learning",)))
    assert {"av2019-10", "av2019-11"} <= ids(ev)
    label = next(o for o in ev.obligations if o.trigger_id == "av2019-11")
    assert [q.cite for q in label.quotes] == ["av2019:11"]
    assert label.quotes[0].status is TextStatus.UNVERIFIED  # the 2019 text held is a recollection
    assessment = next(o for o in ev.obligations if o.trigger_id == "av2019-10")
    assert assessment.quotes[0].status is TextStatus.UNVERIFIED


def test_an_audio_video_platform_gets_the_av2019_checklist(book: Rulebook) -> None:
    assert "av2019" in {c.id for c in book.checklists_for({*book.tags_of(["audio_video_platform"])})}


def test_a_recommendation_service_that_gains_public_opinion_attributes_owes_filing_and_assessment(
    book: Rulebook,
) -> None:
    # a shop with a recommendation algorithm and no user content: no public-opinion attributes, no filing owed
    shop = ServiceProfile(HZ, "商城", ("online_shopping", "algorithmic_recommendation"), user_content=False)
    ev = run(book, shop, Change(None, MONDAY, "开放买家评论区", capabilities=("comments",)))
    assert {"sa2018-3-1", "algo2021-24-gains-po", "algo2021-27-gains-po"} <= ids(ev)
    filing = next(o for o in ev.obligations if o.trigger_id == "algo2021-24-gains-po")
    # ten working days from 1 June 2026: 2-5, 8-12, 15 June
    assert filing.due.date == dt.date(2026, 6, 15)
    assert [a.kind for a in filing.recipients] == [Recipient.ALGORITHM_FILING_SYSTEM]
    assessment = next(o for o in ev.obligations if o.trigger_id == "algo2021-27-gains-po")
    assert assessment.due.strictly_before and assessment.due.date == MONDAY


def test_a_service_that_already_had_public_opinion_attributes_does_not_newly_gain_them(book: Rulebook) -> None:
    forum = ServiceProfile(HZ, "论坛", ("forum", "algorithmic_recommendation"))
    ev = run(book, forum, Change(None, MONDAY, capabilities=("comments",)))
    assert not {"algo2021-24-gains-po", "algo2021-27-gains-po"} & ids(ev)


@pytest.mark.parametrize(
    "capability",
    [
        "voice_cloning",
        "speech_synthesis",
        "text_generation",
        "image_generation",
        "video_generation",
        "face_generation",
        "ai_anchor",
    ],
)
def test_every_generating_capability_carries_the_generative_ai_duties(book: Rulebook, capability: str) -> None:
    public = ServiceProfile(HZ, "社区", ("forum",))
    ev = run(book, public, Change(None, MONDAY, capabilities=(capability,)))
    assert {"genai2023-12", "genai2023-17", "genai2023-17-filing"} <= ids(ev)


def test_a_voice_cloning_service_launched_to_the_public_owes_the_generative_ai_duties(book: Rulebook) -> None:
    clone = ServiceProfile(HZ, "克隆声音", ("voice_cloning", "information_sharing"))
    ev = run(book, clone, Change(None, MONDAY, launch=True))
    assert {"genai2023-12", "genai2023-17", "genai2023-17-filing", "dsm2022-15", "ailabel2025-4-audio"} <= ids(ev)


def _offshore(book: Rulebook, provider: str) -> ServiceProfile:
    text = (
        f"provider:\n{provider}service:\n  name: Chat\n  audience: public\n"
        "  capabilities: [generative_ai_service, text_generation]\n  declares_public_opinion: true\n"
    )
    return service_from(book, parse_yaml(text, "service.yaml"))


def test_an_offshore_generative_ai_service_has_recipients_to_be_determined_with_the_basis(book: Rulebook) -> None:
    svc = _offshore(book, "  name: Example AI Pte. Ltd.\n  location: outside_china\n  country: Singapore\n")
    assert svc.provider.location is None and svc.provider.outside_china
    ev = run(book, svc, Change(None, MONDAY, launch=True))
    assessment = next(o for o in ev.obligations if o.trigger_id == "genai2023-17")
    for addressee in assessment.recipients:
        assert addressee.division is None
        assert addressee.name.zh.startswith("由主管部门确定") and "境外" in addressee.name.zh
        assert "to be determined by the competent authority" in addressee.name.en
    basis = next(n for n in ev.notes if "由主管部门确定" in n.zh)
    assert "所在地地市级以上网信部门和公安机关" in basis.zh and "Art. 7(1)" in basis.en
    assert not any(city in repr(ev.obligations) for city in ("北京", "杭州", "Beijing"))
    filing = next(o for o in ev.obligations if o.trigger_id == "genai2023-17-filing")
    assert [a.kind for a in filing.recipients] == [Recipient.ALGORITHM_FILING_SYSTEM]


def test_a_provider_without_a_stated_seat_can_be_checked(book: Rulebook) -> None:
    svc = _offshore(book, "  name: 无所在地公司\n")
    ev = run(book, svc, Change(None, MONDAY, launch=True))
    assert all(a.division is None for o in ev.obligations for a in o.recipients)
    assert any("未写明所在地" in a.name.zh for o in ev.obligations for a in o.recipients)


def test_a_country_without_outside_china_is_refused_naming_the_field(book: Rulebook) -> None:
    with pytest.raises(InputError) as err:
        _offshore(book, "  name: X\n  location: '330106'\n  country: Singapore\n")
    assert "outside_china" in str(err.value)


def test_lint_catches_an_article_no_trigger_or_checklist_cites(book: Rulebook) -> None:
    assert lint(book).ok
    nt = book.regulation("nt2017")
    uncited = nt.articles[0].model_copy(update={"number": 99, "context_only": False})
    broken = _with_articles(book, nt, [*nt.articles, uncited])
    problems = [p for p in lint(broken).errors if p.where == "regulation nt2017 article 99"]
    assert problems and "context_only" in problems[0].message
    marked = uncited.model_copy(update={"context_only": True})
    assert not [p for p in lint(_with_articles(book, nt, [*nt.articles, marked])).errors if "99" in p.where]


def _with_articles(book: Rulebook, reg: Regulation, articles: list[Article]) -> Rulebook:
    changed = reg.model_copy(update={"articles": articles})
    return dataclasses.replace(book, regulations=tuple(changed if r.id == reg.id else r for r in book.regulations))


def _cited_by_items(book: Rulebook, checklist_id: str) -> dict[str, str]:
    return {q.cite: item.id for item in book.checklist(checklist_id).items for q in item.quotes}


def test_labelling_materials_for_filings_and_assessments_are_asked_in_the_labelling_checklist(book: Rulebook) -> None:
    # 标识办法 Art. 12: 服务提供者在履行算法备案、安全评估等手续时，应当按照本办法提供生成合成内容标识相关材料
    assert "ailabel2025:12" in _cited_by_items(book, "ailabel2025")
    article = next(a for a in book.regulation("ailabel2025").articles if a.number == 12)
    assert not article.context_only


def test_the_assessment_asks_whether_what_it_found_was_rectified_and_the_reports_basic_facts(book: Rulebook) -> None:
    # 2018 rule Art. 6(1): 在安全评估中发现存在安全隐患的，应当及时整改，直至消除相关安全隐患;
    # Art. 6(2)(1): the report states 功能、服务范围、软硬件设施、部署位置等基本情况和相关证照获取情况
    cited = _cited_by_items(book, "sa2018-art5")
    assert {"sa2018:6.1", "sa2018:6.2(1)"} <= set(cited)
    article = next(a for a in book.regulation("sa2018").articles if a.number == 6)
    assert not article.context_only


def test_content_management_duties_stay_context_only(book: Rulebook) -> None:
    # Cybersecurity Law Art. 47 and the 2019 content-ecology rules bind every item posted, every day: no change
    # occasions them, so no trigger cites them.
    assert next(a for a in book.regulation("csl2016").articles if a.number == 47).context_only
    assert all(a.context_only for a in book.regulation("ecology2019").articles)
