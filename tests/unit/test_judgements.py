"""Judgement as an outcome: where the law turns on a judgement, the duty depends on it until someone records it.

Art. 3 of the 2018 rule (安全评估规定): （二）使用新技术新应用，使信息服务的功能属性、技术实现方式、基础资源配置等发生
重大变更，导致舆论属性或者社会动员能力发生重大变化的；（三）用户规模显著增加，导致信息服务的舆论属性或者社会动员能力
发生重大变化的. Art. 17 of the generative-AI measures: 提供具有舆论属性或者社会动员能力的生成式人工智能服务的，应当按照
国家有关规定开展安全评估，并按照《互联网信息服务算法推荐管理规定》履行算法备案和变更、注销备案手续。
Neither "significant", "major" nor "public-opinion attributes" of a chatbot is a figure or a list: a person decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.judgements import Judgement, Outcome, QuestionId
from redline.domain.obligations import Evaluation, evaluate
from redline.domain.service import Change, Provider, ServiceProfile
from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind
from redline.services.assessment.documents import changes_from
from redline.yamldoc import parse_yaml

MONDAY = dt.date(2026, 11, 2)
AS_OF = dt.date(2026, 10, 1)
FORUM = ServiceProfile(Provider("杭州某论坛（虚构）", "330106"), "论坛", ("forum",), monthly_active_users=10_000_000)
CHATBOT = ServiceProfile(
    Provider("上海某智能（虚构）", "310115"),
    "对话助手",
    ("generative_ai_service", "text_generation"),
    user_content=False,
)
GROWTH = Change(EventKind.USER_GROWTH, MONDAY, mau_after=17_000_000)


def run(book: Rulebook, svc: ServiceProfile, change: Change) -> Evaluation:
    return evaluate(book, svc, change, WorkCalendar(book.holidays), AS_OF)


def judged(change: Change, question: QuestionId, answer: bool) -> Change:
    return replace(
        change,
        judgements=(
            Judgement(
                question,
                answer,
                "王敏（合规负责人）",
                dt.date(2026, 11, 3),
                "用户增长来自既有地区的自然增长，话题讨论版块未扩展。",
            ),
        ),
    )


def outcome(ev: Evaluation, trigger_id: str) -> Outcome:
    if any(o.trigger_id == trigger_id and o.outcome is Outcome.DUE for o in ev.obligations):
        return Outcome.DUE
    if any(o.trigger_id == trigger_id for o in ev.obligations):
        return Outcome.JUDGEMENT
    assert any(n.trigger_id == trigger_id for n in ev.not_triggered), trigger_id
    return Outcome.NOT_DUE


def test_growth_from_ten_to_seventeen_million_depends_on_judgement(book: Rulebook) -> None:
    # x1.7 and 7 million more users: near redline's threshold; Art. 3(3) gives no figure.
    ev = run(book, FORUM, GROWTH)
    assert outcome(ev, "sa2018-3-3") is Outcome.JUDGEMENT
    (question,) = ev.questions
    assert question.id is QuestionId.SIGNIFICANT_GROWTH
    assert "用户规模是否显著增加" in question.text.zh and "grown significantly" in question.text.en
    assert any("10,000,000" in f.en and "17,000,000" in f.en for f in question.facts)
    assert any("用户规模显著增加的安全评估" in t.zh or "growth" in t.en for t in question.if_yes)
    assert not any("growth" in t.en for t in question.if_no)


def test_growth_judged_significant_is_due_thirty_working_days_on_and_says_who_judged(book: Rulebook) -> None:
    ev = run(book, FORUM, judged(GROWTH, QuestionId.SIGNIFICANT_GROWTH, True))
    ob = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-3")
    assert ob.outcome is Outcome.DUE and not ob.requires_judgement
    assert ob.due.date == dt.date(2026, 12, 14)  # 30 working days from Monday 2 November 2026
    assert ob.judgements and ob.judgements[0].by == "王敏（合规负责人）"
    assert ev.questions == ()


def test_growth_judged_not_significant_is_not_due_and_says_who_judged(book: Rulebook) -> None:
    ev = run(book, FORUM, judged(GROWTH, QuestionId.SIGNIFICANT_GROWTH, False))
    assert outcome(ev, "sa2018-3-3") is Outcome.NOT_DUE
    nt = next(n for n in ev.not_triggered if n.trigger_id == "sa2018-3-3")
    assert nt.judgements and "王敏" in nt.reason.zh and "judged no" in nt.reason.en
    assert not nt.requires_judgement


def test_a_tenfold_growth_still_waits_for_a_judgement_but_names_the_presumption(book: Rulebook) -> None:
    ev = run(book, FORUM, replace(GROWTH, mau_after=100_000_000))
    ob = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-3")
    assert ob.outcome is Outcome.JUDGEMENT and ob.requires_judgement
    assert any("presumed significant" in p.en for p in ob.presumptions)


def test_a_new_technology_on_a_forum_depends_on_whether_the_change_is_major(book: Rulebook) -> None:
    # A forum moves to a virtual-reality front end: is that a 重大变更 under Art. 3(2)?
    change = Change(EventKind.ADOPT_TECHNOLOGY, MONDAY, technologies=("virtual_reality",))
    ev = run(book, FORUM, change)
    assert outcome(ev, "sa2018-3-2") is Outcome.JUDGEMENT
    (question,) = ev.questions
    assert question.id is QuestionId.MATERIAL_CHANGE and "重大变更" in question.text.zh
    assert any("virtual reality" in f.en for f in question.facts)
    yes = run(book, FORUM, judged(change, QuestionId.MATERIAL_CHANGE, True))
    ob = next(o for o in yes.obligations if o.trigger_id == "sa2018-3-2")
    assert ob.outcome is Outcome.DUE and ob.due.date == MONDAY and ob.due.strictly_before
    no = run(book, FORUM, judged(change, QuestionId.MATERIAL_CHANGE, False))
    assert outcome(no, "sa2018-3-2") is Outcome.NOT_DUE


def test_a_change_the_file_already_calls_material_asks_nothing(book: Rulebook) -> None:
    change = Change(EventKind.ADOPT_TECHNOLOGY, MONDAY, technologies=("virtual_reality",), material_change=True)
    ev = run(book, FORUM, change)
    assert outcome(ev, "sa2018-3-2") is Outcome.DUE and ev.questions == ()


def test_a_public_chatbot_depends_on_its_public_opinion_determination(book: Rulebook) -> None:
    # A public chatbot: no forum, no sharing, users cannot publish to others. Art. 17 of the gen-AI measures
    # turns on 具有舆论属性或者社会动员能力: a judgement.
    launch = Change(EventKind.LAUNCH, MONDAY)
    ev = run(book, CHATBOT, launch)
    for trigger in ("genai2023-17", "genai2023-17-filing", "sa2018-3-1"):
        assert outcome(ev, trigger) is Outcome.JUDGEMENT, trigger
    assert outcome(ev, "ailabel2025-4-text") is Outcome.DUE  # labelling does not turn on the question
    (question,) = ev.questions
    assert question.id is QuestionId.PUBLIC_OPINION and "舆论属性" in question.text.zh
    assert any("generative" in t.en.lower() for t in question.if_yes)
    yes = run(book, CHATBOT, judged(launch, QuestionId.PUBLIC_OPINION, True))
    assert outcome(yes, "genai2023-17") is Outcome.DUE and outcome(yes, "genai2023-17-filing") is Outcome.DUE
    no = run(book, CHATBOT, judged(launch, QuestionId.PUBLIC_OPINION, False))
    assert outcome(no, "genai2023-17") is Outcome.NOT_DUE and outcome(no, "sa2018-3-1") is Outcome.NOT_DUE
    assert outcome(no, "ailabel2025-4-text") is Outcome.DUE
    assert no.applicability is not None and "王敏" in no.applicability.explanation.zh


def test_a_judgement_cannot_overrule_a_function_article_2_1_lists(book: Rulebook) -> None:
    # A forum is listed in Art. 2(1): its public-opinion attributes are not a matter of judgement.
    ev = run(
        book,
        FORUM,
        judged(Change(EventKind.ADD_CAPABILITY, MONDAY, capabilities=("blog",)), QuestionId.PUBLIC_OPINION, False),
    )
    assert outcome(ev, "sa2018-3-1") is Outcome.DUE
    assert any("is not used" in n.en and "public-opinion" in n.en for n in ev.notes)


@pytest.mark.parametrize("answer", [True, False])
def test_the_summary_counts_duties_waiting_for_judgement(book: Rulebook, answer: bool) -> None:
    ev = run(book, FORUM, GROWTH)
    assert "待判断" in ev.summary.zh and "depend" in ev.summary.en
    decided = run(book, FORUM, judged(GROWTH, QuestionId.SIGNIFICANT_GROWTH, answer))
    assert "待判断" not in decided.summary.zh


# Recording a judgement in the change file: who, when, why; refused without them.

JUDGED_FILE = """\
date: 2026-11-02
mau_before: 10000000
mau_after: 17000000
judgements:
  - question: significant_growth
    answer: yes
    by: 王敏（合规负责人）
    date: 2026-11-03
    reasons: 增长集中在已有城市，话题版块与传播方式未变。
"""


def test_a_judgement_in_the_change_file_decides_and_is_kept(book: Rulebook) -> None:
    ((change, _),) = changes_from(book, parse_yaml(JUDGED_FILE, "change.yaml"))
    (judgement,) = change.judgements
    assert judgement.question is QuestionId.SIGNIFICANT_GROWTH and judgement.answer is True
    assert judgement.by == "王敏（合规负责人）" and judgement.date == dt.date(2026, 11, 3)
    assert outcome(run(book, FORUM, change), "sa2018-3-3") is Outcome.DUE


@pytest.mark.parametrize(
    ("edit", "line", "field"),
    [
        (("    reasons: 增长集中在已有城市，话题版块与传播方式未变。\n", ""), 5, "judgements.0.reasons"),
        (("reasons: 增长集中在已有城市，话题版块与传播方式未变。", "reasons: '  '"), 9, "judgements.0.reasons"),
        (("    by: 王敏（合规负责人）\n", ""), 5, "judgements.0.by"),
        (("question: significant_growth", "question: big_enough"), 5, "judgements.0.question"),
        (("answer: yes", "answer: probably"), 6, "judgements.0.answer"),
    ],
)
def test_a_judgement_without_reasons_or_author_or_a_known_question_is_refused(
    book: Rulebook, edit: tuple[str, str], line: int, field: str
) -> None:
    text = JUDGED_FILE.replace(*edit)
    with pytest.raises(InputError) as caught:
        changes_from(book, parse_yaml(text, "change.yaml"))
    assert caught.value.source == "change.yaml" and caught.value.field == field
    assert caught.value.line == line
