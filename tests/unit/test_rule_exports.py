"""`redline rules export`: every checklist as a CISO Assistant library and as OSCAL, read back and
compared requirement by requirement with the rulebook it came from."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from redline.cli.main import main
from redline.errors import CheckFailedError
from redline.reports import ciso_assistant, oscal, oscal_validate
from redline.reports.ciso_assistant_read import problems, read_library
from redline.reports.rule_exports import ExportFormat, export_files
from redline.rulebook.book import Rulebook
from redline.rulebook.citations import Citation
from redline.rulebook.schema import Checklist


def _library(book: Rulebook, checklist_id: str) -> dict[str, Any]:
    document: dict[str, Any] = ciso_assistant.library(book, book.checklist(checklist_id))
    return document


@pytest.fixture(scope="module")
def libraries(book: Rulebook) -> dict[str, str]:
    return export_files(book, ExportFormat.CISO_ASSISTANT)


def _where(book: Rulebook, cite: str) -> tuple[str, str]:
    fragment = book.fragment(cite)
    reg = fragment.regulation
    return f"《{reg.title_zh}》{fragment.label_zh()}", f"{reg.title_en}, {fragment.label_en()}"


def _compare_items(book: Rulebook, checklist: Checklist, text: str) -> None:
    read = read_library(text, checklist.id)
    assessable = [r.ref_id for r in read.requirements if r.assessable]
    assert sorted(assessable) == sorted(i.id for i in checklist.items)
    for item in checklist.items:
        got = read.requirement(item.id)
        first = Citation.parse(item.quotes[0].cite)
        assert got.path == (first.regulation, f"{first.regulation}:{first.article}")
        assert got.description == {"zh": item.question_zh, "en": item.question_en}
        assert got.who == {"zh": item.who_zh, "en": item.who_en}
        assert got.evidence == {"zh": tuple(item.evidence_zh), "en": tuple(item.evidence_en)}
        for lang, index in (("zh", 0), ("en", 1)):
            assert [(q.cite, q.text) for q in got.quotes[lang]] == [(q.cite, q.text) for q in item.quotes]
            assert [q.where for q in got.quotes[lang]] == [_where(book, q.cite)[index] for q in item.quotes]


def test_every_checklist_item_reads_back_from_its_library_with_text_hierarchy_and_both_languages(
    book: Rulebook, libraries: dict[str, str]
) -> None:
    assert sorted(libraries) == sorted(f"redline-{c.id}.yaml" for c in book.checklists)
    for checklist in book.checklists:
        _compare_items(book, checklist, libraries[f"redline-{checklist.id}.yaml"])


def test_regulation_and_article_nodes_carry_the_titles_and_article_labels_in_both_languages(
    book: Rulebook, libraries: dict[str, str]
) -> None:
    read = read_library(libraries["redline-genai2023.yaml"], "genai2023")
    regulation = read.requirement("genai2023")
    reg = book.regulation("genai2023")
    assert (regulation.path, regulation.assessable) == ((), False)
    assert regulation.name == {"zh": reg.title_zh, "en": reg.title_en}
    article = read.requirement("genai2023:4")
    assert article.path == ("genai2023",)
    assert article.name["zh"] == "第四条"
    assert article.name["en"].startswith("Art. 4: ")


def test_a_library_names_itself_as_ciso_assistant_libraries_do(book: Rulebook, libraries: dict[str, str]) -> None:
    checklist = book.checklist("dsm2022")
    read = read_library(libraries["redline-dsm2022.yaml"], "dsm2022")
    assert read.urn == "urn:redline:risk:library:dsm2022"
    assert (read.ref_id, read.locale, read.version) == ("dsm2022", "zh", 1)
    assert read.name == {"zh": checklist.title_zh, "en": checklist.title_en}
    assert (read.provider, read.packager) == ("redline", "redline")
    cited = {Citation.parse(q.cite).regulation for i in checklist.items for q in i.quotes}
    assert read.publication_date == max(book.regulation(r).promulgated for r in cited | {"dsm2022"})
    document = yaml.safe_load(libraries["redline-dsm2022.yaml"])
    assert document["objects"]["framework"]["urn"] == "urn:redline:risk:framework:dsm2022"


def test_the_export_is_the_same_each_time_and_carries_the_library_version_asked_for(book: Rulebook) -> None:
    assert export_files(book, ExportFormat.CISO_ASSISTANT) == export_files(book, ExportFormat.CISO_ASSISTANT)
    files = export_files(book, ExportFormat.CISO_ASSISTANT, ["av2019"], version=3)
    assert list(files) == ["redline-av2019.yaml"]
    assert yaml.safe_load(files["redline-av2019.yaml"])["version"] == 3


def test_every_exported_library_has_the_structure_the_ciso_assistant_loader_requires(book: Rulebook) -> None:
    for checklist in book.checklists:
        assert problems(_library(book, checklist.id)) == []


def _nodes(document: dict[str, Any]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = document["objects"]["framework"]["requirement_nodes"]
    return nodes


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: d.pop("version"), "'version' is required"),
        (lambda d: d.update(locale=""), "'locale' is required"),
        (lambda d: d.update(urn="urn:redline:library av2019"), "not a URN"),
        (lambda d: d.update(version="one"), "version must be a whole number"),
        (lambda d: d["objects"].pop("framework"), "objects.framework is required"),
        (lambda d: d["objects"]["framework"].update(requirement_nodes=[]), "at least one node"),
        (lambda d: _nodes(d)[0].pop("urn"), "needs a urn"),
        (lambda d: _nodes(d)[1].update(urn=_nodes(d)[0]["urn"].upper()), "repeats an earlier node"),
        (lambda d: _nodes(d)[2].update(parent_urn="urn:redline:risk:req_node:av2019:nowhere"), "not an earlier node"),
        (lambda d: _nodes(d)[2].update(depth=2), "depth 2 where its parent gives 3"),
        (lambda d: _nodes(d)[2].update(assessable="yes"), "assessable must be true or false"),
        (lambda d: _nodes(d)[2]["translations"]["en"].update(question="?"), "only annotation, description"),
    ],
)
def test_the_structural_check_refuses_what_the_loader_would(book: Rulebook, damage: Any, expected: str) -> None:
    document = copy.deepcopy(_library(book, "av2019"))
    damage(document)
    found = problems(document)
    assert any(expected in p for p in found), found


def test_a_library_whose_annotation_lost_its_citation_is_refused_on_reading(libraries: dict[str, str]) -> None:
    document = yaml.safe_load(libraries["redline-av2019.yaml"])
    item = next(n for n in _nodes(document) if n["assessable"])
    item["annotation"] = item["annotation"].replace("（av2019:", "（")
    with pytest.raises(CheckFailedError, match="not a cited quote"):
        read_library(ciso_assistant.to_yaml(document), "edited")


def test_the_oscal_export_is_the_catalog_and_a_profile_per_checklist_that_selects_its_items(book: Rulebook) -> None:
    files = export_files(book, ExportFormat.OSCAL)
    catalog = json.loads(files["catalog.json"])
    oscal_validate.validate(catalog)
    in_catalog = {c["id"] for g in catalog["catalog"]["groups"] for c in g["controls"]}
    for checklist in book.checklists:
        profile = json.loads(files[f"profile-{checklist.id}.json"])
        oscal_validate.validate(profile)
        (imported,) = profile["profile"]["imports"]
        (selection,) = imported["include-controls"]
        assert selection["with-ids"] == [oscal.control_id(i.id) for i in checklist.items]
        assert set(selection["with-ids"]) <= in_catalog
        (resource,) = profile["profile"]["back-matter"]["resources"]
        assert imported["href"] == f"#{resource['uuid']}"
        assert resource["rlinks"][0]["href"] == "catalog.json"


def test_every_control_of_the_oscal_catalog_reads_back_as_its_checklist_item(book: Rulebook) -> None:
    catalog = json.loads(export_files(book, ExportFormat.OSCAL)["catalog.json"])
    groups = {g["id"]: g for g in catalog["catalog"]["groups"]}
    for checklist in book.checklists:
        controls = {c["id"]: c for c in groups[oscal.control_id(checklist.id)]["controls"]}
        assert list(controls) == [oscal.control_id(i.id) for i in checklist.items]
        for item in checklist.items:
            parts = {p["name"]: p for p in controls[oscal.control_id(item.id)]["parts"]}
            assert parts["statement"]["prose"] == f"{item.question_zh}\n\n{item.question_en}"
            citations = [p for p in controls[oscal.control_id(item.id)]["parts"] if p["name"] == "citation"]
            assert [(p["props"][0]["value"], p["prose"]) for p in citations] == [(q.cite, q.text) for q in item.quotes]


def test_a_profile_that_selects_a_control_by_a_wrong_reference_fails_validation(book: Rulebook) -> None:
    profile = json.loads(export_files(book, ExportFormat.OSCAL, ["av2019"])["profile-av2019.json"])
    profile["profile"]["imports"][0]["href"] = "#00000000-0000-4000-8000-000000000000"
    with pytest.raises(CheckFailedError, match="names no back-matter resource"):
        oscal_validate.validate(profile)


def test_the_command_writes_every_file_into_the_directory_and_refuses_a_file_as_directory(tmp_path: Path) -> None:
    target = tmp_path / "new" / "libraries"
    assert main(["rules", "export", "--format", "ciso-assistant", "-o", str(target)]) == 0
    assert len(list(target.glob("redline-*.yaml"))) == 6
    assert main(["rules", "export", "--format", "oscal", "-o", str(target), "--checklist", "av2019"]) == 0
    assert sorted(p.name for p in target.glob("*.json")) == ["catalog.json", "profile-av2019.json"]
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["rules", "export", "--format", "oscal", "-o", str(blocker)]) == 2
    assert main(["rules", "export", "--format", "oscal", "-o", str(target), "--checklist", "nothing-here"]) != 0
