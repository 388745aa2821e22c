"""Holiday files: a State Council notice transcribed by a user, checked before it is trusted.

A file stands for one year, names its notice (title with the year; 文号 or publication date),
keeps its dates inside that year, gives off every weekday the 全国年节及纪念日放假办法 makes a
holiday, and may replace a year chinesecalendar holds only when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from redline.errors import InputError
from redline.rulebook.holidays import load_holiday_files

Write = Callable[[str, str], Path]

HEADER = """\
year: 2027
notice:
  title: 国务院办公厅关于2027年部分节假日安排的通知
  number: 国办发明电〔2026〕0号
"""
# Every weekday the 2024 revision makes a holiday in 2027: 1 Jan, 5 and 8 Feb (除夕, 初三),
# 5 Apr (清明), 9 Jun (端午), 15 Sep (中秋), 1 Oct (国庆).
STATUTORY = "[2027-01-01, 2027-02-05, 2027-02-08, 2027-04-05, 2027-06-09, 2027-09-15, 2027-10-01"


def load(path: Path, override: bool = False) -> InputError:
    with pytest.raises(InputError) as caught:
        load_holiday_files([path], override)
    return caught.value


def test_a_complete_2027_file_loads(write: Write) -> None:
    path = write("2027.yaml", HEADER + f"holidays: {STATUTORY}, 2027-02-09]\nworkdays: [2027-01-31]\n")
    (year,) = load_holiday_files([path])
    assert year.year == 2027 and year.notice.number == "国办发明电〔2026〕0号"


def test_a_date_from_another_year_is_refused_naming_its_line(write: Write) -> None:
    path = write("2027.yaml", HEADER + "holidays:\n  - 2027-01-01\n  - 2026-10-01\n")
    error = load(path)
    assert (error.source, error.line, error.field) == (str(path), 7, "holidays.1")
    assert "2026-10-01" in error.message and "2027" in error.message


def test_a_file_without_its_notice_is_refused(write: Write) -> None:
    path = write("2027.yaml", f"year: 2027\nholidays: {STATUTORY}]\n")
    error = load(path)
    assert (error.line, error.field) == (1, "notice")
    assert "required" in error.message


def test_a_notice_named_without_reference_or_date_is_refused(write: Write) -> None:
    path = write(
        "2027.yaml",
        f"year: 2027\nnotice:\n  title: 国务院办公厅关于2027年部分节假日安排的通知\nholidays: {STATUTORY}]\n",
    )
    error = load(path)
    assert (error.line, error.field) == (2, "notice")
    assert "文号" in error.message and "publication date" in error.message


def test_a_notice_for_another_year_is_refused(write: Write) -> None:
    path = write(
        "2027.yaml",
        "year: 2027\nnotice:\n  title: 国务院办公厅关于2026年部分节假日安排的通知\n"
        f"  published: 2025-11-04\nholidays: {STATUTORY}]\n",
    )
    error = load(path)
    assert (error.line, error.field) == (3, "notice.title")


def test_a_file_that_works_through_a_statutory_holiday_is_refused(write: Write) -> None:
    # 除夕 (5 Feb 2027) is a holiday by the statute; no notice can make it a working day.
    path = write(
        "2027.yaml", HEADER + "holidays: [2027-01-01, 2027-02-08, 2027-04-05, 2027-06-09, 2027-09-15, 2027-10-01]\n"
    )
    error = load(path)
    assert error.field == "holidays" and error.line == 5
    assert "2027-02-05" in error.message and "春节" in error.message


def test_a_make_up_workday_must_be_a_weekend_day(write: Write) -> None:
    path = write("2027.yaml", HEADER + f"holidays: {STATUTORY}]\nworkdays:\n  - 2027-02-01\n")
    error = load(path)
    assert (error.line, error.field) == (7, "workdays.0")


def test_a_file_may_not_replace_a_year_chinesecalendar_holds_unless_asked(write: Write) -> None:
    text = (
        "year: 2026\nnotice:\n  title: 国务院办公厅关于2026年部分节假日安排的通知\n"
        "  published: 2025-11-04\nholidays: [2026-01-01, 2026-02-16, 2026-02-17, 2026-02-18, "
        "2026-02-19, 2026-05-01, 2026-06-19, 2026-09-25, 2026-10-01, 2026-10-02]\n"
    )
    path = write("2026.yaml", text)
    error = load(path)
    assert (error.line, error.field) == (1, "year")
    assert "--override-official-holidays" in error.message
    (year,) = load_holiday_files([path], allow_override=True)
    assert year.year == 2026


def test_two_files_for_one_year_are_refused(write: Write) -> None:
    text = HEADER + f"holidays: {STATUTORY}]\n"
    first, second = write("a.yaml", text), write("b.yaml", text)
    with pytest.raises(InputError) as caught:
        load_holiday_files([first, second])
    assert caught.value.source == str(second) and caught.value.field == "year"
