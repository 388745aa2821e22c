"""Rules in time: a rule, and each text it cites, applies only to changes on or after its effective date.

Effective dates, from the texts themselves:
- 具有舆论属性或社会动员能力的互联网信息服务安全评估规定: 2018-11-30 (Art. 14; freewechat 导语).
- 互联网信息服务深度合成管理规定 Art. 25: 本规定自2023年1月10日起施行.
- 生成式人工智能服务管理暂行办法: 2023-08-15.
- 互联网信息服务算法推荐管理规定 Art. 35: 本规定自2022年3月1日起施行.
- 人工智能生成合成内容标识办法 Art. 14: 本办法自2025年9月1日起施行; GB 45438-2025 实施 2025-09-01.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, evaluate
from redline.domain.service import Change, Provider, ServiceProfile
from redline.errors import RulebookError
from redline.rulebook.book import Rulebook
from redline.rulebook.lint import lint
from redline.rulebook.loader import load_rulebook
from redline.rulebook.schema import Deadline, DeadlineRule, EventKind, Quote
from tests.unit.test_rulebook import _replace, data_copy

__all__ = ["data_copy"]  # a fixture, used by name

AS_OF = dt.date(2026, 11, 26)
DEEP_SYNTHESIS_DUTIES = {"dsm2022-20", "dsm2022-15", "dsm2022-19", "dsm2022-16", "dsm2022-17"}


def service(*caps: str, declares: bool = False) -> ServiceProfile:
    return ServiceProfile(Provider("测试公司", "330106"), "测试服务", caps, declares_public_opinion=declares)


def run(book: Rulebook, svc: ServiceProfile, change: Change) -> Evaluation:
    return evaluate(book, svc, change, WorkCalendar(book.holidays), AS_OF)


def ids(evaluation: Evaluation) -> set[str]:
    return {o.trigger_id for o in evaluation.obligations}


def skipped(evaluation: Evaluation, trigger_id: str) -> tuple[str, str, dt.date | None]:
    nt = next(n for n in evaluation.not_triggered if n.trigger_id == trigger_id)
    return nt.reason.zh, nt.reason.en, nt.in_force_from


def add_face_swap(day: dt.date) -> Change:
    return Change(EventKind.ADD_CAPABILITY, day, capabilities=("face_swap",))


# 深度合成管理规定: in force 2023-01-10


def test_face_swap_added_before_the_deep_synthesis_rule_took_effect_brings_no_deep_synthesis_duty(
    book: Rulebook,
) -> None:
    ev = run(book, service("information_sharing"), add_face_swap(dt.date(2022, 12, 1)))
    assert ids(ev) & DEEP_SYNTHESIS_DUTIES == set()
    for trigger_id in DEEP_SYNTHESIS_DUTIES:
        zh, en, since = skipped(ev, trigger_id)
        assert since == dt.date(2023, 1, 10)
        assert "not yet in force (2023-01-10)" in en
        assert "未生效（2023-01-10 起施行）" in zh
        assert "2022-12-01" in en and "2022-12-01" in zh


def test_face_swap_added_after_the_deep_synthesis_rule_took_effect_brings_its_duties(book: Rulebook) -> None:
    ev = run(book, service("information_sharing"), add_face_swap(dt.date(2023, 2, 1)))
    assert ids(ev) >= DEEP_SYNTHESIS_DUTIES


def test_the_effective_day_itself_is_in_force(book: Rulebook) -> None:
    ev = run(book, service("information_sharing"), add_face_swap(dt.date(2023, 1, 10)))
    assert ids(ev) >= DEEP_SYNTHESIS_DUTIES


# 2018 rule: in force 2018-11-30


def test_a_forum_launched_in_2017_gets_no_article_3_1_assessment_and_is_told_why(book: Rulebook) -> None:
    ev = run(book, service("forum"), Change(EventKind.LAUNCH, dt.date(2017, 6, 1)))
    assert "sa2018-3-1" not in ids(ev)
    zh, en, since = skipped(ev, "sa2018-3-1")
    assert since == dt.date(2018, 11, 30)
    assert "not yet in force (2018-11-30)" in en and "未生效（2018-11-30 起施行）" in zh
    assert "具有舆论属性或社会动员能力的互联网信息服务安全评估规定" in zh


def test_a_forum_launched_on_the_day_the_2018_rule_took_effect_is_assessed(book: Rulebook) -> None:
    ev = run(book, service("forum"), Change(EventKind.LAUNCH, dt.date(2018, 11, 30)))
    assert "sa2018-3-1" in ids(ev)


# 生成式人工智能服务管理暂行办法 2023-08-15; 算法推荐管理规定 2022-03-01


def test_a_generative_ai_service_launched_before_the_interim_measures_gets_no_genai_duty(book: Rulebook) -> None:
    ev = run(book, service("generative_ai_service", declares=True), Change(EventKind.LAUNCH, dt.date(2023, 8, 14)))
    assert {"genai2023-17", "genai2023-17-filing", "genai2023-12"}.isdisjoint(ids(ev))
    assert "not yet in force (2023-08-15)" in skipped(ev, "genai2023-12")[1]


def test_a_recommendation_service_launched_in_february_2022_needs_no_algorithm_filing(book: Rulebook) -> None:
    ev = run(book, service("algorithmic_recommendation", "forum"), Change(EventKind.LAUNCH, dt.date(2022, 2, 28)))
    assert "algo2021-24" not in ids(ev)
    assert "not yet in force (2022-03-01)" in skipped(ev, "algo2021-24")[1]
    assert "sa2018-3-1" in ids(ev)


# 标识办法 and GB 45438-2025: in force 2025-09-01


def test_a_labelling_duty_in_2024_rests_on_the_deep_synthesis_rule_and_not_the_2025_measures(book: Rulebook) -> None:
    ev = run(
        book,
        service("forum"),
        Change(EventKind.ADD_CAPABILITY, dt.date(2024, 5, 6), capabilities=("speech_synthesis",)),
    )
    label = next(o for o in ev.obligations if o.trigger_id == "dsm2022-17")
    cited = {q.cite.split(":")[0] for q in (*label.quotes, *label.due_quotes, *label.submit_quotes)}
    assert cited == {"dsm2022"}
    (pending,) = label.not_yet_in_force
    assert (pending.cite, pending.in_force_from) == ("ailabel2025:4.1", dt.date(2025, 9, 1))
    assert "not yet in force (2025-09-01)" in pending.note.en
    assert "未生效（2025-09-01 起施行）" in pending.note.zh
    implicit = next(o for o in ev.obligations if o.trigger_id == "dsm2022-16")
    assert [q.cite for q in implicit.quotes] == ["dsm2022:16"]
    assert [p.cite for p in implicit.not_yet_in_force] == ["ailabel2025:5.1"]


def test_the_audio_label_rule_of_the_2025_measures_is_not_yet_in_force_for_a_2024_change(book: Rulebook) -> None:
    ev = run(
        book,
        service("forum"),
        Change(EventKind.ADD_CAPABILITY, dt.date(2024, 5, 6), capabilities=("speech_synthesis",)),
    )
    assert "ailabel2025-4-audio" not in ids(ev)
    zh, en, since = skipped(ev, "ailabel2025-4-audio")
    assert since == dt.date(2025, 9, 1)
    assert "not yet in force (2025-09-01)" in en and "人工智能生成合成内容标识办法" in zh


def test_from_september_2025_the_measures_are_cited_and_nothing_is_pending(book: Rulebook) -> None:
    ev = run(
        book,
        service("forum"),
        Change(EventKind.ADD_CAPABILITY, dt.date(2025, 9, 1), capabilities=("speech_synthesis",)),
    )
    assert {"dsm2022-17", "ailabel2025-4-audio"} <= ids(ev)
    label = next(o for o in ev.obligations if o.trigger_id == "dsm2022-17")
    assert "ailabel2025:4.1" in [q.cite for q in label.quotes]
    assert all(not o.not_yet_in_force for o in ev.obligations)


# The rulebook carries the dates


@pytest.mark.parametrize(
    ("regulation", "effective"),
    [
        ("sa2018", dt.date(2018, 11, 30)),
        ("dsm2022", dt.date(2023, 1, 10)),
        ("genai2023", dt.date(2023, 8, 15)),
        ("ailabel2025", dt.date(2025, 9, 1)),
        ("gb45438", dt.date(2025, 9, 1)),
        ("algo2021", dt.date(2022, 3, 1)),
    ],
)
def test_each_regulation_carries_the_effective_date_its_text_states(
    book: Rulebook, regulation: str, effective: dt.date
) -> None:
    assert book.regulation(regulation).effective == effective


def test_each_trigger_applies_from_the_effective_date_of_the_rule_it_rests_on(book: Rulebook) -> None:
    assert book.trigger_in_force_from(book.trigger("sa2018-3-1")) == dt.date(2018, 11, 30)
    assert book.trigger_in_force_from(book.trigger("dsm2022-17")) == dt.date(2023, 1, 10)
    assert book.trigger_in_force_from(book.trigger("ailabel2025-4-image")) == dt.date(2025, 9, 1)


def test_a_regulation_without_an_effective_date_is_refused_naming_file_and_field(data_copy: Path) -> None:
    _replace(data_copy / "regulations" / "dsm2022.yaml", "effective: 2023-01-10\n", "")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(data_copy)
    assert caught.value.source is not None and caught.value.source.endswith("dsm2022.yaml")
    assert caught.value.field == "effective"


def test_lint_refuses_a_deadline_resting_on_a_rule_not_in_force_when_the_trigger_is(book: Rulebook) -> None:
    # Art. 17(1) of the deep-synthesis rule (2023-01-10) timed by a clause of the 2025 measures.
    late = Deadline(rule=DeadlineRule.ONGOING, quotes=[Quote(cite="ailabel2025:14", text="本办法自2025年9月1日起施行")])
    triggers = tuple(t.model_copy(update={"deadline": late}) if t.id == "dsm2022-17" else t for t in book.triggers)
    errors = lint(dataclasses.replace(book, triggers=triggers)).errors
    assert [e.where for e in errors] == ["trigger dsm2022-17 deadline"]
    assert "2025-09-01" in errors[0].message and "2023-01-10" in errors[0].message


def test_lint_lists_each_trigger_with_the_date_it_applies_from(book: Rulebook) -> None:
    report = lint(book)
    assert report.errors == []
    assert report.trigger_in_force_from["sa2018-3-1"] == "2018-11-30"
    assert report.trigger_in_force_from["ailabel2025-4-audio"] == "2025-09-01"
    assert set(report.trigger_in_force_from) == {t.id for t in book.triggers}
