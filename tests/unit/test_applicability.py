"""Art. 2 of the 2018 rule: which services have public-opinion attributes or social-mobilisation capability.

本规定所称具有舆论属性或社会动员能力的互联网信息服务，包括下列情形：（一）开办论坛、博客、微博客、聊天室、
通讯群组、公众账号、短视频、网络直播、信息分享、小程序等信息服务或者附设相应功能；（二）开办提供公众舆论表达
渠道或者具有发动社会公众从事特定活动能力的其他互联网信息服务。Art. 3(1) then asks for an assessment when such a
service launches. Cases a lawyer would try: services for employees only, services without user content, services
declared by their provider, and the words a provider reads when nothing is due.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from redline.domain.applicability import Ground, determine
from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, Outcome, evaluate
from redline.domain.service import Audience, Change, Provider, ServiceProfile
from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind
from redline.services.assessment.documents import service_from
from redline.yamldoc import parse_yaml

LAUNCH = Change(EventKind.LAUNCH, dt.date(2026, 9, 1))
AS_OF = dt.date(2026, 8, 1)


def profile(
    *caps: str, audience: Audience = Audience.PUBLIC, user_content: bool | None = None, declares: bool | None = None
) -> ServiceProfile:
    return ServiceProfile(
        Provider("测试公司", "330106"),
        "测试服务",
        caps,
        audience=audience,
        user_content=user_content,
        declares_public_opinion=declares,
    )


def launch(book: Rulebook, svc: ServiceProfile, change: Change = LAUNCH) -> Evaluation:
    return evaluate(book, svc, change, WorkCalendar(book.holidays), AS_OF)


def skipped(ev: Evaluation, trigger_id: str) -> tuple[str, bool]:
    nt = next(n for n in ev.not_triggered if n.trigger_id == trigger_id)
    return nt.reason.en, nt.requires_judgement


def waiting(ev: Evaluation, trigger_id: str) -> str:
    """The presumption a duty that depends on judgement rests on."""
    ob = next(o for o in ev.obligations if o.trigger_id == trigger_id)
    assert ob.outcome is Outcome.JUDGEMENT and not ob.presumed_due
    return " ".join(p.en for p in ob.presumptions)


def test_an_employee_only_group_chat_depends_on_judgement_presumed_not_assessed(book: Rulebook) -> None:
    # A company's internal messenger: group chats (listed in Art. 2(1)) but for its staff only.
    ev = launch(book, profile("group_chat", "office_collaboration", audience=Audience.CLOSED_GROUP))
    reason = waiting(ev, "sa2018-3-1")
    assert [q.id.value for q in ev.questions] == ["public_opinion"]
    assert "open only to a closed group or the provider's own staff" in reason
    assert "group chat, which Art. 2(1) lists" in reason and "requires human judgement" in reason
    assert ev.applicability is not None and ev.applicability.ground is Ground.CLOSED
    assert not ev.applicability.public_opinion and ev.applicability.requires_judgement


def test_a_closed_service_adding_a_group_chat_depends_on_judgement_and_says_why(book: Rulebook) -> None:
    change = Change(EventKind.ADD_CAPABILITY, dt.date(2026, 9, 1), capabilities=("group_chat",))
    ev = launch(book, profile("office_collaboration", audience=Audience.CLOSED_GROUP), change)
    assert "closed group" in waiting(ev, "sa2018-3-1")


def test_a_weather_app_without_user_content_has_no_public_opinion_attributes(book: Rulebook) -> None:
    ev = launch(book, profile("information_lookup", user_content=False))
    assert ev.obligations == ()
    reason, judgement = skipped(ev, "sa2018-3-1")
    assert not judgement
    assert "runs none of the services or functions Art. 2(1) lists" in reason
    assert "users cannot publish or spread content" in reason and "Art. 2(2)" in reason
    zh = next(n.reason.zh for n in ev.not_triggered if n.trigger_id == "sa2018-3-1")
    assert "第二条第（一）项" in zh and "用户不能发布或传播信息" in zh


def test_a_profile_may_describe_a_service_with_no_public_opinion_capability_at_all(book: Rulebook) -> None:
    text = textwrap.dedent("""\
        provider: {name: 天气公司, location: '330106'}
        service:
          name: 天气
          audience: public
          user_content: false
          capabilities: []
        """)
    svc = service_from(book, parse_yaml(text, "weather.yaml"))
    assert svc.capabilities == () and svc.user_content is False
    assert not determine(book, svc).public_opinion


def test_an_unknown_audience_is_refused_naming_line_and_field(book: Rulebook) -> None:
    text = "provider: {name: 公司, location: '330106'}\nservice:\n  name: 服务\n  audience: friends\n"
    with pytest.raises(InputError) as caught:
        service_from(book, parse_yaml(text, "s.yaml"))
    assert caught.value.line == 4 and caught.value.field == "service.audience"


def test_launching_a_service_the_provider_declares_under_article_2_2_requires_an_assessment(book: Rulebook) -> None:
    # A petition site: no function Art. 2(1) lists, but it can mobilise the public (Art. 2(2)).
    ev = launch(book, profile("provider_publishing", declares=True))
    ob = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-1")
    assert ob.due.date == dt.date(2026, 9, 1) and ob.due.strictly_before and not ob.requires_judgement
    assert ev.applicability is not None and ev.applicability.ground is Ground.DECLARED
    assert "Art. 2(2)" in ev.applicability.explanation.en


def test_a_public_service_where_users_publish_is_presumed_a_channel_of_public_opinion(book: Rulebook) -> None:
    ev = launch(book, profile("online_shopping", user_content=True))
    ob = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-1")
    assert ob.requires_judgement
    assert any("presumes it is a service described in Art. 2(2)" in p.en for p in ob.presumptions)


def test_the_provider_may_judge_user_content_not_a_channel_of_public_opinion(book: Rulebook) -> None:
    ev = launch(book, profile("online_shopping", user_content=True, declares=False))
    assert ev.obligations == ()
    assert "the provider judges" in skipped(ev, "sa2018-3-1")[0]


def test_a_declaration_against_a_function_article_2_1_lists_is_not_followed_blindly(book: Rulebook) -> None:
    ev = launch(book, profile("forum", declares=False))
    ob = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-1")
    assert ob.requires_judgement
    assert ev.applicability is not None and "declares no public-opinion attributes" in ev.applicability.explanation.en


@pytest.mark.parametrize(
    "svc",
    [
        profile("information_lookup", user_content=False),
        profile("group_chat", audience=Audience.CLOSED_GROUP),
        profile("speech_synthesis"),
        profile("forum"),
    ],
)
def test_reasons_are_written_in_words_never_as_tag_names(book: Rulebook, svc: ServiceProfile) -> None:
    changes = [
        LAUNCH,
        Change(EventKind.HARMFUL_INCIDENT, dt.date(2026, 9, 1)),
        Change(EventKind.ADD_CAPABILITY, dt.date(2026, 9, 1), capabilities=("speech_synthesis",)),
    ]
    for change in changes:
        for nt in launch(book, svc, change).not_triggered:
            for text in (nt.reason.zh, nt.reason.en):
                assert "tagged" not in text and "_" not in text, text


def test_every_class_of_capability_has_words_for_a_reader() -> None:
    from redline.domain.words import TAGS
    from redline.rulebook.schema import CapabilityTag

    assert set(TAGS) == set(CapabilityTag)
