"""Questions the law leaves to judgement, and the judgements people record on them.

Where a duty turns on a judgement the rules do not make for us — does a service have
public-opinion attributes (Art. 2 of the 2018 rule; Art. 17 of the generative-AI measures), is a
change "major" (Art. 3(2)), is user growth "significant" (Art. 3(3)) — the outcome is
"depends on judgement" until someone records a judgement: the answer, who made it, when, and
why. A recorded judgement then decides; every output says which results rest on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from redline.domain.text import Text


class Outcome(StrEnum):
    """What a duty comes to for a change."""

    DUE = "due"  # 应当履行
    NOT_DUE = "not_due"  # 不需履行
    JUDGEMENT = "depends_on_judgement"  # 待判断


class QuestionId(StrEnum):
    """Stable ids of the questions a change file or the platform may answer."""

    PUBLIC_OPINION = "public_opinion"
    MATERIAL_CHANGE = "material_change"
    SIGNIFICANT_GROWTH = "significant_growth"


QUESTIONS: dict[QuestionId, Text] = {
    QuestionId.PUBLIC_OPINION: Text(
        "该服务是否属于具有舆论属性或者社会动员能力的互联网信息服务（《具有舆论属性或社会动员能力的互联网信息服务"
        "安全评估规定》第二条；《生成式人工智能服务管理暂行办法》第十七条）？",
        "Is the service an internet information service with public-opinion attributes or social-mobilisation "
        "capability (Art. 2 of the 2018 security-assessment rule; Art. 17 of the generative-AI measures)?",
    ),
    QuestionId.MATERIAL_CHANGE: Text(
        "该新技术新应用是否使信息服务的功能属性、技术实现方式、基础资源配置等发生重大变更，并导致舆论属性或者"
        "社会动员能力发生重大变化（2018 年规定第三条第（二）项）？",
        "Does the new technology materially change the service's function, implementation or infrastructure, "
        "and with it materially change its public-opinion attributes or social-mobilisation capability "
        "(Art. 3(2) of the 2018 rule)?",
    ),
    QuestionId.SIGNIFICANT_GROWTH: Text(
        "用户规模是否显著增加，并导致信息服务的舆论属性或者社会动员能力发生重大变化（2018 年规定第三条第（三）项）？",
        "Has the number of users grown significantly, so that the service's public-opinion attributes or "
        "social-mobilisation capability change materially (Art. 3(3) of the 2018 rule)?",
    ),
}


@dataclass(frozen=True)
class Judgement:
    """A person's answer to a question, with who made it, when and why."""

    question: QuestionId
    answer: bool
    by: str
    date: dt.date
    reasons: str

    def words(self) -> Text:
        """'judged yes by X on D: reasons', in both languages."""
        answer = Text("是", "yes") if self.answer else Text("否", "no")
        return Text(
            f"{self.by} 于 {self.date} 判断：{answer.zh}。理由：{self.reasons}",
            f"judged {answer.en} by {self.by} on {self.date}. Reasons: {self.reasons}",
        )


@dataclass(frozen=True)
class Question:
    """An open question: what it asks, the facts that bear on it, and which duties follow either way."""

    id: QuestionId
    text: Text
    facts: tuple[Text, ...]
    if_yes: tuple[Text, ...]
    if_no: tuple[Text, ...]


def question_words(question: str, zh: bool) -> str:
    """A question's words from its stable id, as stored data has it (an unknown id: the id itself)."""
    known = {q.value: text for q, text in QUESTIONS.items()}
    text = known.get(question)
    return question if text is None else (text.zh if zh else text.en)


def find(judgements: tuple[Judgement, ...], question: QuestionId) -> Judgement | None:
    """The judgement recorded on `question`; the last one recorded wins."""
    found = [j for j in judgements if j.question is question]
    return found[-1] if found else None


def consequence(titles: tuple[Text, ...]) -> tuple[Text, ...]:
    return titles or (Text("本规则库所列义务均不需履行", "none of the duties in the rulebook"),)
