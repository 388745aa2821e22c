from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from redline.errors import NotFoundError, RulebookError
from redline.rulebook.book import Rulebook
from redline.rulebook.citations import Citation
from redline.rulebook.lint import lint
from redline.rulebook.loader import DATA_DIR, load_rulebook
from redline.rulebook.schema import Item, Quote, TextStatus


def test_shipped_rulebook_lints_clean_and_reports_unverified_text(book: Rulebook) -> None:
    report = lint(book)
    assert report.errors == []
    assert report.quotes_checked > 100
    assert "sa2018:5" in report.unverified_articles
    assert any("sa2018:7.2" in q for q in report.unverified_quotes)


def test_every_trigger_and_checklist_item_carries_a_resolving_verbatim_quote(book: Rulebook) -> None:
    sites = [(t.id, t.quotes) for t in book.triggers]
    sites += [(i.id, i.quotes) for c in book.checklists for i in c.items]
    for ident, quotes in sites:
        assert quotes, ident
        for quote in quotes:
            assert book.fragment(quote.cite).quote_status(quote.text) is not None, (ident, quote)


def test_the_five_situations_of_article_3_each_have_a_trigger(book: Rulebook) -> None:
    cited = {q.cite for t in book.triggers for q in t.quotes}
    assert {f"sa2018:3({n})" for n in range(1, 6)} <= cited


def test_citation_parses_and_labels_in_chinese_and_english() -> None:
    cite = Citation.parse("dsm2022:17.1(3)")
    assert (cite.regulation, cite.article, cite.paragraph, cite.item) == ("dsm2022", 17, 1, 3)
    assert cite.label_zh() == "第十七条第一款第（三）项"
    assert cite.label_en() == "Art. 17 para. 1 item (3)"
    assert Citation.parse("algo2021:24").label_zh() == "第二十四条"
    with pytest.raises(ValueError, match="not a citation"):
        Citation.parse("sa2018-3")


def test_fragment_of_an_item_holds_that_item_only(book: Rulebook) -> None:
    fragment = book.fragment("sa2018:3(3)")
    assert [t for t, _ in fragment.texts] == [
        "用户规模显著增加，导致信息服务的舆论属性或者社会动员能力发生重大变化的；"
    ]
    assert fragment.status is TextStatus.VERIFIED
    assert book.fragment("sa2018:7.2").status is TextStatus.UNVERIFIED


def test_a_citation_to_a_missing_article_or_item_is_refused(book: Rulebook) -> None:
    with pytest.raises(NotFoundError, match="no article 99"):
        book.fragment("sa2018:99")
    with pytest.raises(NotFoundError, match="no item 9"):
        book.fragment("sa2018:3(9)")


def test_the_cybersecurity_law_version_cited_follows_the_date(book: Rulebook) -> None:
    quotes = [
        Quote(cite="csl2016:21(3)", text="留存相关的网络日志不少于六个月"),
        Quote(cite="csl2025:23", text="留存相关的网络日志不少于六个月"),
    ]
    assert [q.cite for q in book.quotes_in_force(quotes, dt.date(2025, 6, 1))] == ["csl2016:21(3)"]
    assert [q.cite for q in book.quotes_in_force(quotes, dt.date(2026, 6, 1))] == ["csl2025:23"]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_lint_catches_a_misquoted_article(data_copy: Path) -> None:
    _replace(data_copy / "triggers.yaml", "用户规模显著增加，导致", "用户数量显著增加，导致")
    errors = lint(load_rulebook(data_copy)).errors
    assert [e.where for e in errors] == ["trigger sa2018-3-3"]
    assert "not verbatim in sa2018:3(3)" in errors[0].message


def test_lint_catches_a_dangling_citation(data_copy: Path) -> None:
    _replace(data_copy / "triggers.yaml", 'cite: "sa2018:3(4)"', 'cite: "sa2018:33(4)"')
    errors = lint(load_rulebook(data_copy)).errors
    assert len(errors) == 1
    assert "does not resolve" in errors[0].message and "no article 33" in errors[0].message


def test_lint_catches_a_duplicate_id(data_copy: Path) -> None:
    _replace(data_copy / "triggers.yaml", "id: sa2018-3-2", "id: sa2018-3-1")
    errors = lint(load_rulebook(data_copy)).errors
    assert any(e.where == "trigger sa2018-3-1" and "duplicate" in e.message for e in errors)


def test_lint_catches_an_impossible_date(data_copy: Path) -> None:
    _replace(data_copy / "regulations" / "sa2018.yaml", "effective: 2018-11-30", "effective: 2018-11-01")
    errors = lint(load_rulebook(data_copy)).errors
    assert [e.where for e in errors] == ["regulation sa2018"]
    assert "before promulgation" in errors[0].message


def test_a_rulebook_file_with_an_unknown_field_names_file_and_line(data_copy: Path) -> None:
    _replace(
        data_copy / "triggers.yaml",
        "    obligation: security_assessment\n",
        "    obligation: security_assessment\n    colour: red\n",
    )
    with pytest.raises(RulebookError) as caught:
        load_rulebook(data_copy)
    assert caught.value.source is not None and caught.value.source.endswith("triggers.yaml")
    assert caught.value.line == 6
    assert caught.value.field == "triggers.0.colour"


def test_divisions_find_the_authority_seat(book: Rulebook) -> None:
    seat = book.divisions.local_authority_seat("330106")
    assert seat is not None and (seat.code, seat.name) == ("330100", "杭州市")
    beijing = book.divisions.local_authority_seat("110105")
    assert beijing is not None and beijing.name == "北京市"
    assert book.divisions.contains("330000", "330106")
    assert not book.divisions.contains("110000", "330106")


def test_a_partly_held_article_is_cited_by_its_own_paragraph_number(book: Rulebook) -> None:
    fragment = book.fragment("genai2023:2.3")
    assert "不适用本办法的规定" in fragment.texts[0][0]
    with pytest.raises(NotFoundError, match="holds no paragraph 1"):
        book.fragment("genai2023:2.1")


# Verification status, pinned to where each statute text was read (the sources named below).
# Art. 5 items (3) and (4) of the 2018 rule are quoted verbatim by a single third party
# (Solidot, 2018-11-16): the same level as Art. 7 para. 1 (a single third-party quotation).
SA2018_ART5_ITEM3 = (
    "对用户的账号、操作时间、操作类型、网络源地址和目标地址、网络源端口、客户端硬件特征等日志信息，"
    "以及用户发布信息记录的留存措施；"
)
SA2018_ART5_ITEM4 = (
    "对用户账号和通讯群组名称、昵称、简介、备注、标识，信息发布、转发、评论和通讯群组等服务功能中"
    "违法有害信息的防范处置和有关记录保存措施；"
)


@pytest.mark.parametrize(("cite", "text"), [("sa2018:5(3)", SA2018_ART5_ITEM3), ("sa2018:5(4)", SA2018_ART5_ITEM4)])
def test_the_two_items_of_article_5_quoted_by_a_third_party_are_verified_like_article_7(
    book: Rulebook, cite: str, text: str
) -> None:
    fragment = book.fragment(cite)
    assert fragment.texts == ((text, TextStatus.VERIFIED),)
    assert book.fragment("sa2018:7.1").status is TextStatus.VERIFIED
    item = fragment.article.paragraphs[0].items[int(cite[-2]) - 1]
    assert isinstance(item, Item) and "Solidot" in item.source


@pytest.mark.parametrize("item", [1, 2, 5, 6, 7, 8])
def test_the_other_items_and_the_lead_in_of_article_5_stay_a_recollection(book: Rulebook, item: int) -> None:
    assert book.fragment(f"sa2018:5({item})").status is TextStatus.UNVERIFIED
    lead_in = book.fragment("sa2018:5").quote_status("重点评估以下内容")
    assert lead_in is TextStatus.UNVERIFIED
    assert "sa2018:5" in lint(book).unverified_articles


def test_content_ecology_article_8_is_unverified_because_its_number_is_recalled(book: Rulebook) -> None:
    # The sentence is verbatim in a quiz statement, but no source gives its article number:
    # "第八条" rests on the compiler's recollection, so a citation "Art. 8" cannot be verified.
    fragment = book.fragment("ecology2019:8")
    assert fragment.status is TextStatus.UNVERIFIED
    assert fragment.article.note is not None and "number" in fragment.article.note
    assert "ecology2019:8" in lint(book).unverified_articles
