"""Comparing two sealed report versions: what a regulator needs to see changed, and nothing else."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from redline.domain.calendar import WorkCalendar
from redline.domain.deadline_clock import ClockState, clock
from redline.domain.report_diff import AnswerField, diff_reports
from redline.reports.canonical import seal


def _item(
    item_id: str,
    zh: str,
    status: str = "met",
    reason: str = "",
    findings: list[Any] | None = None,
    evidence: list[Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": item_id,
        "question": {"zh": zh, "en": f"EN {zh}"},
        "status": status,
        "reason": reason,
        "findings": findings or [],
        "evidence": evidence or [],
    }


def _report(*items: dict[str, Any]) -> dict[str, Any]:
    return seal({"schema": "redline/assessment-report", "measures": [{"id": "c", "items": list(items)}]})


LOGS = _item("logs", "是否留存网络日志不少于六个月", evidence=[{"file": "log.txt", "sha256": "a" * 64}])
REVIEW = _item("review", "是否建立信息审核制度", reason="有制度")


def test_the_same_report_has_an_empty_diff() -> None:
    report = _report(LOGS, REVIEW)
    assert diff_reports(report, copy.deepcopy(report)).empty


def test_a_changed_answer_names_the_item_by_its_question_and_both_values() -> None:
    changed = dict(REVIEW, status="partly_met", reason="制度未覆盖直播")
    diff = diff_reports(_report(LOGS, REVIEW), _report(LOGS, changed))
    assert [(c.item.zh, c.field, c.before, c.after) for c in diff.answers] == [
        ("是否建立信息审核制度", AnswerField.STATUS, "met", "partly_met"),
        ("是否建立信息审核制度", AnswerField.REASON, "有制度", "制度未覆盖直播"),
    ]
    assert not (diff.items_added or diff.items_removed or diff.findings or diff.evidence)


def test_findings_added_removed_and_of_changed_severity_are_told_apart() -> None:
    old = dict(LOGS, findings=[{"severity": "low", "text": "缺源端口"}, {"severity": "low", "text": "时间不同步"}])
    new = dict(LOGS, findings=[{"severity": "medium", "text": "缺源端口"}, {"severity": "low", "text": "无告警"}])
    diff = diff_reports(_report(old), _report(new))
    assert {(f.text, f.before, f.after) for f in diff.findings} == {
        ("缺源端口", "low", "medium"),
        ("时间不同步", "low", None),
        ("无告警", None, "low"),
    }


def test_evidence_is_matched_by_name_and_digest_together() -> None:
    renamed = dict(LOGS, evidence=[{"file": "log-2026.txt", "sha256": "a" * 64}])
    diff = diff_reports(_report(LOGS), _report(renamed))
    assert [(e.file, e.added) for e in diff.evidence] == [("log.txt", False), ("log-2026.txt", True)]
    replaced = dict(LOGS, evidence=[{"file": "log.txt", "sha256": "b" * 64}])
    assert {(e.sha256[0], e.added) for e in diff_reports(_report(LOGS), _report(replaced)).evidence} == {
        ("a", False),
        ("b", True),
    }


def test_items_added_and_removed_are_named_by_their_questions() -> None:
    diff = diff_reports(_report(LOGS), _report(REVIEW))
    assert [i.zh for i in diff.items_added] == ["是否建立信息审核制度"]
    assert [i.zh for i in diff.items_removed] == ["是否留存网络日志不少于六个月"]


def test_a_malformed_document_is_read_as_far_as_it_goes_and_never_raises() -> None:
    broken: dict[str, Any] = {
        "measures": [None, {"items": [1, {"id": 5}, {"id": "x", "findings": "no", "evidence": [None], "question": []}]}]
    }
    diff = diff_reports(broken, _report(LOGS))
    assert [i.item_id for i in diff.items_added] == ["logs"] and [i.zh for i in diff.items_removed] == [""]
    assert diff_reports({}, {}).empty


# ---- deadlines in working days ------------------------------------------------------------------------

CALENDAR = WorkCalendar(official_years=range(2004, 2027))


def test_working_days_left_skip_the_weekend_and_the_national_day_holiday() -> None:
    # From Monday 28 Sept 2026: 1-7 October are the National Day holiday (the 2026 notice).
    c = clock(dt.date(2026, 10, 9), dt.date(2026, 9, 28), CALENDAR)
    assert c.state is ClockState.RUNNING and c.working_days == 4  # 29, 30 Sept; 8, 9 Oct
    assert not c.provisional


def test_a_deadline_is_due_today_then_overdue_in_working_days() -> None:
    assert clock(dt.date(2026, 3, 6), dt.date(2026, 3, 6), CALENDAR).state is ClockState.DUE_TODAY
    late = clock(dt.date(2026, 3, 6), dt.date(2026, 3, 10), CALENDAR)  # Friday due; Tuesday after
    assert late.state is ClockState.OVERDUE and late.working_days == 2


def test_a_stopped_deadline_shows_no_count_even_when_its_date_has_passed() -> None:
    c = clock(dt.date(2026, 3, 6), dt.date(2026, 5, 1), CALENDAR, running=False)
    assert c.state is ClockState.STOPPED and c.working_days == 0


def test_a_count_into_a_year_without_a_notice_is_marked_provisional() -> None:
    c = clock(dt.date(2027, 1, 20), dt.date(2026, 12, 28), WorkCalendar(official_years=range(2004, 2027)))
    assert c.state is ClockState.RUNNING and c.provisional
