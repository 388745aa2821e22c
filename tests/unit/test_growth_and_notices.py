"""Art. 3(3) and 3(5) of the 2018 rule.

(三) 用户规模显著增加，导致信息服务的舆论属性或者社会动员能力发生重大变化的 — the rule gives no figure, so any
figure is redline's presumption and must say so. (五) 地市级以上网信部门或者公安机关书面通知需要进行安全评估的其他
情形 — only a CAC office or public-security organ at prefecture level or above. Both: 30 working days from the day
the situation arose (Art. 7, recollection, unverified).
"""

from __future__ import annotations

import datetime as dt

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, Outcome, evaluate
from redline.domain.service import Change, GrowthRule, Issuer, IssuerKind, Notice, Provider, ServiceProfile
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind

DAY = dt.date(2026, 3, 2)  # Monday
AS_OF = dt.date(2026, 3, 1)


def forum(mau: int | None = None) -> ServiceProfile:
    return ServiceProfile(Provider("测试公司", "330106"), "论坛", ("forum",), monthly_active_users=mau)


def run(book: Rulebook, change: Change, svc: ServiceProfile | None = None) -> Evaluation:
    return evaluate(book, svc or forum(), change, WorkCalendar(book.holidays), AS_OF)


def growth(before: int | None, after: int, **kw: object) -> Change:
    return Change(EventKind.USER_GROWTH, DAY, mau_before=before, mau_after=after, **kw)  # type: ignore[arg-type]


def art_3_3(ev: Evaluation) -> tuple[bool, bool, str]:
    """(triggered, requires judgement, the words a provider reads)."""
    for ob in ev.obligations:
        if ob.trigger_id == "sa2018-3-3":
            return True, ob.requires_judgement, ob.explanation.en
    nt = next(n for n in ev.not_triggered if n.trigger_id == "sa2018-3-3")
    return False, nt.requires_judgement, nt.reason.en


def test_one_to_three_users_is_not_significant_growth(book: Rulebook) -> None:
    triggered, judgement, words = art_3_3(run(book, growth(1, 3)))
    assert not triggered and not judgement
    assert "at least 100,000 more" in words and "redline's default presumption" in words


def test_ten_to_nineteen_million_depends_on_judgement(book: Rulebook) -> None:
    ev = run(book, growth(10_000_000, 19_000_000))
    ob = next(o for o in ev.obligations if o.trigger_id == "sa2018-3-3")
    assert ob.outcome is Outcome.JUDGEMENT and ob.requires_judgement and not ob.presumed_due
    words = ob.explanation.en
    assert "+9,000,000, x1.90" in words and "requires judgement" in words


def test_doubling_past_the_floor_is_presumed_not_found(book: Rulebook) -> None:
    ev = run(book, growth(2_000_000, 5_000_000))
    triggered, judgement, words = art_3_3(ev)
    assert triggered and judgement
    assert "presumed significant" in words and "sets no figure" in words
    assert "Users grew significantly" not in words
    ob = ev.obligations[0]
    # 30 working days from Monday 2 March 2026: 3 March … 13 April (Qingming, 6 April, off)
    assert ob.due.date == dt.date(2026, 4, 14)


def test_a_fall_in_users_is_not_growth(book: Rulebook) -> None:
    triggered, judgement, words = art_3_3(run(book, growth(2_000_000, 1_000_000)))
    assert not triggered and not judgement
    assert "A fall in users is not the significant increase" in words and "x0.50" not in words


def test_the_change_may_set_its_own_threshold(book: Rulebook) -> None:
    change = growth(10_000_000, 19_000_000, growth_rule=GrowthRule(min_ratio=1.8, min_added=1_000_000))
    triggered, judgement, words = art_3_3(run(book, change))
    assert triggered and judgement and "the threshold set in this change file" in words


def test_the_provider_may_decide_without_the_presumption(book: Rulebook) -> None:
    triggered, judgement, _ = art_3_3(run(book, growth(1, 3, material_change=True)))
    assert triggered and not judgement


def test_the_figure_before_comes_from_the_profile_and_a_different_one_is_noted(book: Rulebook) -> None:
    assert art_3_3(run(book, growth(None, 5_000_000), forum(2_000_000)))[0]
    ev = run(book, growth(1_000_000, 5_000_000), forum(2_000_000))
    assert any("2,000,000" in n.en and "1,000,000" in n.en for n in ev.notes)


def notice(kind: IssuerKind, name: str, division: str | None, national: bool = False) -> Change:
    return Change(EventKind.REGULATOR_NOTICE, DAY, notice=Notice(Issuer(kind, name, division, national), "通知 1 号"))


def art_3_5(ev: Evaluation) -> tuple[bool, str]:
    for ob in ev.obligations:
        if ob.trigger_id == "sa2018-3-5":
            return True, ob.explanation.zh
    return False, next(n.reason.zh for n in ev.not_triggered if n.trigger_id == "sa2018-3-5")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (notice(IssuerKind.CAC, "杭州市委网信办", "330100"), "杭州市委网信办（网信部门，浙江省杭州市，地市级）"),
        (notice(IssuerKind.PUBLIC_SECURITY, "浙江省公安厅", "330000"), "浙江省公安厅（公安机关，浙江省，省级）"),
        (
            notice(IssuerKind.CAC, "国家互联网信息办公室", None, national=True),
            "国家互联网信息办公室（网信部门，国家级）",
        ),
    ],
)
def test_a_notice_from_a_prefecture_level_or_higher_organ_requires_an_assessment(
    book: Rulebook, change: Change, named: str
) -> None:
    ev = run(book, change)
    triggered, words = art_3_5(ev)
    assert triggered and words.startswith(named)
    assert ev.obligations[0].due.date == dt.date(2026, 4, 14)


def test_a_district_police_branch_does_not_qualify_and_is_named_as_it_is(book: Rulebook) -> None:
    ev = run(book, notice(IssuerKind.PUBLIC_SECURITY, "杭州市公安局西湖区分局", "330106"))
    triggered, words = art_3_5(ev)
    assert not triggered and ev.obligations == ()
    assert "杭州市公安局西湖区分局（公安机关，浙江省杭州市西湖区，县级）" in words and "不是地市级以上机关" in words
    assert next(n for n in ev.not_triggered if n.trigger_id == "sa2018-3-5").requires_judgement


def test_a_market_regulator_does_not_qualify(book: Rulebook) -> None:
    ev = run(book, notice(IssuerKind.OTHER, "杭州市市场监督管理局", "330100"))
    triggered, words = art_3_5(ev)
    assert not triggered and "不是网信部门或公安机关" in words and "杭州市市场监督管理局" in words
    assert "地市级以上网信部门或者公安机关书面通知" in words  # the article, quoted


def test_a_notice_naming_no_organ_is_not_taken_as_one_from_a_prefecture(book: Rulebook) -> None:
    ev = run(book, Change(EventKind.REGULATOR_NOTICE, DAY, notice=Notice(None, authority="某部门")))
    triggered, words = art_3_5(ev)
    assert not triggered and "未说明发出机关" in words
