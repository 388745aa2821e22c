from __future__ import annotations

import datetime as dt

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, Outcome, evaluate
from redline.domain.service import Change, HeldFiling, Issuer, IssuerKind, Notice, Provider, ServiceProfile
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind, ObligationKind, Recipient, TextStatus

AS_OF = dt.date(2026, 3, 1)


def service(
    *caps: str, location: str = "330106", declares: bool | None = None, filings: tuple[HeldFiling, ...] = ()
) -> ServiceProfile:
    return ServiceProfile(
        Provider("测试公司", location), "测试服务", caps, declares_public_opinion=declares, filings=filings
    )


def run(book: Rulebook, svc: ServiceProfile, change: Change, as_of: dt.date = AS_OF) -> Evaluation:
    return evaluate(book, svc, change, WorkCalendar(book.holidays), as_of)


def ids(evaluation: Evaluation) -> set[str]:
    return {o.trigger_id for o in evaluation.obligations}


def reason(evaluation: Evaluation, trigger_id: str) -> str:
    return next(n.reason.en for n in evaluation.not_triggered if n.trigger_id == trigger_id)


# Art. 3(1): launch or added function with public-opinion attributes


def test_launching_a_forum_requires_an_assessment_before_launch(book: Rulebook) -> None:
    ev = run(book, service("forum"), Change(EventKind.LAUNCH, dt.date(2026, 4, 1)))
    (ob,) = [o for o in ev.obligations if o.trigger_id == "sa2018-3-1"]
    assert ob.kind is ObligationKind.SECURITY_ASSESSMENT
    assert ob.due.date == dt.date(2026, 4, 1) and ob.due.strictly_before
    assert [q.cite for q in ob.quotes] == ["sa2018:3(1)"]
    assert ob.quotes[0].status is TextStatus.VERIFIED
    assert ob.due_quotes[0].status is TextStatus.UNVERIFIED
    assert [(a.kind, a.name.zh) for a in ob.recipients] == [
        (Recipient.LOCAL_CAC, "杭州市网信部门（所在地地市级以上）"),
        (Recipient.LOCAL_PSB, "杭州市公安机关（所在地地市级以上）"),
    ]


def test_adding_one_to_one_voice_chat_to_a_voice_app_requires_an_assessment(book: Rulebook) -> None:
    ev = run(
        book,
        service("voice_chat_room"),
        Change(EventKind.ADD_CAPABILITY, dt.date(2026, 5, 1), capabilities=("one_to_one_voice_chat",)),
    )
    assert "sa2018-3-1" in ids(ev)


def test_adding_a_function_without_public_opinion_attributes_triggers_no_assessment(book: Rulebook) -> None:
    ev = run(
        book,
        service("forum"),
        Change(EventKind.ADD_CAPABILITY, dt.date(2026, 5, 1), capabilities=("speech_synthesis",)),
    )
    assert "sa2018-3-1" not in ids(ev)
    assert "(speech synthesis) is not among public-opinion or social-mobilisation functions" in reason(ev, "sa2018-3-1")


def test_a_launch_that_is_overdue_is_flagged(book: Rulebook) -> None:
    ev = run(book, service("forum"), Change(EventKind.LAUNCH, dt.date(2026, 2, 1)))
    assert next(o for o in ev.obligations if o.trigger_id == "sa2018-3-1").due.overdue


# Art. 3(2): new technology with a material change


def test_a_material_technology_change_requires_an_assessment(book: Rulebook) -> None:
    change = Change(
        EventKind.ADOPT_TECHNOLOGY,
        dt.date(2026, 6, 1),
        technologies=("cloud_migration",),
        aspects=("infrastructure",),
        material_change=True,
    )
    assert "sa2018-3-2" in ids(run(book, service("microblog"), change))


def test_a_technology_change_not_stated_as_material_depends_on_judgement(book: Rulebook) -> None:
    # Moving a microblog to another cloud: 基础资源配置 changes, but whether 重大 is a judgement (Art. 3(2)).
    change = Change(EventKind.ADOPT_TECHNOLOGY, dt.date(2026, 6, 1), technologies=("cloud_migration",))
    ev = run(book, service("microblog"), change)
    ob = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-2")
    assert ob.outcome is Outcome.JUDGEMENT and not ob.presumed_due
    assert [q.id.value for q in ev.questions] == ["material_change"]


def test_a_technology_change_the_file_calls_not_material_does_not(book: Rulebook) -> None:
    change = Change(
        EventKind.ADOPT_TECHNOLOGY, dt.date(2026, 6, 1), technologies=("cloud_migration",), material_change=False
    )
    ev = run(book, service("microblog"), change)
    assert "sa2018-3-2" not in ids(ev)
    assert "not material" in reason(ev, "sa2018-3-2")


# Art. 3(3): significant user growth


def test_growth_from_two_to_twenty_million_requires_an_assessment_within_30_working_days(book: Rulebook) -> None:
    change = Change(EventKind.USER_GROWTH, dt.date(2026, 2, 2), mau_before=2_000_000, mau_after=20_000_000)
    ev = run(book, service("information_sharing", location="110105"), change)
    (ob,) = ev.obligations
    assert ob.trigger_id == "sa2018-3-3"
    # 30 working days from Monday 2 Feb 2026 across the Spring Festival (15-23 Feb off,
    # Saturdays 14 and 28 Feb worked): 3-13 Feb (9), 14 Feb (10), 24-28 Feb (15), 2-20 Mar (30).
    assert ob.due.date == dt.date(2026, 3, 20)
    assert not ob.due.provisional
    assert ob.recipients[0].name.zh.startswith("北京市")


def test_modest_growth_does_not_trigger_and_says_the_threshold_is_not_statutory(book: Rulebook) -> None:
    change = Change(EventKind.USER_GROWTH, dt.date(2026, 2, 2), mau_before=2_000_000, mau_after=2_500_000)
    ev = run(book, service("information_sharing"), change)
    assert ev.obligations == ()
    assert "x1.25" in reason(ev, "sa2018-3-3") and "sets no figure" in reason(ev, "sa2018-3-3")
    assert "not presumed significant" in reason(ev, "sa2018-3-3")


def test_the_provider_can_judge_modest_growth_material(book: Rulebook) -> None:
    change = Change(
        EventKind.USER_GROWTH, dt.date(2026, 2, 2), mau_before=2_000_000, mau_after=2_500_000, material_change=True
    )
    assert ids(run(book, service("information_sharing"), change)) == {"sa2018-3-3"}


# Art. 3(4): harmful information spread


def test_harmful_information_spreading_requires_a_new_assessment(book: Rulebook) -> None:
    ev = run(book, service("group_chat"), Change(EventKind.HARMFUL_INCIDENT, dt.date(2026, 3, 2)))
    (ob,) = ev.obligations
    assert (ob.trigger_id, ob.due.date) == ("sa2018-3-4", dt.date(2026, 4, 14))


def test_an_incident_on_a_public_speech_generator_waits_on_its_public_opinion_determination(book: Rulebook) -> None:
    # Speech synthesis is generative AI; whether a public gen-AI service has public-opinion attributes is the
    # question gen-AI Art. 17 leaves open: Art. 3(4) neither holds nor fails until it is judged.
    ev = run(book, service("speech_synthesis"), Change(EventKind.HARMFUL_INCIDENT, dt.date(2026, 3, 2)))
    (ob,) = ev.obligations
    assert (ob.trigger_id, ob.outcome.value, ob.presumed_due) == ("sa2018-3-4", "depends_on_judgement", False)
    assert "Nothing is certainly due" in ev.summary.en and "depends on a judgement" in ev.summary.en


def test_an_incident_on_a_service_without_public_opinion_attributes_triggers_nothing(book: Rulebook) -> None:
    ev = run(book, service("information_lookup"), Change(EventKind.HARMFUL_INCIDENT, dt.date(2026, 3, 2)))
    assert ev.obligations == ()
    assert "runs none of the services or functions Art. 2(1) lists" in reason(ev, "sa2018-3-4")
    assert "triggers no assessment" in ev.summary.en


# Art. 3(5): written notice


def test_a_written_notice_requires_an_assessment(book: Rulebook) -> None:
    notice = Notice(Issuer(IssuerKind.CAC, "杭州市委网信办", "330100"))
    ev = run(book, service("speech_synthesis"), Change(EventKind.REGULATOR_NOTICE, dt.date(2026, 3, 2), notice=notice))
    assert ids(ev) == {"sa2018-3-5"}


def test_a_notice_with_its_own_date_sets_the_deadline(book: Rulebook) -> None:
    notice = Notice(Issuer(IssuerKind.PUBLIC_SECURITY, "杭州市公安局", "330100"), due=dt.date(2026, 3, 20))
    ev = run(book, service("forum"), Change(EventKind.REGULATOR_NOTICE, dt.date(2026, 3, 2), notice=notice))
    assert ev.obligations[0].due.date == dt.date(2026, 3, 20)


# Later rules per technology


def test_adding_face_swap_to_a_sharing_app_brings_the_deep_synthesis_duties(book: Rulebook) -> None:
    change = Change(EventKind.ADD_CAPABILITY, dt.date(2026, 4, 1), capabilities=("face_swap",))
    ev = run(book, service("information_sharing"), change)
    # Face swap makes pictures and video (Art. 17(1)(3)): the 2025 measures label each (Art. 4(3), 4(4)).
    # Arts. 14 (training data; consent for face editing) and 15(1) (algorithm review) bind providers too.
    assert ids(ev) == {
        "dsm2022-20",
        "dsm2022-15",
        "dsm2022-19",
        "dsm2022-16",
        "dsm2022-17",
        "ailabel2025-4-image",
        "ailabel2025-4-video",
        "dsm2022-14-1",
        "dsm2022-14-2",
        "dsm2022-15-1",
    }
    filing = next(o for o in ev.obligations if o.trigger_id == "dsm2022-19")
    assert filing.kind is ObligationKind.ALGORITHM_FILING
    assert filing.due.date == dt.date(2026, 4, 16)  # 10 working days; 6 April (Qingming) off
    assert filing.recipients[0].kind is Recipient.ALGORITHM_FILING_SYSTEM


def test_face_swap_without_public_opinion_attributes_still_needs_assessment_and_labels(book: Rulebook) -> None:
    change = Change(EventKind.ADD_CAPABILITY, dt.date(2026, 4, 1), capabilities=("face_swap",))
    ev = run(book, service("image_generation"), change)
    due = {o.trigger_id for o in ev.obligations if o.outcome.value == "due"}
    assert due == {
        "dsm2022-15",
        "dsm2022-16",
        "dsm2022-17",
        "ailabel2025-4-image",
        "ailabel2025-4-video",
        "dsm2022-14-1",
        "dsm2022-14-2",
        "dsm2022-15-1",
    }  # Arts. 14, 15(1) bind providers
    # an image generator is generative AI: its public-opinion attributes are a judgement (gen-AI Art. 17),
    # and the assessment and filing that turn on them wait for it
    waiting = {o.trigger_id for o in ev.obligations if o.outcome.value == "depends_on_judgement"}
    assert waiting == {"dsm2022-19", "dsm2022-20"}


def test_launching_a_public_generative_ai_service_needs_assessment_filing_and_labels(book: Rulebook) -> None:
    svc = service("generative_ai_service", declares=True)
    ev = run(book, svc, Change(EventKind.LAUNCH, dt.date(2026, 5, 6)))
    assert {"genai2023-17", "genai2023-17-filing", "genai2023-12"} <= ids(ev)


def test_terminating_a_recommendation_service_asks_for_cancellation_in_20_working_days(book: Rulebook) -> None:
    filed = service("algorithmic_recommendation", "forum", filings=(HeldFiling("浙网信算备330106000000001号"),))
    ev = run(book, filed, Change(EventKind.TERMINATE, dt.date(2026, 6, 1), terminate=True))
    (ob,) = ev.obligations
    assert ob.kind is ObligationKind.FILING_CANCELLATION


def test_terminating_a_service_that_was_never_filed_triggers_nothing_and_says_why(book: Rulebook) -> None:
    ev = run(book, service("forum", "algorithmic_recommendation"), Change(EventKind.TERMINATE, dt.date(2026, 6, 1)))
    assert ev.obligations == ()
    assert "records no algorithm filing of this kind" in reason(ev, "algo2021-24-cancel")


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_change_kind_yields_obligations_or_a_reason(book: Rulebook, kind: EventKind) -> None:
    notice = Notice(None, authority="网信办") if kind is EventKind.REGULATOR_NOTICE else None
    change = Change(kind, dt.date(2026, 6, 1), notice=notice, mau_before=1, mau_after=1)
    ev = run(book, service("speech_synthesis"), change)
    assert ev.obligations or ev.not_triggered or "No rule" in ev.summary.en
    assert ev.summary.zh and ev.summary.en
