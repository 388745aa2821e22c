"""`redline rules diff`: a rulebook changed as an upgrade would change it, read from the real data, shows each
change with its date; the amended Cybersecurity Law's renumbering is found from the texts alone."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from redline.cli.main import main
from redline.rulebook.book import Rulebook
from redline.rulebook.diff import ChangeKind, diff
from redline.rulebook.loader import DATA_DIR, load_rulebook
from tests.rulebook_changes import CHECKLIST, DEADLINE_TRIGGER, NEW_ITEM, changed_rulebook

SA2018_EFFECTIVE = dt.date(2018, 11, 30)


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return changed_rulebook(tmp_path_factory.mktemp("rulebooks"))


def test_the_shipped_rulebook_carries_a_label_a_date_and_a_digest_of_its_content(book: Rulebook) -> None:
    assert book.label and book.dated is not None
    assert re.fullmatch(r"[0-9a-f]{12}", book.version)
    assert book.label in book.release() and book.version in book.release()


def test_a_changed_rulebook_that_kept_its_label_is_still_told_apart(changed: Path, book: Rulebook) -> None:
    same_label = load_rulebook(changed)
    assert same_label.version != book.version


def test_a_renumbered_article_a_changed_deadline_and_an_added_item_each_show_with_their_date(
    changed: Path, book: Rulebook
) -> None:
    result = diff(book, load_rulebook(changed))
    renumbered = result.of_kind(ChangeKind.ARTICLE_RENUMBERED)
    assert [(c.before, c.subject, c.effective) for c in renumbered] == [("sa2018:3", "sa2018:30", SA2018_EFFECTIVE)]
    (deadline,) = result.of_kind(ChangeKind.TRIGGER_DEADLINE)
    assert (deadline.subject, deadline.before, deadline.after) == (
        DEADLINE_TRIGGER,
        "within_working_days 30",
        "within_working_days 20",
    )
    (added,) = result.of_kind(ChangeKind.ITEM_ADDED)
    assert (added.subject, added.checklist, added.effective) == (NEW_ITEM, CHECKLIST, SA2018_EFFECTIVE)
    # every trigger citing Art. 3 now cites Art. 30: the texts are the same, only the citation moved
    quotes = result.of_kind(ChangeKind.TRIGGER_QUOTES)
    assert quotes and all(c.fields == ("citations",) for c in quotes)
    assert not result.of_kind(ChangeKind.ARTICLE_ADDED, ChangeKind.ARTICLE_REPEALED, ChangeKind.ITEM_REMOVED)


def test_a_rulebook_compared_with_itself_has_no_changes(book: Rulebook) -> None:
    assert diff(book, book).changes == ()


def test_the_amended_cybersecurity_law_is_found_as_a_new_version_with_its_articles_renumbered(
    tmp_path: Path, book: Rulebook
) -> None:
    """Before the amendment's text was added, the data held only the 2016 law."""
    old = tmp_path / "before-amendment"
    shutil.copytree(DATA_DIR, old)
    (old / "regulations" / "csl2025.yaml").unlink()
    for path in [old / "triggers.yaml", *(old / "checklists").glob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\n(\s*)- cite: csl2025:[^\n]*\n\1  text:[^\n]*", "", text), encoding="utf-8")
    result = diff(load_rulebook(old), book)
    (added,) = result.of_kind(ChangeKind.REGULATION_ADDED)
    assert (added.subject, added.before, added.effective) == ("csl2025", "csl2016", dt.date(2026, 1, 1))
    renumbered = {(c.before, c.subject) for c in result.of_kind(ChangeKind.ARTICLE_RENUMBERED)}
    assert renumbered == {("csl2016:21", "csl2025:23"), ("csl2016:24", "csl2025:26")}
    assert all(c.effective == dt.date(2026, 1, 1) for c in result.of_kind(ChangeKind.ARTICLE_RENUMBERED))
    # the checklist items that now also quote the 2025 text: their quoted texts changed, on the same date
    items = result.of_kind(ChangeKind.ITEM_QUOTES)
    assert items and all(c.fields == ("texts",) and c.effective == dt.date(2026, 1, 1) for c in items)


def test_rules_diff_lists_the_changes_in_chinese_by_default(changed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "diff", "installed", str(changed)]) == 0
    text = re.sub(r"[\s│]", "", capsys.readouterr().out)  # the table folds long lines
    assert "条款序号变化" in text and "第三条" in text and "第三十条" in text
    assert "30个工作日内→20个工作日内" in text
    assert "新增检查项" in text and "是否每年组织一次安全事件应急演练" in text
    assert "sa2018-3-3" not in text and NEW_ITEM not in text  # titles and questions, never ids


def test_rules_diff_speaks_english_and_json(changed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "diff", "installed", str(changed), "--lang", "en"]) == 0
    assert "within30workingdays→within20workingdays" in re.sub(r"[\s│]", "", capsys.readouterr().out)
    assert main(["rules", "diff", "installed", str(changed), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["new"]["label"] == "2027.1" and payload["old"]["label"] != "2027.1"
    kinds = {c["kind"] for c in payload["changes"]}
    assert {"article_renumbered", "trigger_deadline", "item_added"} <= kinds
    assert all(c["effective"] for c in payload["changes"])


def test_rules_diff_refuses_what_is_not_a_rulebook_directory(tmp_path: Path) -> None:
    assert main(["rules", "diff", "installed", str(tmp_path / "missing")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["rules", "diff", str(tmp_path / "empty"), "installed"]) == 2


def test_a_kept_rulebook_reads_back_as_it_was_local_rules_and_their_reach_included(book: Rulebook) -> None:
    """What the installation keeps of a rulebook its filings were made under (rulebook/snapshot.py)."""
    from redline.rulebook.local import with_local_rules
    from redline.rulebook.snapshot import content_of, rulebook_from
    from tests.unit.test_local_rules import PACKAGE

    local = with_local_rules(book, (PACKAGE,))
    kept = rulebook_from(
        json.loads(json.dumps(content_of(local))), book.divisions, local.version, local.label, local.dated
    )
    assert diff(local, kept).changes == ()
    assert kept.local == local.local and kept.local and kept.release() == local.release()
    assert (kept.triggers, kept.checklists) == (local.triggers, local.checklists)
