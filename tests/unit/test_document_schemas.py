"""The published JSON Schemas (docs/schemas/) are what the models generate, and the documents redline really
writes pass them under an independent validator (jsonschema-rs, a Rust implementation of JSON Schema)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from redline.cli.main import main
from redline.errors import InputError
from redline.probes.document import read_probe_run
from redline.reports.canonical import verify_text
from redline.reports.models import read_report
from redline.reports.schemas import SCHEMAS, schema_text

ROOT = Path(__file__).parents[2]
PUBLISHED = ROOT / "docs" / "schemas"
EXAMPLES = ROOT / "examples"
V1_FIXTURE = Path(__file__).parent / "fixtures" / "assessment-report.v1.json"


def _errors(schema_file: str, document: Any) -> list[str]:
    schema = json.loads((PUBLISHED / schema_file).read_text(encoding="utf-8"))
    validator = jsonschema_rs.validator_for(schema)
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(document)]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_published_schema_is_what_the_model_generates(name: str) -> None:
    published = (PUBLISHED / name).read_text(encoding="utf-8")
    assert published == schema_text(name), f"run `redline schemas export -o docs/schemas` and commit {name}"


def test_docs_schemas_holds_exactly_the_generated_files() -> None:
    assert sorted(p.name for p in PUBLISHED.glob("*.json")) == sorted(SCHEMAS)


def test_the_export_command_writes_the_same_files(tmp_path: Path) -> None:
    assert main(["schemas", "export", "-o", str(tmp_path / "out")]) == 0
    for name in SCHEMAS:
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == (PUBLISHED / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every example assessment, reported as `redline assess report` writes it."""
    out = tmp_path_factory.mktemp("reports")
    written: dict[str, dict[str, Any]] = {}
    for answers in sorted(EXAMPLES.glob("*/answers.yaml")):
        path = out / f"{answers.parent.name}.json"
        assert main(["assess", "report", str(answers), "--format", "json", "-o", str(path)]) == 0
        written[answers.parent.name] = json.loads(path.read_text(encoding="utf-8"))
    return written


def test_every_example_report_validates_against_the_published_v2_schema(reports: dict[str, dict[str, Any]]) -> None:
    assert len(reports) >= 8
    for name, report in reports.items():
        assert _errors("assessment-report.v2.schema.json", report) == [], name
        assert report["schema_version"] == 2 and report["seal"]["version"] == 2


def test_a_report_sealed_before_issue_18_validates_against_the_v1_schema_and_not_the_v2_one() -> None:
    document = json.loads(V1_FIXTURE.read_text(encoding="utf-8"))
    assert _errors("assessment-report.v1.schema.json", document) == []
    assert _errors("assessment-report.v2.schema.json", document) != []


def test_the_schema_refuses_what_the_model_refuses(reports: dict[str, dict[str, Any]]) -> None:
    report = json.loads(json.dumps(reports["voice-social"]))
    report["measures"][0]["items"][0]["status"] = "mostly_met"
    assert any("measures/0/items/0/status" in e for e in _errors("assessment-report.v2.schema.json", report))
    with pytest.raises(InputError) as caught:
        read_report(report, "r.json")
    assert caught.value.field == "report.measures.0.items.0.status"
    report["measures"][0]["items"][0]["status"] = "met"
    report["provider"]["website"] = "https://example.invalid"
    assert _errors("assessment-report.v2.schema.json", report) != []
    with pytest.raises(InputError) as caught:
        read_report(report, "r.json")
    assert caught.value.field == "report.provider.website"


def _probe_inputs(root: Path) -> Path:
    """Files a probe run meets: plain text, listed terms, a JSON-lines export and an unreadable binary."""
    root.mkdir()
    (root / "notice.txt").write_text("欢迎使用本服务。\n", encoding="utf-8")
    (root / "spam.html").write_text("<p>加微信 <span style='display:none'>免费领取</span></p>", encoding="utf-8")
    lines = [json.dumps({"text": t}, ensure_ascii=False) for t in ("你好", "赌博网站", "")]
    (root / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "blob.bin").write_bytes(bytes(range(256)) * 4)
    return root


@pytest.mark.parametrize("probe", ["content-screen", "aigc-label", "log-retention"])
def test_a_probe_run_on_generated_files_validates_against_the_published_schema(tmp_path: Path, probe: str) -> None:
    files = _probe_inputs(tmp_path / "in")
    output = tmp_path / "run.json"
    code = main(["probe", "run", probe, str(files), "-o", str(output), "--jobs", "1"])
    assert code in (0, 1)
    text = output.read_text(encoding="utf-8")
    document = json.loads(text)
    assert len(document["results"]) == 4
    assert _errors("probe-run.v2.schema.json", document) == []
    assert verify_text(text, "run.json") == document["seal"]["digest"]
    assert read_probe_run(document, "run.json").probe.name == probe


def test_report_verify_checks_the_seal_then_the_model_naming_the_bad_field(
    tmp_path: Path, reports: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    from redline.reports.canonical import dumps, seal

    assert main(["report", "verify", str(V1_FIXTURE)]) == 0
    report = json.loads(json.dumps(reports["voice-social"]))
    report["measures"][0]["items"][0]["status"] = "mostly_met"
    resealed = tmp_path / "resealed.json"
    resealed.write_text(dumps(seal(report)), encoding="utf-8")
    capsys.readouterr()
    assert main(["report", "verify", str(resealed)]) == 2
    assert "report.measures.0.items.0.status" in capsys.readouterr().err
    resealed.write_text(dumps(report), encoding="utf-8")  # the old seal: broken comes first
    assert main(["report", "verify", str(resealed)]) == 1


def test_report_verify_reads_a_probe_run_through_its_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from redline.reports.canonical import dumps, seal

    output = tmp_path / "run.json"
    assert main(["probe", "run", "content-screen", str(_probe_inputs(tmp_path / "in")), "-o", str(output)]) in (0, 1)
    assert main(["report", "verify", str(output)]) == 0
    document = json.loads(output.read_text(encoding="utf-8"))
    document["results"][0]["verdict"] = "fine"
    output.write_text(dumps(seal(document)), encoding="utf-8")
    capsys.readouterr()
    assert main(["report", "verify", str(output)]) == 2
    assert "run.results.0.verdict" in capsys.readouterr().err
