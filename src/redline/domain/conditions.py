"""Whether a trigger's condition holds for a change to a service, and if not, why, in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redline.domain import words
from redline.domain.applicability import Applicability, determine, listed_capabilities
from redline.domain.growth import assess_growth
from redline.domain.judgements import Judgement, QuestionId, find
from redline.domain.notices import qualify
from redline.domain.service import Change, ServiceProfile
from redline.domain.text import Text
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import AlgorithmFiling, CapabilityTag, Condition

PO = CapabilityTag.PUBLIC_OPINION
ALGORITHM_CLASSES = {
    CapabilityTag.DEEP_SYNTHESIS,
    CapabilityTag.GENERATIVE_AI,
    CapabilityTag.ALGORITHMIC_RECOMMENDATION,
}
_FUNCTION_TAGS = {
    PO,
    CapabilityTag.DEEP_SYNTHESIS,
    CapabilityTag.BIOMETRIC_EDITING,
    CapabilityTag.GENERATIVE_AI,
    CapabilityTag.ALGORITHMIC_RECOMMENDATION,
}


@dataclass(frozen=True)
class Verdict:
    """Whether a condition holds; the reason when it does not; presumptions it rests on.

    `open` names the questions nobody has answered yet, each with the fact that bears on it: while
    one is open, `holds` is only redline's presumption. `judgements` are the recorded ones it rests on.
    """

    holds: bool
    reason: Text | None = None
    requires_judgement: bool = False
    presumptions: tuple[Text, ...] = ()
    open: tuple[tuple[QuestionId, Text], ...] = ()
    judgements: tuple[Judgement, ...] = ()


HOLDS = Verdict(True)


def _asked(question: QuestionId, holds: bool, fact: Text) -> Verdict:
    """An unanswered question: redline's presumption one way, the fact stated."""
    if holds:
        return Verdict(True, None, True, (fact,), ((question, fact),))
    return Verdict(False, fact, True, (), ((question, fact),))


def _decided(judgement: Judgement, fact: Text) -> Verdict:
    if judgement.answer:
        return Verdict(True, judgements=(judgement,))
    return Verdict(
        False,
        fact + Text("。", " ") + Text("已由人工判断：", "It has been decided: ") + judgement.words(),
        judgements=(judgement,),
    )


@dataclass(frozen=True)
class Situation:
    """A change to a service, with the Art. 2 determination after it."""

    book: Rulebook
    service: ServiceProfile
    change: Change
    after: Applicability

    @classmethod
    def of(cls, book: Rulebook, service: ServiceProfile, change: Change) -> Situation:
        judgement = find(change.judgements, QuestionId.PUBLIC_OPINION)
        return cls(book, service, change, determine(book, service, change.capabilities_after(service), judgement))

    def judgement(self, question: QuestionId) -> Judgement | None:
        return find(self.change.judgements, question)

    def new_technologies(self) -> tuple[str, ...]:
        return tuple(t for t in self.change.technologies if t not in self.service.technologies)


def check(situation: Situation, when: Condition) -> Verdict:
    """Run each test of `when` in turn; the first that fails for certain gives the reason. A test that
    fails only on an unanswered question leaves the result open, unless a later test fails for certain."""
    verdicts: list[Verdict] = []
    undecided: Verdict | None = None
    tests: list[tuple[bool, Callable[[], Verdict]]] = [
        (bool(when.introduces_any), lambda: _introduces(situation, when.introduces_any)),
        (bool(when.service_has_any), lambda: _service_has(situation, when.service_has_any)),
        (bool(when.technologies_any), lambda: _technologies(situation, when.technologies_any)),
        (when.algorithm_filing is not None, lambda: _filing(situation, when)),
        (when.qualifying_notice, lambda: _notice(situation)),
        (bool(when.listed_app_has_any), lambda: _listed_app(situation, when.listed_app_has_any)),
        (when.gains_public_opinion, lambda: _gains_public_opinion(situation)),
        (when.brings_new, lambda: _brings_new(situation)),
        (when.growth is not None, lambda: _growth(situation, when)),
        (when.material_change and when.growth is None, lambda: _material(situation)),
    ]
    for active, test in tests:
        if not active:
            continue
        verdict = test()
        if not verdict.holds and verdict.open:
            undecided = undecided or verdict
        elif not verdict.holds:
            return verdict
        verdicts.append(verdict)
    presumptions = tuple(p for v in verdicts for p in v.presumptions)
    asked = tuple(q for v in verdicts for q in v.open)
    judged = tuple(j for v in verdicts for j in v.judgements)
    if undecided is not None:
        return Verdict(False, undecided.reason, True, presumptions, asked, judged)
    return Verdict(True, None, any(v.requires_judgement for v in verdicts), presumptions, asked, judged)


def _judged(applicability: Applicability) -> Verdict:
    if applicability.judgement is not None:
        holds = applicability.public_opinion
        return Verdict(holds, None if holds else applicability.explanation, judgements=(applicability.judgement,))
    if applicability.requires_judgement:
        return _asked(QuestionId.PUBLIC_OPINION, applicability.public_opinion, applicability.explanation)
    return HOLDS if applicability.public_opinion else Verdict(False, applicability.explanation)


def _introduces(s: Situation, wanted: list[CapabilityTag]) -> Verdict:
    introduced = s.change.introduced(s.service)
    others = set(wanted) - {PO}
    if others and s.book.tags_of(introduced) & others:
        return HOLDS
    if PO in wanted:
        po = _introduces_public_opinion(s, introduced)
        if po.holds or not others:
            return po
    return Verdict(False, _nothing_introduced(s, introduced, wanted))


def _introduces_public_opinion(s: Situation, introduced: tuple[str, ...]) -> Verdict:
    if s.change.is_launch():
        return _judged(s.after)
    if listed_capabilities(s.book, introduced):
        return _judged(s.after)
    return Verdict(False, _nothing_introduced(s, introduced, [PO]))


def _nothing_introduced(s: Situation, introduced: tuple[str, ...], wanted: list[CapabilityTag]) -> Text:
    kind = words.tags(wanted)
    readded = s.change.readded(s.service)
    if readded and not introduced:
        have = words.capabilities(s.book, readded)
        return Text(
            f"服务档案已有{have.zh}；再次增设已有的功能不是增设新功能，不触发此项义务。",
            f"The service profile already has {have.en}; adding again a function the service "
            "already has adds nothing new, so this duty is not triggered.",
        )
    if s.change.is_launch():
        caps = words.capabilities(s.book, introduced)
        return Text(
            f"上线的服务不含{kind.zh}功能（服务功能：{caps.zh}）。",
            f"The service being launched has no {kind.en} function (its functions: {caps.en}).",
        )
    if not introduced:
        return Text("该变更没有增设功能。", "The change adds no function.")
    caps = words.capabilities(s.book, introduced)
    return Text(
        f"该变更增设的{caps.zh}不是{kind.zh}功能。",
        f"What the change adds ({caps.en}) is not among {kind.en} functions.",
    )


def _service_has(s: Situation, wanted: list[CapabilityTag]) -> Verdict:
    others = set(wanted) - {PO}
    caps = s.change.capabilities_after(s.service)
    if others and s.book.tags_of(caps) & others:
        return HOLDS
    if PO in wanted:
        po = _judged(s.after)
        if po.holds or not others:
            return po
    names = words.capabilities(s.book, caps)
    kind = words.tags(wanted)
    return Verdict(
        False,
        Text(
            f"服务不具有{kind.zh}功能（服务功能：{names.zh}）。",
            f"The service has no {kind.en} function (its functions: {names.en}).",
        ),
    )


def _technologies(s: Situation, wanted: list[str]) -> Verdict:
    if set(s.new_technologies()) & set(wanted):
        return HOLDS
    names = words.technologies(s.book, wanted)
    return Verdict(
        False, Text(f"该变更未采用{names.zh}等新技术。", f"The change adopts no new technology among: {names.en}.")
    )


def _gains_public_opinion(s: Situation) -> Verdict:
    before = determine(s.book, s.service)
    if before.public_opinion:
        return Verdict(
            False,
            Text(
                "变更前服务已具有舆论属性或社会动员能力，不是新具有；相关义务按服务上线或增设功能时的规则判断。",
                "The service already had public-opinion attributes before the change, so it does not newly gain "
                "them; the duties that follow from them are judged by the launch and new-function rules.",
            ),
        )
    return _judged(s.after)


def _brings_new(s: Situation) -> Verdict:
    if s.change.introduced(s.service) or s.new_technologies():
        return HOLDS
    return Verdict(
        False,
        Text(
            "该变更没有调整增设服务原先没有的功能或技术（新技术新应用）。",
            "The change adds no function or technology the service did not already have "
            "(no new technology or new application).",
        ),
    )


def _classes(s: Situation, when: Condition) -> set[str]:
    """The algorithm classes at stake: the trigger's, as far as the change or service has them."""
    if when.introduces_any:
        wanted, present = set(when.introduces_any), s.book.tags_of(s.change.introduced(s.service))
    else:
        wanted, present = set(when.service_has_any), s.book.tags_of(s.change.capabilities_after(s.service))
    at_stake = (wanted & present & ALGORITHM_CLASSES) or (wanted & ALGORITHM_CLASSES) or ALGORITHM_CLASSES
    return {t.value for t in at_stake}


def _filing(s: Situation, when: Condition) -> Verdict:
    classes = _classes(s, when)
    held = [f for f in s.service.filings if f.covers_any(classes)]
    if when.algorithm_filing is AlgorithmFiling.ABSENT and held:
        numbers = "、".join(f.number for f in held if f.number) or "（未填编号）"
        numbers_en = ", ".join(f.number for f in held if f.number) or "(number not given)"
        return Verdict(
            False,
            Text(
                f"服务已持有算法备案 {numbers}，不需要首次备案；备案信息发生变更的，办理变更手续（见变更备案）。",
                f"The service already holds algorithm filing {numbers_en}; no first filing "
                "is needed. If the filed details change, the filing is changed instead.",
            ),
        )
    if when.algorithm_filing is AlgorithmFiling.HELD and not held:
        return Verdict(
            False,
            Text(
                "服务档案未记载该类算法的备案，没有可以变更或注销的备案；如应备案而尚未备案，须办理首次备案。",
                "The service profile records no algorithm filing of this kind, so there is "
                "no filing to change or cancel; if one is due, a first filing is needed.",
            ),
        )
    return HOLDS


def _listed_app(s: Situation, wanted: list[CapabilityTag]) -> Verdict:
    listing = s.change.listing
    if listing is not None and s.book.tags_of(listing.capabilities) & set(wanted):
        return HOLDS
    kind = words.tags(wanted)
    app = listing.app if listing is not None else ""
    return Verdict(
        False,
        Text(
            f"上架审核的应用程序“{app}”不提供{kind.zh}服务。",
            f"The app reviewed for listing (“{app}”) offers no {kind.en} service.",
        ),
    )


def _notice(s: Situation) -> Verdict:
    if s.change.notice is None:
        return Verdict(False, Text("该变更没有书面通知。", "The change carries no written notice."))
    finding = qualify(s.book.divisions, s.change.notice)
    if finding.qualifies:
        return Verdict(True, presumptions=())
    return Verdict(False, finding.reason, finding.requires_judgement)


def _growth(s: Situation, when: Condition) -> Verdict:
    assert when.growth is not None
    finding = assess_growth(when.growth, s.service, s.change)
    if not finding.requires_judgement:
        return HOLDS if finding.significant else Verdict(False, finding.explanation)
    judgement = s.judgement(QuestionId.SIGNIFICANT_GROWTH)
    if judgement is not None:
        return _decided(judgement, finding.explanation)
    return _asked(QuestionId.SIGNIFICANT_GROWTH, finding.significant, finding.explanation)


def _material(s: Situation) -> Verdict:
    declared = s.change.material_change
    if declared is True or s.change.filing_change:
        return HOLDS
    if declared is False:
        return Verdict(
            False, Text("变更文件判断该变更未导致重大变化。", "The change file judges the change not material.")
        )
    presumed, fact = _material_facts(s)
    if fact is None:
        return Verdict(False, _NOT_STATED)
    judgement = s.judgement(QuestionId.MATERIAL_CHANGE)
    if judgement is not None:
        return _decided(judgement, fact)
    return _asked(QuestionId.MATERIAL_CHANGE, presumed, fact)


_NOT_STATED = Text(
    "变更文件未说明该变更使功能属性、技术实现方式、基础资源配置等发生重大变更并导致舆论属性或社会动员能力发生重大变化"
    "（如是，写明 material_change: true）。",
    "The change file does not state that the change materially alters the service's function, "
    "implementation or infrastructure and with it its public-opinion attributes (if it does, state "
    "material_change: true).",
)


def _material_facts(s: Situation) -> tuple[bool, Text | None]:
    """redline's presumption on Art. 3(2) and the facts it rests on; None where no question arises:
    no new technology, or a new technology alone on a service without public-opinion attributes."""
    new_functions = [c for c in s.change.introduced(s.service) if set(s.book.capability(c).tags) & _FUNCTION_TAGS]
    if not s.new_technologies():
        return False, None
    techs = words.technologies(s.book, s.new_technologies())
    if new_functions:
        caps = words.capabilities(s.book, new_functions)
        return True, Text(
            f"该变更采用新技术（{techs.zh}）并增设新功能（{caps.zh}），redline 推定信息服务的功能属性发生重大变更；"
            "是否导致舆论属性或社会动员能力发生重大变化需要判断。",
            f"The change adopts a new technology ({techs.en}) and adds a new function ({caps.en}); redline "
            "presumes the service's function attributes change materially. Whether this materially changes "
            "its public-opinion attributes requires judgement.",
        )
    if not (s.after.public_opinion or s.after.requires_judgement):
        return False, None
    return False, Text(
        f"该变更采用新技术（{techs.zh}），未增设新功能；redline 不推定发生重大变更。是否使功能属性、技术实现方式、"
        "基础资源配置等发生重大变更并导致舆论属性或社会动员能力发生重大变化，需要判断。",
        f"The change adopts a new technology ({techs.en}) and adds no new function; redline does not presume a "
        "material change. Whether it materially changes the service's function, implementation or "
        "infrastructure, and with it its public-opinion attributes, requires judgement.",
    )
