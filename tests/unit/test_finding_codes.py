"""Probe findings carry a stable code, and their words come from the catalogue in the reader's language."""

from __future__ import annotations

from redline.domain.assessment import Severity
from redline.probes.base import ProbeFinding
from redline.words.findings import FINDINGS, finding_text, text_of


def test_a_finding_made_the_old_way_with_only_a_message_still_works_and_is_the_probes_other_kind() -> None:
    old = ProbeFinding("item-1", Severity.LOW, "a.txt", "something odd in line 3", "abc")
    assert old.code == "" and old.code_of("acme-probe") == "acme-probe.other"
    assert text_of({"code": old.code_of("acme-probe"), "message": old.message}, "zh-CN") == "something odd in line 3"


def test_a_log_gap_reads_in_chinese_and_english_from_its_code_and_parameters() -> None:
    gap = ProbeFinding.coded(
        "csl",
        Severity.MEDIUM,
        "(all files)",
        "log.retention.gap",
        {"hours": 13, "start": "2026-01-01T00:00", "end": "2026-01-01T12:59"},
        "",
    )
    assert gap.message == "gap: no records for 13 hours, 2026-01-01T00:00 to 2026-01-01T12:59"
    chinese = finding_text(gap.code, gap.params, gap.message, "zh-CN")
    assert "日志缺口" in chinese and "13 小时" in chinese and "gap" not in chinese
    assert finding_text(gap.code, gap.params, gap.message, "en") == gap.message


def test_the_wording_with_the_optional_detail_is_chosen_only_when_the_probe_gives_it() -> None:
    params = {"hours": "50", "start": "s", "end": "e", "first_day": "2026-01-02", "last_day": "2026-01-02", "days": "1"}
    assert "2026-01-02" in finding_text("log.retention.gap", params, "", "zh-CN")


def test_a_stored_campaign_row_from_before_codes_shows_its_message() -> None:
    class Row:
        category, params, message = "gap", None, "gap: no records for 9 hours"

    assert text_of(Row(), "zh-CN") == "gap: no records for 9 hours"


def test_every_built_in_code_names_its_probe_family() -> None:
    assert all(code.split(".")[0] in {"aigc", "log", "content", "probe"} for code in FINDINGS)
