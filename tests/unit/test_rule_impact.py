"""What a rule change means for one filing (domain/rule_impact.py), from the filing's side: what it rests on
decides whether a change touches it, and the kind of change what follows."""

from __future__ import annotations

import datetime as dt

from redline.domain.rule_impact import Basis, Follows, article_of, touches, weightiest
from redline.rulebook.diff import ChangeKind, RulebookDiff, RuleChange

DAY = dt.date(2027, 1, 1)
LAUNCH = Basis(
    triggers=frozenset({"sa2018-3-1"}),
    articles=frozenset({"sa2018:3", "sa2018:7"}),
    checklists=frozenset({"sa2018-art5"}),
    items=frozenset({"sa2018-5-1-security-lead"}),
)


def _diff(*changes: RuleChange) -> RulebookDiff:
    return RulebookDiff("old", "2026.12", None, "new", "2027.1", None, changes)


def _follows(basis: Basis, *changes: RuleChange) -> list[tuple[str, Follows]]:
    return [(t.change.subject, t.follows) for t in touches(_diff(*changes), basis)]


def test_a_citation_names_its_article() -> None:
    assert [article_of(c) for c in ("sa2018:3(1)", "sa2018:7.2", "gb45438:5.3(3)", "csl2025:23")] == [
        "sa2018:3",
        "sa2018:7",
        "gb45438:5",
        "csl2025:23",
    ]


def test_a_renumbered_article_the_filing_cites_is_listed_with_nothing_to_do() -> None:
    moved = RuleChange(ChangeKind.ARTICLE_RENUMBERED, "sa2018:30", DAY, "sa2018:3")
    elsewhere = RuleChange(ChangeKind.ARTICLE_RENUMBERED, "genai2023:40", DAY, "genai2023:4")
    assert _follows(LAUNCH, moved, elsewhere) == [("sa2018:30", Follows.NOTHING)]


def test_a_changed_text_of_a_cited_article_advises_re_assessment() -> None:
    reworded = RuleChange(ChangeKind.ARTICLE_TEXT, "sa2018:7", DAY, "old", "new")
    repealed = RuleChange(ChangeKind.ARTICLE_REPEALED, "sa2018:3", DAY)
    assert _follows(LAUNCH, reworded, repealed) == [("sa2018:7", Follows.REASSESS), ("sa2018:3", Follows.REASSESS)]


def test_a_question_added_to_its_checklist_advises_re_assessment_and_one_added_elsewhere_does_not_touch_it() -> None:
    own = RuleChange(ChangeKind.ITEM_ADDED, "sa2018-5-1-drill", DAY, "", "q", "sa2018-art5")
    other = RuleChange(ChangeKind.ITEM_ADDED, "genai-new", DAY, "", "q", "genai2023")
    assert _follows(LAUNCH, own, other) == [("sa2018-5-1-drill", Follows.REASSESS)]


def test_a_removed_question_or_duty_leaves_nothing_to_do() -> None:
    item = RuleChange(ChangeKind.ITEM_REMOVED, "sa2018-5-1-security-lead", None, "q", "", "sa2018-art5")
    trigger = RuleChange(ChangeKind.TRIGGER_REMOVED, "sa2018-3-1", None)
    assert weightiest(touches(_diff(item, trigger), LAUNCH)) is Follows.NOTHING
    assert len(touches(_diff(item, trigger), LAUNCH)) == 2


def test_quotes_that_only_follow_a_renumbering_leave_nothing_to_do_but_changed_texts_advise_re_assessment() -> None:
    moved = RuleChange(ChangeKind.TRIGGER_QUOTES, "sa2018-3-1", DAY, "a", "b", fields=("citations",))
    changed = RuleChange(ChangeKind.TRIGGER_QUOTES, "sa2018-3-1", DAY, "a", "b", fields=("texts",))
    assert _follows(LAUNCH, moved) == [("sa2018-3-1", Follows.NOTHING)]
    assert _follows(LAUNCH, changed) == [("sa2018-3-1", Follows.REASSESS)]


def test_a_deadline_of_another_duty_does_not_touch_the_filing() -> None:
    assert _follows(LAUNCH, RuleChange(ChangeKind.TRIGGER_DEADLINE, "sa2018-3-3", DAY, "a", "b")) == []


def test_a_duty_due_only_under_the_new_rulebook_is_a_new_obligation_even_without_a_trigger_change() -> None:
    basis = Basis(LAUNCH.triggers, LAUNCH.articles, LAUNCH.checklists, LAUNCH.items, frozenset({"ailabel-new"}))
    added = RuleChange(ChangeKind.TRIGGER_ADDED, "ailabel-new", DAY)
    assert _follows(basis, added) == [("ailabel-new", Follows.NEW_OBLIGATION)]
    # due through a change elsewhere (a capability's tags): still named, with no date of its own
    assert _follows(basis) == [("ailabel-new", Follows.NEW_OBLIGATION)]
    assert weightiest(touches(_diff(added), basis)) is Follows.NEW_OBLIGATION


def test_a_checklist_that_now_applies_advises_re_assessment() -> None:
    basis = Basis(LAUNCH.triggers, LAUNCH.articles, LAUNCH.checklists, LAUNCH.items, new_checklists=frozenset({"x"}))
    scope = RuleChange(ChangeKind.CHECKLIST_SCOPE, "x", DAY, "a", "b")
    added = RuleChange(ChangeKind.CHECKLIST_ADDED, "y", DAY)
    assert _follows(basis, scope, added) == [("x", Follows.REASSESS)]
