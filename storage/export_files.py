"""Export files as people open them: CSV with a BOM (Excel on a Chinese Windows reads UTF-8),
XLSX with typed cells, a bold frozen header, a filter, widths and links; JSON and JSON Lines.

Every writer streams: rows come from a cursor and go straight out. Strings are made safe for
spreadsheets: control characters are dropped and a leading = + - @ tab or CR gets a quote, so a
title from the web can never run as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from storage.exports import neutralise

Column = tuple[str, str, str]  # key, English header, Chinese header
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?$")
MAX_WIDTH = 60


def safe_text(value: str) -> str:
    """Control characters dropped; a formula-like start neutralised with a leading quote."""
    return neutralise(_CONTROL.sub("", value))


def plain(value: Any) -> Any:
    """A value for CSV and JSON: strings made safe, everything else as is."""
    if isinstance(value, str):
        return safe_text(value)
    return value


def headers(columns: Sequence[Column]) -> list[str]:
    return [f"{zh} / {en}" for _, en, zh in columns]


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(headers(columns))
    for row in rows:
        writer.writerow(["" if row.get(k) is None else plain(row.get(k)) for k, _, _ in columns])
    text.flush()
    text.detach()


def write_jsonl(rows: Iterable[dict[str, Any]], columns: Sequence[Column], out: BinaryIO) -> None:
    for row in rows:
        out.write(json.dumps({k: plain(row.get(k)) for k, _, _ in columns}, ensure_ascii=False).encode() + b"\n")


def write_json(rows: Iterable[dict[str, Any]], columns: Sequence[Column], out: BinaryIO) -> None:
    """A JSON array written element by element, never built whole in memory."""
    out.write(b"[")
    for i, row in enumerate(rows):
        out.write(b",\n" if i else b"\n")
        out.write(json.dumps({k: plain(row.get(k)) for k, _, _ in columns}, ensure_ascii=False).encode())
    out.write(b"\n]\n")


def typed(value: Any) -> Any:
    """Dates and times as real spreadsheet values (times in their own zone, shown without it)."""
    if isinstance(value, str):
        if _DATE.match(value):
            return dt.date.fromisoformat(value)
        if _DATETIME.match(value):
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        return safe_text(value)
    return value


def _display_width(value: Any) -> int:
    text = str(value or "")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.split("\n")[0])


def write_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[Column], out: BinaryIO,
               *, sample: int = 200) -> None:
    """A write-only workbook (rows stream to disk). Widths come from the first `sample` rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("regwatch")
    keys = [k for k, _, _ in columns]
    head = headers(columns)
    iterator = iter(rows)
    first: list[dict[str, Any]] = []
    for row in iterator:
        first.append(row)
        if len(first) >= sample:
            break
    for i, key in enumerate(keys, start=1):
        width = max([_display_width(head[i - 1]), *(_display_width(r.get(key)) for r in first)])
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, width + 2))
    ws.freeze_panes = "A2"
    last_row = 1
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    link_font = Font(color="0563C1", underline="single")
    header_cells = []
    for label in head:
        cell = WriteOnlyCell(ws, value=label)
        cell.font, cell.fill = bold, fill
        header_cells.append(cell)
    ws.append(header_cells)

    def emit(row: dict[str, Any]) -> None:
        cells = []
        for key in keys:
            value = row.get(key)
            if key == "url" and isinstance(value, str) and value.startswith(("http://", "https://")):
                # a real hyperlink, never a HYPERLINK() formula: no cell of ours runs as a formula
                cell = WriteOnlyCell(ws, value=safe_text(value))
                cell.hyperlink = value
                cell.font = link_font
            else:
                cell = WriteOnlyCell(ws, value=typed(value))
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        ws.append(cells)

    for row in first:
        emit(row)
        last_row += 1
    for row in iterator:
        emit(row)
        last_row += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{last_row}"
    wb.save(out)


WRITERS = {"csv": write_csv, "json": write_json, "jsonl": write_jsonl, "xlsx": write_xlsx}
