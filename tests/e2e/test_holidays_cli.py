"""`redline check` across the 2027 holidays, as a user runs it (chinesecalendar 1.11 holds no 2027).

Facts: 今闻 DailyWire (news-growth example) grows from 2 M to 20 M monthly users on
Wednesday 23 Dec 2026: Art. 3(3) of the 2018 rule, report within 30 working days (Art. 7(2)).
Counting: 24-31 Dec give 6; 1 Jan 2027 (元旦) is off; 4-29 Jan give 20; 1-3 Feb give 3 more;
the 30th is Thursday 4 Feb, the eve of 除夕 (5 Feb) under the 2024 revision of the
全国年节及纪念日放假办法. The 2027 notice could have Sunday 31 Jan and Saturday 30 Jan worked
(30th working day then 2 Feb) or make 4 Feb a bridging day (then 12 Feb).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.e2e.test_cli import REDLINE

Write = Callable[[str, str], Path]
SERVICE = EXAMPLES / "news-growth" / "service.yaml"
CHANGE = "kind: user_growth\ndate: 2026-12-23\nmau_before: 2000000\nmau_after: 20000000\n"
NOTICE_2027 = """\
year: 2027
notice:
  title: 国务院办公厅关于2027年部分节假日安排的通知（示例）
  published: 2026-11-12
holidays: [2027-01-01, 2027-02-04, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11,
           2027-04-05, 2027-05-03, 2027-05-04, 2027-06-09, 2027-09-15, 2027-10-01]
workdays: [2027-01-30, 2027-02-20]
"""


def redline(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, env=full, timeout=120, check=False
    )


def due_of(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    (ob,) = [o for o in json.loads(result.stdout)["obligations"] if o["trigger_id"] == "sa2018-3-3"]
    due: dict[str, object] = ob["due"]
    return due


def test_a_2027_deadline_counts_the_statutory_holidays_and_gives_its_range(write: Write) -> None:
    change = write("change.yaml", CHANGE)
    due = due_of(redline("check", SERVICE, "--change", change, "--json", "--as-of", "2026-12-23"))
    assert (due["date"], due["earliest"], due["latest"]) == ("2027-02-04", "2027-02-02", "2027-02-12")
    assert due["provisional"] is True


def test_the_range_is_shown_in_chinese_and_in_english(write: Write) -> None:
    change = write("change.yaml", CHANGE)
    zh = redline("check", SERVICE, "--change", change, "--as-of", "2026-12-23")
    assert zh.returncode == 0, zh.stderr
    assert "2027-02-04 前（含）（暂定，可能在 2027-02-02 至 2027-02-12 之间）" in zh.stdout
    assert "《全国年节及纪念日放假办法》（2024年修订）" in zh.stdout
    en = redline("check", SERVICE, "--change", change, "--as-of", "2026-12-23", "--lang", "en")
    assert en.returncode == 0, en.stderr
    assert "by 2027-02-04 (provisional: between 2027-02-02 and 2027-02-12)" in en.stdout
    note = due_of(redline("check", SERVICE, "--change", change, "--as-of", "2026-12-23", "--json"))["note"]
    assert "Measures on National Holidays and Commemoration Days (2024 revision)" in note["en"]  # type: ignore[index]
    assert "Measures on National Holidays" in en.stdout  # the note, wrapped in its table cell


def test_the_2027_notice_as_a_holiday_file_fixes_the_date_and_clears_provisional(write: Write) -> None:
    # With this notice Saturday 30 Jan is worked: 26 by 29 Jan, 27 on 30 Jan, 1-3 Feb give 30,
    # so Wednesday 3 Feb (a day earlier than the statute alone gave, inside the range).
    change, notice = write("change.yaml", CHANGE), write("2027.yaml", NOTICE_2027)
    due = due_of(redline("check", SERVICE, "--change", change, "--json", "--as-of", "2026-12-23", "--holidays", notice))
    assert (due["date"], due["provisional"]) == ("2027-02-03", False)


def test_a_holiday_file_with_a_date_from_another_year_exits_2_naming_the_line(write: Write) -> None:
    change = write("change.yaml", CHANGE)
    notice = write("2027.yaml", NOTICE_2027.replace("2027-02-20]", "2026-02-20]"))
    result = redline("check", SERVICE, "--change", change, "--holidays", notice)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{notice}:7" in result.stderr and "workdays.1" in result.stderr


def test_a_holiday_file_without_its_notice_exits_2(write: Write) -> None:
    change = write("change.yaml", CHANGE)
    notice = write("2027.yaml", "year: 2027\nholidays: [2027-01-01]\n")
    result = redline("check", SERVICE, "--change", change, "--holidays", notice)
    assert result.returncode == 2 and f"{notice}:1" in result.stderr and "'notice'" in result.stderr


def test_replacing_the_official_2026_calendar_needs_the_flag_and_is_then_stated(write: Write) -> None:
    change = write("change.yaml", "kind: user_growth\ndate: 2026-11-20\nmau_before: 2000000\nmau_after: 20000000\n")
    notice = write(
        "2026.yaml",
        "year: 2026\nnotice:\n  title: 国务院办公厅关于2026年部分节假日安排的通知\n"
        "  published: 2025-11-04\nholidays: [2026-01-01, 2026-02-16, 2026-02-17, 2026-02-18, "
        "2026-02-19, 2026-05-01, 2026-06-19, 2026-09-25, 2026-10-01, 2026-10-02, 2026-12-31]\n",
    )
    refused = redline("check", SERVICE, "--change", change, "--holidays", notice)
    assert refused.returncode == 2 and "--override-official-holidays" in refused.stderr
    zh = redline("check", SERVICE, "--change", change, "--holidays", notice, "--override-official-holidays")
    assert zh.returncode == 0, zh.stderr
    assert "2026 年的官方节假日安排（chinesecalendar）已被用户节假日文件替代" in zh.stdout
    en = redline(
        "check",
        SERVICE,
        "--change",
        change,
        "--holidays",
        notice,
        "--lang",
        "en",
        env={"REDLINE_HOLIDAYS_OVERRIDE": "1"},
    )
    assert "The official holiday schedule for 2026 (chinesecalendar) was overridden" in en.stdout
