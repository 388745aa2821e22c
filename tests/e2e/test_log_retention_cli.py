"""`redline probe run log-retention` as a user runs it, on a directory of rotated logs."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

REDLINE = Path(sys.executable).with_name("redline")
CST = dt.timezone(dt.timedelta(hours=8))


def _log(start: dt.datetime, days: int) -> str:
    lines = []
    for step in range(days * 24 * 6):
        moment = start + dt.timedelta(minutes=10 * step)
        if dt.date(2025, 12, 1) <= moment.date() <= dt.date(2025, 12, 7):
            continue
        lines.append(
            f'198.51.100.{step % 200} - - [{moment.strftime("%d/%b/%Y:%H:%M:%S %z")}] "GET / HTTP/1.1" '
            f'200 10 "-" "curl/8"\n'
        )
    return "".join(lines)


def test_the_cli_reports_missing_fields_and_a_missing_week_across_rotated_files(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "access.log.1.gz").write_bytes(gzip.compress(_log(dt.datetime(2025, 9, 1, tzinfo=CST), 91).encode()))
    (logs / "access.log").write_text(_log(dt.datetime(2025, 12, 1, tzinfo=CST), 90), encoding="utf-8")
    (logs / "notes.txt").write_text("not a log\n", encoding="utf-8")
    done = subprocess.run(
        [
            str(REDLINE),
            "probe",
            "run",
            "log-retention",
            str(logs),
            "--json",
            "--option",
            "assessment_date=2026-03-01",
            "--option",
            "glob=access.log*",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "150"},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    summary = document["summary"]
    text = "\n".join(f["message"] for f in summary["findings"])
    assert "missing field: source port" in text
    assert "days without any record: 2025-12-01 to 2025-12-07 (7 days)" in text
    assert summary["files_counted"] == 2
    assert summary["coverage_svg"].startswith("<svg")
    assert {r["kind"] for r in document["results"]} == {"combined", "skipped"}
