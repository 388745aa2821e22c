"""Local rules: a regulator's own rulebook package applies inside its division only, passes the same lint,
and says it is local wherever its triggers and checklists are named."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, evaluate
from redline.domain.service import Change, Provider, ServiceProfile
from redline.errors import RulebookError
from redline.reports import ciso_assistant, oscal, oscal_validate
from redline.reports.ciso_assistant_read import problems
from redline.rulebook.book import Rulebook
from redline.rulebook.lint import lint
from redline.rulebook.local import _entry_point_directory, with_local_rules
from redline.services.assessment.assessing import applicable_checklists
from tests.conftest import ROOT

PACKAGE = ROOT / "tests" / "plugins" / "redline-example-rulebook" / "redline_example_rulebook" / "rules"
TRIGGER = "sh-genai2026-3"
CHECKLIST = "sh-genai2026"
PUDONG, XIHU = "310115", "330106"  # 上海市浦东新区 inside the package's 上海市; 杭州市西湖区 outside
LAUNCH = Change(kind=None, date=dt.date(2026, 12, 28), launch=True)


@pytest.fixture(scope="module")
def local_book(book: Rulebook) -> Rulebook:
    return with_local_rules(book, (PACKAGE,))


def _chatbot(location: str | None) -> ServiceProfile:
    return ServiceProfile(Provider("测试公司", location), "测试对话服务", ("generative_ai_service", "text_generation"))


def _run(book: Rulebook, location: str | None) -> Evaluation:
    return evaluate(book, _chatbot(location), LAUNCH, WorkCalendar(book.holidays), dt.date(2026, 12, 1))


def test_the_package_passes_the_same_lint_as_the_national_rulebook(book: Rulebook, local_book: Rulebook) -> None:
    report = lint(local_book)
    assert report.errors == []
    assert report.quotes_checked > lint(book).quotes_checked


def test_a_local_trigger_applies_to_a_service_whose_provider_sits_in_its_jurisdiction(local_book: Rulebook) -> None:
    evaluation = _run(local_book, PUDONG)
    (duty,) = [o for o in evaluation.obligations if o.trigger_id == TRIGGER]
    assert duty.title.zh.startswith("【上海市地方规则】")
    assert duty.title.en.startswith("[Local rule, Shanghai] ")


def test_a_local_trigger_does_not_apply_outside_its_jurisdiction_and_says_why(local_book: Rulebook) -> None:
    evaluation = _run(local_book, XIHU)
    assert TRIGGER not in {o.trigger_id for o in evaluation.obligations}
    (skipped,) = [n for n in evaluation.not_triggered if n.trigger_id == TRIGGER]
    assert "只在上海市适用" in skipped.reason.zh and "浙江省杭州市西湖区" in skipped.reason.zh
    assert "in force only in Shanghai" in skipped.reason.en and "Xihu District" in skipped.reason.en
    # the national duties are untouched by where the provider sits
    national = {o.trigger_id for o in _run(local_book, PUDONG).obligations} - {TRIGGER}
    assert {o.trigger_id for o in evaluation.obligations} == national


def test_a_provider_without_a_stated_seat_is_not_reached_by_a_local_rule(local_book: Rulebook) -> None:
    evaluation = _run(local_book, None)
    (skipped,) = [n for n in evaluation.not_triggered if n.trigger_id == TRIGGER]
    assert "no seat of the provider is stated" in skipped.reason.en


def test_a_local_checklist_is_asked_only_inside_its_jurisdiction(local_book: Rulebook) -> None:
    inside = [c.id for c in applicable_checklists(local_book, _chatbot(PUDONG), LAUNCH)]
    outside = [c.id for c in applicable_checklists(local_book, _chatbot(XIHU), LAUNCH)]
    assert CHECKLIST in inside and CHECKLIST not in outside
    assert set(inside) - {CHECKLIST} == set(outside)
    assert local_book.checklist(CHECKLIST).title_zh.startswith("【上海市地方规则】")


def test_the_rulebook_version_changes_with_a_local_package(book: Rulebook, local_book: Rulebook) -> None:
    assert local_book.version.startswith(f"{book.version}+sh-example.")


def test_the_national_rulebook_is_unchanged_without_packages(book: Rulebook) -> None:
    assert book.local == () and with_local_rules(book, ()) is book


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(PACKAGE, target)
    return target


def test_a_package_for_an_unknown_division_is_refused(book: Rulebook, tmp_path: Path) -> None:
    package = _copy(tmp_path)
    manifest = package / "rulebook.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"310000"', '"319999"'), encoding="utf-8")
    with pytest.raises(RulebookError, match="319999"):
        with_local_rules(book, (package,))


def test_a_directory_without_a_manifest_or_missing_is_refused(book: Rulebook, tmp_path: Path) -> None:
    package = _copy(tmp_path)
    (package / "rulebook.yaml").unlink()
    with pytest.raises(RulebookError, match=r"rulebook\.yaml"):
        with_local_rules(book, (package,))
    with pytest.raises(RulebookError, match="not found"):
        with_local_rules(book, (tmp_path / "nowhere",))


def test_a_package_reusing_a_national_id_fails_lint(book: Rulebook, tmp_path: Path) -> None:
    package = _copy(tmp_path)
    triggers = package / "triggers.yaml"
    triggers.write_text(triggers.read_text(encoding="utf-8").replace(TRIGGER, "sa2018-3-1"), encoding="utf-8")
    report = lint(with_local_rules(book, (package,)))
    assert any("sa2018-3-1" in p.where and "duplicate" in p.message for p in report.errors)


def test_a_package_quoting_words_its_regulation_does_not_hold_fails_lint(book: Rulebook, tmp_path: Path) -> None:
    package = _copy(tmp_path)
    checklist = package / "checklists" / "sh-genai2026.yaml"
    text = checklist.read_text(encoding="utf-8").replace("负责与市网信部门的日常联系", "负责与市公安机关的联系")
    checklist.write_text(text, encoding="utf-8")
    report = lint(with_local_rules(book, (package,)))
    assert any("not verbatim" in p.message for p in report.errors)


def test_the_same_package_twice_is_refused(book: Rulebook) -> None:
    with pytest.raises(RulebookError, match="two local rulebook packages are called 'sh-example'"):
        with_local_rules(book, (PACKAGE, PACKAGE))


def test_an_entry_point_that_fails_to_load_is_a_clear_rulebook_error() -> None:
    def broken() -> object:
        raise ImportError("No module named 'gone'")

    with pytest.raises(RulebookError, match=r"entry point 'gone' in redline\.rulebooks failed to load"):
        _entry_point_directory(broken, "gone")
    with pytest.raises(RulebookError, match="gives no directory"):
        _entry_point_directory(lambda: 42, "number")


def test_exports_name_a_local_checklist_as_local_and_its_issuer_as_provider(local_book: Rulebook) -> None:
    library = ciso_assistant.library(local_book, local_book.checklist(CHECKLIST))
    assert problems(library) == []
    assert library["provider"] == "上海市互联网信息办公室（虚构）"
    assert library["name"].startswith("【上海市地方规则】")
    assert "Shanghai Cyberspace Administration (fictional)" in library["translations"]["en"]["copyright"]
    catalog = oscal.catalog(local_book)
    oscal_validate.validate(catalog)
    groups = {g["id"]: g for g in catalog["catalog"]["groups"]}
    props = {p["name"]: p["value"] for p in groups[CHECKLIST]["props"]}
    assert (props["jurisdiction"], props["local-package"]) == ("310000", "sh-example")
    assert "jurisdiction" not in {p["name"] for p in groups["genai2023"]["props"]}
