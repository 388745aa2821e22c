"""The queue's table as CSV and XLSX files: the cells the page shows, nothing a spreadsheet would run.

A cell that begins with = + - @ (or a tab or carriage return) is a formula to Excel and LibreOffice when the
file is opened; in the CSV such a cell is prefixed with ' so it stays text. In the XLSX every cell is written
as a string or a number, never as a formula.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

from redline.web.queue_table import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_COLUMNS = frozenset({"id", "age"})  # written as numbers in the XLSX, so a spreadsheet sorts them


def defused(cell: str) -> str:
    """`cell` as CSV text a spreadsheet will not evaluate."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the Chinese), one header row, then one row per filing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([defused(h) for h in table.headings])
    for _, cells in table.rows:
        writer.writerow([defused(c) for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table, sheet: str) -> bytes:
    """One sheet named `sheet`: the header row, then one row per filing."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    ws.append([_text(ws, h) for h in table.headings])
    for _, cells in table.rows:
        ws.append([_value(ws, key, c) for key, c in zip(table.keys, cells, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(ws: object, key: str, cell: str) -> object:
    if key in NUMERIC_COLUMNS and cell.isascii() and cell.isdigit():
        return int(cell)
    return _text(ws, cell)


def _text(ws: object, value: str) -> WriteOnlyCell:
    """A string cell even when `value` begins with '=' (openpyxl would otherwise store a formula)."""
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell
