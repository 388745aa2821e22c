"""Changes as facts, measured against the profile.

A change may carry several facts. A timbre-cloning voice changer is a new technology (Art. 3(2) of the 2018 rule:
使用新技术新应用，使信息服务的功能属性……发生重大变更) and a new deep-synthesis function (dsm2022 Arts. 15, 16, 17,
19, 20). Whether the algorithm filing is a first filing
(algo2021 Art. 24(1): 在提供服务之日起十个工作日内……履行备案手续)
or a change (Art. 24(2): 备案信息发生变更的，应当在变更之日起十个工作日内办理变更手续) depends on the filings the
service already holds. Adding again what the service already has adds nothing (Art. 3(1): 增设相关功能).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, evaluate
from redline.domain.service import AlgorithmClass, Change, HeldFiling, Provider, ServiceProfile
from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind, ObligationKind, Recipient
from redline.services.assessment.checking import check_changes
from redline.services.assessment.documents import change_from, changes_from
from redline.yamldoc import parse_yaml

Write = Callable[[str, str], Path]
MONDAY = dt.date(2026, 6, 1)
AS_OF = dt.date(2026, 5, 1)
VOICE = ServiceProfile(Provider("声浪（虚构）", "330106"), "声浪", ("voice_chat_room", "group_chat"))
VOICE_CHANGER = Change(
    None, MONDAY, "变声器：克隆指定音色", capabilities=("voice_cloning",), technologies=("deep_learning",)
)


def run(book: Rulebook, svc: ServiceProfile, change: Change) -> Evaluation:
    return evaluate(book, svc, change, WorkCalendar(book.holidays), AS_OF)


def ids(ev: Evaluation) -> set[str]:
    return {o.trigger_id for o in ev.obligations}


def reason(ev: Evaluation, trigger_id: str) -> str:
    return next(n.reason.en for n in ev.not_triggered if n.trigger_id == trigger_id)


def test_a_voice_cloning_changer_is_a_new_technology_and_a_new_deep_synthesis_function(book: Rulebook) -> None:
    ev = run(book, VOICE, VOICE_CHANGER)
    # av2019 Art. 10 too: an audio-video service adjusts its functions on deep learning; and a cloned voice is
    # audio a listener may take for real, so the 2025 measures' audio label (Art. 4) is owed as well; a cloned
    # voice is generated content, so the generative-AI measures apply (Art. 12 labels, Art. 17 assessment and
    # filing), and av2019 Art. 11 asks the audio-video service to label non-real audio prominently
    assert ids(ev) == {
        "sa2018-3-2",
        "dsm2022-20",
        "dsm2022-15",
        "dsm2022-16",
        "dsm2022-17",
        "dsm2022-19",
        "av2019-10",
        "ailabel2025-4-audio",
        "av2019-11",
        "genai2023-12",
        "genai2023-17",
        "genai2023-17-filing",
        "dsm2022-14-1",
        "dsm2022-14-2",
        "dsm2022-15-1",
    }
    art_3_2 = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-2")
    assert art_3_2.due.date == MONDAY and art_3_2.due.strictly_before  # before the new technology goes live
    assert art_3_2.requires_judgement and "function attributes change materially" in art_3_2.presumptions[0].en
    assert [a.kind for a in art_3_2.recipients] == [Recipient.LOCAL_CAC, Recipient.LOCAL_PSB]
    filing = next(o for o in ev.obligations if o.trigger_id == "dsm2022-19")
    # a first filing: ten working days from the day service starts (2-5, 8-12, 15 June 2026)
    assert filing.kind is ObligationKind.ALGORITHM_FILING and filing.due.date == dt.date(2026, 6, 15)
    assert "records no algorithm filing" in reason(ev, "algo2021-24-change-function")
    assert "(voice cloning) is not among public-opinion" in reason(ev, "sa2018-3-1")


def test_the_provider_may_judge_the_new_technology_not_material(book: Rulebook) -> None:
    ev = run(
        book,
        VOICE,
        Change(None, MONDAY, capabilities=("voice_cloning",), technologies=("deep_learning",), material_change=False),
    )
    assert "sa2018-3-2" not in ids(ev) and "dsm2022-20" in ids(ev)


def test_a_service_already_filed_changes_its_filing_instead_of_filing_anew(book: Rulebook) -> None:
    filed = HeldFiling("浙网信算备330106000000001号", dt.date(2025, 3, 1), (AlgorithmClass.DEEP_SYNTHESIS,))
    svc = ServiceProfile(VOICE.provider, VOICE.name, VOICE.capabilities, filings=(filed,))
    ev = run(book, svc, VOICE_CHANGER)
    assert "dsm2022-19" not in ids(ev)
    assert "already holds algorithm filing 浙网信算备330106000000001号" in reason(ev, "dsm2022-19")
    change = next(o for o in ev.obligations if o.trigger_id == "algo2021-24-change-function")
    assert change.kind is ObligationKind.FILING_CHANGE and change.due.date == dt.date(2026, 6, 15)


def test_a_recommendation_filing_does_not_cover_a_new_deep_synthesis_function(book: Rulebook) -> None:
    filed = HeldFiling("浙网信算备330106000000002号", covers=(AlgorithmClass.ALGORITHMIC_RECOMMENDATION,))
    svc = ServiceProfile(
        VOICE.provider, VOICE.name, (*VOICE.capabilities, "algorithmic_recommendation"), filings=(filed,)
    )
    ev = run(book, svc, VOICE_CHANGER)
    assert "dsm2022-19" in ids(ev) and "algo2021-24-change-function" not in ids(ev)


def test_adopting_a_technology_on_a_never_filed_service_asks_no_change_of_filing(book: Rulebook) -> None:
    svc = ServiceProfile(VOICE.provider, "拾光", ("information_sharing", "image_generation"))
    ev = run(
        book, svc, Change(EventKind.ADOPT_TECHNOLOGY, MONDAY, technologies=("cloud_migration",), material_change=True)
    )
    assert "algo2021-24-change" not in ids(ev) and "sa2018-3-2" in ids(ev)
    assert "no filing to change or cancel" in reason(ev, "algo2021-24-change")


def test_adding_again_a_function_the_service_has_triggers_nothing_and_says_why(book: Rulebook) -> None:
    ev = run(book, VOICE, Change(EventKind.ADD_CAPABILITY, MONDAY, capabilities=("group_chat",)))
    assert ev.obligations == ()
    assert "already has group chat" in reason(ev, "sa2018-3-1")
    assert any("already has group chat" in n.en for n in ev.notes)


def test_removing_a_function_the_profile_lacks_is_noted(book: Rulebook) -> None:
    ev = run(book, VOICE, Change(None, MONDAY, capabilities_removed=("forum",), harmful_incident=True))
    assert "sa2018-3-4" in ids(ev)
    assert any("has no forum to remove" in n.en for n in ev.notes)


def test_removing_every_public_opinion_function_leaves_no_article_3_4_duty(book: Rulebook) -> None:
    svc = ServiceProfile(VOICE.provider, "天气", ("group_chat", "information_lookup"), user_content=False)
    ev = run(book, svc, Change(None, MONDAY, capabilities_removed=("group_chat",), harmful_incident=True))
    assert ev.obligations == () and "Art. 2(1)" in reason(ev, "sa2018-3-4")


def test_an_old_one_kind_change_file_reads_as_a_one_fact_change(book: Rulebook) -> None:
    old = change_from(book, parse_yaml("kind: add_capability\ndate: 2026-06-01\ncapabilities: [face_swap]\n", "c"))
    new = change_from(book, parse_yaml("date: 2026-06-01\ncapabilities: [face_swap]\n", "c"))
    assert old.events() == new.events() == {EventKind.ADD_CAPABILITY}
    assert ids(run(book, VOICE, old)) == ids(run(book, VOICE, new))


def test_a_change_without_any_fact_is_refused(book: Rulebook) -> None:
    with pytest.raises(InputError) as caught:
        change_from(book, parse_yaml("date: 2026-06-01\ndescription: nothing\n", "c.yaml"))
    assert caught.value.line == 1 and "at least one fact" in caught.value.message


def test_a_file_may_hold_several_changes_each_named_by_its_place(book: Rulebook) -> None:
    text = (
        "changes:\n  - {date: 2026-06-01, capabilities: [forum]}\n  - {date: 2026-07-01, capabilities: [telepathy]}\n"
    )
    with pytest.raises(InputError) as caught:
        changes_from(book, parse_yaml(text, "c.yaml"))
    assert caught.value.line == 3 and caught.value.field == "changes.1.capabilities.0"


def test_changes_are_evaluated_in_order_against_the_profile_the_earlier_ones_left(book: Rulebook, write: Write) -> None:
    service = write(
        "s.yaml",
        "provider: {name: 公司, location: '330106'}\nservice:\n  name: 天气\n"
        "  user_content: false\n  capabilities: [information_lookup]\n",
    )
    first = write("a.yaml", "date: 2026-06-01\ncapabilities: [forum]\n")
    second = write(
        "b.yaml",
        "changes:\n  - {date: 2026-07-01, capabilities: [forum]}\n  - {date: 2026-08-03, harmful_incident: true}\n",
    )
    evaluations = check_changes(book, service, [first, second], AS_OF)
    assert [ids(e) for e in evaluations] == [{"sa2018-3-1"}, set(), {"sa2018-3-4"}]


def test_a_user_figure_needs_a_figure_before_the_change(book: Rulebook, write: Write) -> None:
    service = write(
        "s.yaml", "provider: {name: 公司, location: '330106'}\nservice:\n  name: 论坛\n  capabilities: [forum]\n"
    )
    change = write("c.yaml", "date: 2026-06-01\nmau_after: 3000000\n")
    with pytest.raises(InputError) as caught:
        check_changes(book, service, [change], AS_OF)
    assert caught.value.field == "mau_after" and "mau_before" in caught.value.message


def test_filings_held_are_read_from_the_profile(book: Rulebook) -> None:
    from redline.services.assessment.documents import service_from

    text = (
        "provider: {name: 公司, location: '330106'}\nservice:\n  name: 推荐\n"
        "  capabilities: [forum, algorithmic_recommendation]\n"
        "  filings:\n    - {number: 浙网信算备1号, date: 2024-05-06, covers: [algorithmic_recommendation]}\n"
    )
    svc = service_from(book, parse_yaml(text, "s.yaml"))
    assert svc.filings == (
        HeldFiling("浙网信算备1号", dt.date(2024, 5, 6), (AlgorithmClass.ALGORITHMIC_RECOMMENDATION,)),
    )
    ev = run(book, svc, Change(EventKind.TERMINATE, MONDAY))
    (ob,) = ev.obligations
    assert ob.kind is ObligationKind.FILING_CANCELLATION


@pytest.mark.parametrize(("before", "after"), [(2_000_000, 1_500_000), (2_000_000, 2_000_000)])
def test_a_claimed_growth_with_no_more_users_after_than_before_is_refused(
    book: Rulebook, write: Write, before: int, after: int
) -> None:
    """Issue 17: a fall in users (or none) is not the user growth of Art. 3(3) that a `user_growth` change claims."""
    service = write(
        "s.yaml", "provider: {name: 公司, location: '330106'}\nservice:\n  name: 论坛\n  capabilities: [forum]\n"
    )
    change = write("c.yaml", f"kind: user_growth\ndate: 2026-06-01\nmau_before: {before}\nmau_after: {after}\n")
    with pytest.raises(InputError) as caught:
        check_changes(book, service, [change], AS_OF)
    assert caught.value.field == "mau_after" and caught.value.line == 4
    assert "not growth" in caught.value.message


def test_a_claimed_growth_is_measured_against_the_profiles_users_when_no_figure_before_is_given(
    book: Rulebook, write: Write
) -> None:
    service = write(
        "s.yaml",
        "provider: {name: 公司, location: '330106'}\nservice:\n  name: 论坛\n"
        "  capabilities: [forum]\n  monthly_active_users: 3000000\n",
    )
    change = write("c.yaml", "changes:\n  - {kind: user_growth, date: 2026-06-01, mau_after: 1000000}\n")
    with pytest.raises(InputError) as caught:
        check_changes(book, service, [change], AS_OF)
    assert caught.value.field == "changes.0.mau_after" and "not growth" in caught.value.message


def test_a_fall_in_users_not_claimed_as_growth_is_recorded_and_triggers_nothing(book: Rulebook, write: Write) -> None:
    service = write(
        "s.yaml", "provider: {name: 公司, location: '330106'}\nservice:\n  name: 论坛\n  capabilities: [forum]\n"
    )
    change = write("c.yaml", "date: 2026-06-01\nmau_before: 3000000\nmau_after: 1000000\n")
    (evaluation,) = check_changes(book, service, [change], AS_OF)
    assert "sa2018-3-3" not in ids(evaluation)
