from __future__ import annotations

import json

import pytest

from redline.domain.assessment import AnswerStatus, Conclusion, Finding, ItemAnswer, Severity, conclude
from redline.errors import CheckFailedError, InputError
from redline.reports.canonical import canonical_bytes, dumps, seal, verify_text


def answer(status: AnswerStatus | None, *findings: Severity) -> ItemAnswer:
    return ItemAnswer("x", status, findings=tuple(Finding(s, "f") for s in findings))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((answer(AnswerStatus.MET), answer(AnswerStatus.NOT_APPLICABLE)), Conclusion.COMPLIANT),
        ((answer(AnswerStatus.MET, Severity.LOW),), Conclusion.COMPLIANT),
        ((answer(AnswerStatus.MET), answer(AnswerStatus.PARTLY_MET)), Conclusion.RECTIFICATION_REQUIRED),
        ((answer(AnswerStatus.MET, Severity.MEDIUM),), Conclusion.RECTIFICATION_REQUIRED),
        ((answer(AnswerStatus.PARTLY_MET), answer(AnswerStatus.NOT_MET)), Conclusion.NOT_COMPLIANT),
        ((answer(AnswerStatus.MET, Severity.HIGH),), Conclusion.NOT_COMPLIANT),
        ((answer(AnswerStatus.NOT_MET), answer(None)), Conclusion.INCOMPLETE),
    ],
)
def test_the_conclusion_follows_from_the_items_and_findings(
    answers: tuple[ItemAnswer, ...], expected: Conclusion
) -> None:
    assert conclude(answers) is expected


def test_canonical_json_sorts_keys_and_keeps_chinese_as_utf8() -> None:
    assert canonical_bytes({"b": 1, "a": "评估"}) == '{"a":"评估","b":1}'.encode()


def test_a_sealed_report_verifies_in_any_layout_and_any_change_breaks_the_seal() -> None:
    sealed = seal({"title": "安全评估报告", "items": [1, 2]})
    pretty = dumps(sealed)
    assert verify_text(pretty, "r.json") == sealed["seal"]["digest"]
    assert verify_text(json.dumps(sealed), "r.json") == sealed["seal"]["digest"]
    with pytest.raises(CheckFailedError, match="seal broken"):
        verify_text(pretty.replace("安全评估报告", "安全评估報告"), "r.json")


def test_verifying_something_that_is_not_a_sealed_report_is_a_user_error() -> None:
    with pytest.raises(InputError, match="not JSON") as caught:
        verify_text("{oops", "r.json")
    assert caught.value.line == 1
    with pytest.raises(InputError, match="no seal"):
        verify_text('{"a": 1}', "r.json")
