"""Seal version 2: SHA-256 over RFC 8785 (JCS) bytes, so a verifier in any language can recompute it; reports
sealed with version 1 before issue 18 still verify.

The expected canonical bytes below are written out by hand from RFC 8785 (§3.2.2 strings and numbers, §3.2.3
key order, appendix B numbers), not computed by the code under test."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redline.errors import CheckFailedError, InputError
from redline.reports.canonical import canonical_bytes, dumps, seal, verify_text
from redline.reports.models import AssessmentReport, AssessmentReportV1, read_report
from redline.reports.signatures import new_key, payload_for_report, sign, verify

V1_FIXTURE = Path(__file__).parent / "fixtures" / "assessment-report.v1.json"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_v2_seal_is_sha256_over_the_rfc8785_example_of_section_3_2_2() -> None:
    document = json.loads(r"""{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]}""")
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    ).encode()
    sealed = seal(document)
    assert sealed["seal"]["digest"] == _sha(expected)
    assert sealed["seal"]["version"] == 2 and sealed["seal"]["canonicalization"] == "RFC 8785"


def test_numbers_are_written_as_ecmascript_writes_them() -> None:
    document = {
        "big": 1e21,
        "negative_zero": -0.0,
        "small": 1e-7,
        "whole": 100.0,
        "int": 9007199254740991,
        "just_below": 999999999999999900000.0,
    }
    expected = (
        b'{"big":1e+21,"int":9007199254740991,"just_below":999999999999999900000,'
        b'"negative_zero":0,"small":1e-7,"whole":100}'
    )
    assert seal(document)["seal"]["digest"] == _sha(expected)


def test_keys_sort_by_utf16_code_units_so_a_non_bmp_key_comes_before_u_fb33() -> None:
    # RFC 8785 §3.2.3: U+1F600 is the surrogate pair D83D DE00, which sorts before FB33 although its code point
    # is larger; a sort by code point (seal version 1) puts it last.
    document = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",'
        '"€":"Euro Sign","\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    ).encode()
    assert seal(document)["seal"]["digest"] == _sha(expected)
    assert _sha(canonical_bytes(document)) != _sha(expected)


def test_line_separators_stay_raw_and_only_controls_are_escaped() -> None:
    document = {"text": "a\u2028b\u2029c\u007fd\u001fe\u0008f", "评估": "报告"}
    expected = '{"text":"a\u2028b\u2029c\u007fd\\u001fe\\bf","评估":"报告"}'.encode()
    assert seal(document)["seal"]["digest"] == _sha(expected)


def test_the_seal_member_is_left_out_of_what_it_covers_and_layout_does_not_matter() -> None:
    sealed = seal({"b": [1, 2.5], "a": "x"})
    assert sealed["seal"]["digest"] == _sha(b'{"a":"x","b":[1,2.5]}')
    assert verify_text(dumps(sealed), "r.json") == verify_text(json.dumps(sealed), "r.json")


def test_a_report_sealed_before_issue_18_still_verifies_and_loads_as_version_1() -> None:
    text = V1_FIXTURE.read_text(encoding="utf-8")
    document = json.loads(text)
    assert "version" not in document["seal"] and document["schema_version"] == 1
    assert verify_text(text, "v1.json") == document["seal"]["digest"]
    assert isinstance(read_report(document, "v1.json"), AssessmentReportV1)
    with pytest.raises(CheckFailedError, match="seal broken"):
        verify_text(text.replace(document["provider"]["name"], "某某公司"), "v1.json")


def test_a_version_1_seal_is_checked_by_the_version_1_rule_where_the_two_differ() -> None:
    content = {"ratio": 100.0, "\ufb33": 1, "\U0001f600": 2}
    v1 = {
        **content,
        "seal": {
            "algorithm": "sha256",
            "digest": _sha(canonical_bytes(content)),
            "covers": "canonical JSON of the document without 'seal'",
        },
    }
    assert verify_text(json.dumps(v1), "old.json") == v1["seal"]["digest"]
    assert seal(content)["seal"]["digest"] != v1["seal"]["digest"]
    claimed_v2 = copy.deepcopy(v1)
    claimed_v2["seal"].update(version=2, canonicalization="RFC 8785")
    with pytest.raises(CheckFailedError, match="seal broken"):
        verify_text(json.dumps(claimed_v2), "old.json")


def test_an_unknown_seal_version_is_a_user_error_naming_the_field() -> None:
    sealed = seal({"a": 1})
    sealed["seal"]["version"] = 3
    with pytest.raises(InputError, match="unknown seal version") as caught:
        verify_text(json.dumps(sealed), "r.json")
    assert caught.value.field == "seal.version"


@pytest.mark.parametrize("content", ['{"n": 9007199254740993}', '{"s": "\\ud800"}'])
@pytest.mark.parametrize(
    "seal_member", ['{"algorithm": "sha256", "version": 2, "digest": "%s"}', '{"algorithm": "sha256", "digest": "%s"}']
)
def test_what_no_canonical_form_exists_for_is_a_user_error_not_a_crash(content: str, seal_member: str) -> None:
    # RFC 8785 has no form for integers beyond 2^53 nor for lone surrogates (I-JSON, RFC 7493)
    text = content[:-1] + ', "seal": ' + seal_member % ("0" * 64) + "}"
    if "ud800" in content or "version" in seal_member:
        with pytest.raises(InputError, match="not JSON"):
            verify_text(text, "r.json")
    else:  # seal version 1 spelled big integers as Python does: no error, only a digest that does not match
        with pytest.raises(CheckFailedError, match="seal broken"):
            verify_text(text, "r.json")


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list) and value:
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    else:
        yield path


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "\u200b"
    if value is None:
        return ""
    return [0]  # an empty list


def test_changing_any_member_of_a_v2_report_breaks_its_seal(v2_report: dict[str, Any]) -> None:
    text = dumps(v2_report)
    assert verify_text(text, "r.json") == v2_report["seal"]["digest"]
    paths = [p for p in _leaves(v2_report) if p[0] != "seal" or p == ("seal", "digest")]
    assert len(paths) > 500
    for path in paths:
        tampered = copy.deepcopy(v2_report)
        *parents, last = path
        holder = tampered
        for key in parents:
            holder = holder[key]
        holder[last] = _changed(holder[last])
        with pytest.raises(CheckFailedError, match="seal broken"):
            verify_text(json.dumps(tampered, ensure_ascii=False), "r.json")


def test_a_removed_or_added_member_breaks_the_seal_too(v2_report: dict[str, Any]) -> None:
    removed = copy.deepcopy(v2_report)
    del removed["measures"][0]["items"][0]["reason"]
    added = copy.deepcopy(v2_report)
    added["conclusion"]["note"] = ""
    for tampered in (removed, added):
        with pytest.raises(CheckFailedError, match="seal broken"):
            verify_text(json.dumps(tampered), "r.json")


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2-sm3"])
def test_signatures_cover_v1_and_v2_reports_alike(tmp_path: Path, v2_report: dict[str, Any], algorithm: str) -> None:
    keys = new_key(algorithm, "王敏")
    (tmp_path / "k.key").write_text(keys.private_text, encoding="utf-8")
    (tmp_path / "k.pub").write_text(keys.public_text, encoding="utf-8")
    for text in (dumps(v2_report), V1_FIXTURE.read_text(encoding="utf-8")):
        signature = sign(payload_for_report(text, None), tmp_path / "k.key")
        assert verify(payload_for_report(text, None), signature, tmp_path / "k.pub") == "王敏"
        edited = json.loads(text)
        edited["conclusion"]["statement"] += "。"
        with pytest.raises(CheckFailedError):
            verify(payload_for_report(dumps(seal(edited)), None), signature, tmp_path / "k.pub")


def test_a_new_report_is_a_valid_version_2_document(v2_report: dict[str, Any]) -> None:
    assert isinstance(read_report(v2_report, "r.json"), AssessmentReport)
    assert v2_report["schema"] == "redline/assessment-report" and v2_report["schema_version"] == 2


@pytest.fixture(scope="module")
def v2_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A report the code writes today, from the smallest example with answers."""
    from redline.cli.main import main

    path = tmp_path_factory.mktemp("report") / "report.json"
    examples = Path(__file__).parents[2] / "examples"
    assert (
        main(["assess", "report", str(examples / "voice-social" / "answers.yaml"), "--format", "json", "-o", str(path)])
        == 0
    )
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report
