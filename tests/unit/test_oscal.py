from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from redline.cli.oscal import oscal_app
from redline.errors import CheckFailedError, InputError
from redline.reports import oscal, oscal_validate
from redline.reports.canonical import dumps
from redline.reports.document import build_report
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import run_assessment
from tests.conftest import EXAMPLES

VOICE = EXAMPLES / "voice-social"
LOG_FIELDS = "sa2018-5-3-log-fields"


@pytest.fixture(scope="module")
def report(book: Rulebook) -> dict[str, Any]:
    return build_report(book, run_assessment(book, VOICE / "answers.yaml"))


@pytest.fixture(scope="module")
def results(report: dict[str, Any]) -> dict[str, Any]:
    return oscal.assessment_results(report)


def _items(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for measure in report["measures"] for item in measure["items"]]


def _open_ids(report: dict[str, Any]) -> set[str]:
    return {i["id"] for i in _items(report) if i["status"] in {"not_met", "partly_met"} or i["findings"]}


def _prop(owner: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in owner.get("props", []) if p["name"] == name]


def test_the_catalog_holds_one_control_per_checklist_item_and_validates(book: Rulebook) -> None:
    document = oscal.catalog(book)
    oscal_validate.validate(document)
    groups = document["catalog"]["groups"]
    assert [g["id"] for g in groups] == [oscal.control_id(c.id) for c in book.checklists]
    controls = [c for g in groups for c in g["controls"]]
    assert len(controls) == sum(len(c.items) for c in book.checklists)
    assert [c["id"] for c in controls] == [oscal.control_id(i.id) for c in book.checklists for i in c.items]


def test_a_control_carries_the_question_guidance_and_the_verbatim_quote_with_its_status(book: Rulebook) -> None:
    _checklist, item = book.checklist_item(LOG_FIELDS)
    document = oscal.catalog(book)
    control = next(c for g in document["catalog"]["groups"] for c in g["controls"] if c["id"] == LOG_FIELDS)
    parts = {p["name"]: p for p in control["parts"]}
    assert item.question_zh in parts["statement"]["prose"] and item.question_en in parts["statement"]["prose"]
    assert item.who_en in parts["guidance"]["prose"] and item.evidence_zh[0] in parts["guidance"]["prose"]
    citation = parts["citation"]
    assert citation["prose"] == item.quotes[0].text
    assert _prop(citation, "cite") == [item.quotes[0].cite]
    # Art. 5 item (3) is quoted verbatim by a third party (Solidot, 2018-11-16): verified.
    assert _prop(citation, "text-status") == ["verified"]
    assert "第五条第（三）项" in citation["title"]
    # Item (1) is still held only as a recollection.
    lead = next(
        c for g in document["catalog"]["groups"] for c in g["controls"] if c["id"] == "sa2018-5-1-security-lead"
    )
    lead_citation = next(p for p in lead["parts"] if p["name"] == "citation")
    assert _prop(lead_citation, "text-status") == ["unverified"]
    resources = {r["uuid"] for r in document["catalog"]["back-matter"]["resources"]}
    assert citation["links"][0]["href"][1:] in resources


def test_control_ids_that_would_start_with_a_digit_become_valid_tokens() -> None:
    assert oscal.control_id("sa2018-5-1-security-lead") == "sa2018-5-1-security-lead"
    assert oscal.control_id("2018-item") == "_2018-item"


def test_assessment_results_for_the_example_validate_with_one_observation_per_item(
    report: dict[str, Any], results: dict[str, Any]
) -> None:
    oscal_validate.validate(results)
    result = results["assessment-results"]["results"][0]
    items = _items(report)
    assert len(result["observations"]) == len(items)
    reviewed = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assert [c["control-id"] for c in reviewed] == [oscal.control_id(i["id"]) for i in items]
    assert result["start"] == "2026-11-24T00:00:00+00:00"
    digest = report["seal"]["digest"]
    assert _prop(results["assessment-results"]["metadata"], "report-seal-sha256") == [digest]
    assert _prop(result, "report-seal-sha256") == [digest]


def test_the_partly_met_log_fields_item_is_a_not_satisfied_finding(results: dict[str, Any]) -> None:
    result = results["assessment-results"]["results"][0]
    [finding] = result["findings"]
    assert finding["target"]["target-id"] == f"{LOG_FIELDS}_smt"
    assert finding["target"]["type"] == "statement-id"
    assert finding["target"]["status"]["state"] == "not-satisfied"
    assert _prop(finding, "severity") == ["medium"]
    observations = {o["uuid"] for o in result["observations"]}
    assert finding["related-observations"][0]["observation-uuid"] in observations


def test_the_evidence_sha256_is_in_the_observation_and_in_the_back_matter_hashes(results: dict[str, Any]) -> None:
    expected = hashlib.sha256((VOICE / "evidence" / "measures.md").read_bytes()).hexdigest()
    observation = results["assessment-results"]["results"][0]["observations"][0]
    [evidence] = observation["relevant-evidence"]
    assert _prop(evidence, "sha256") == [expected]
    assert _prop(evidence, "file") == ["evidence/measures.md"]
    resource = next(
        r for r in results["assessment-results"]["back-matter"]["resources"] if f"#{r['uuid']}" == evidence["href"]
    )
    assert resource["rlinks"][0] == {
        "href": "evidence/measures.md",
        "hashes": [{"algorithm": "SHA-256", "value": expected}],
    }


def test_the_poam_lists_exactly_the_open_items_and_validates(report: dict[str, Any]) -> None:
    document = oscal.poam(report)
    oscal_validate.validate(document)
    items = document["plan-of-action-and-milestones"]["poam-items"]
    assert {_prop(i, "checklist-item")[0] for i in items} == _open_ids(report) == {LOG_FIELDS}


def test_the_poam_also_lists_a_met_item_that_has_a_finding(report: dict[str, Any]) -> None:
    changed = copy.deepcopy(report)
    met = _items(changed)[0]
    met["findings"] = [{"severity": "low", "text": "任命文件未加盖公章。"}]
    items = oscal.poam(changed)["plan-of-action-and-milestones"]["poam-items"]
    assert {_prop(i, "checklist-item")[0] for i in items} == {LOG_FIELDS, met["id"]}
    findings = oscal.assessment_results(changed)["assessment-results"]["results"][0]["findings"]
    states = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in findings}
    assert states == {f"{LOG_FIELDS}_smt": "not-satisfied", f"{met['id']}_smt": "satisfied"}


def test_a_report_with_nothing_open_has_no_poam(report: dict[str, Any]) -> None:
    closed = copy.deepcopy(report)
    for item in _items(closed):
        item["status"], item["findings"] = "met", []
    with pytest.raises(InputError, match="no open items"):
        oscal.poam(closed)


def test_the_same_report_gives_byte_identical_oscal_twice(book: Rulebook, report: dict[str, Any]) -> None:
    again = build_report(book, run_assessment(book, VOICE / "answers.yaml"))
    assert oscal.to_json(oscal.assessment_results(report)) == oscal.to_json(oscal.assessment_results(again))
    assert oscal.to_json(oscal.poam(report)) == oscal.to_json(oscal.poam(again))
    assert oscal.to_json(oscal.catalog(book)) == oscal.to_json(oscal.catalog(book))


def test_a_different_report_gets_different_uuids(report: dict[str, Any], results: dict[str, Any]) -> None:
    other = copy.deepcopy(report)
    other["seal"]["digest"] = "0" * 64
    assert oscal.assessment_results(other)["assessment-results"]["uuid"] != results["assessment-results"]["uuid"]


def test_a_bad_uuid_fails_validation_naming_its_location(results: dict[str, Any]) -> None:
    broken = copy.deepcopy(results)
    broken["assessment-results"]["results"][0]["observations"][2]["uuid"] = "not-a-uuid"
    with pytest.raises(CheckFailedError, match="not valid OSCAL assessment-results") as caught:
        oscal_validate.validate(broken)
    assert caught.value.field == "assessment-results.results[0].observations[2].uuid"


def test_a_missing_required_member_fails_validation_naming_its_location(results: dict[str, Any]) -> None:
    broken = copy.deepcopy(results)
    del broken["assessment-results"]["metadata"]["oscal-version"]
    with pytest.raises(CheckFailedError, match="Field required") as caught:
        oscal_validate.validate(broken)
    assert caught.value.field == "assessment-results.metadata.oscal-version"


def test_a_dangling_evidence_reference_fails_validation(results: dict[str, Any]) -> None:
    broken = copy.deepcopy(results)
    evidence = broken["assessment-results"]["results"][0]["observations"][0]["relevant-evidence"][0]
    evidence["href"] = "#00000000-0000-4000-8000-000000000000"
    with pytest.raises(CheckFailedError, match="names no back-matter resource") as caught:
        oscal_validate.validate(broken)
    assert caught.value.field == "assessment-results.results[0].observations[0].relevant-evidence[0].href"


def test_a_document_of_another_kind_is_refused() -> None:
    with pytest.raises(CheckFailedError, match="expected one root member"):
        oscal_validate.validate({"system-security-plan": {}})


def test_the_cli_writes_valid_oscal_only_from_a_report_whose_seal_holds(report: dict[str, Any], tmp_path: Path) -> None:
    sealed = tmp_path / "report.json"
    sealed.write_text(dumps(report), encoding="utf-8")
    runner = CliRunner()
    for command, root in (("results", "assessment-results"), ("poam", "plan-of-action-and-milestones")):
        target = tmp_path / f"{command}.json"
        result = runner.invoke(oscal_app, [command, str(sealed), "-o", str(target)])
        assert result.exit_code == 0, result.output
        written = json.loads(target.read_text(encoding="utf-8"))
        assert list(written) == [root]
        oscal_validate.validate(written)
    sealed.write_text(dumps(report).replace("声浪 SoundWave", "声浪 SoundWavе"), encoding="utf-8")
    result = runner.invoke(oscal_app, ["results", str(sealed), "-o", str(tmp_path / "tampered.json")])
    assert isinstance(result.exception, CheckFailedError) and "seal broken" in str(result.exception)
    assert not (tmp_path / "tampered.json").exists()


def test_the_cli_writes_the_catalog(tmp_path: Path) -> None:
    target = tmp_path / "catalog.json"
    result = CliRunner().invoke(oscal_app, ["catalog", "-o", str(target)])
    assert result.exit_code == 0, result.output
    oscal_validate.validate(json.loads(target.read_text(encoding="utf-8")))


def test_python_field_names_instead_of_oscal_names_fail_validation(book: Rulebook) -> None:
    broken = oscal.catalog(book)
    metadata = broken["catalog"]["metadata"]
    metadata["last_modified"] = metadata.pop("last-modified")
    with pytest.raises(CheckFailedError) as caught:
        oscal_validate.validate(broken)
    assert caught.value.field == "catalog.metadata.last-modified"
