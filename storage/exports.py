"""Rows out as table, JSON, CSV, XLSX or an Atom feed — for analysts and other tools."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a quote prefix (OWASP, CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _safe_cell(value: Any) -> Any:
    """A cell for CSV or XLSX: text neutralised; numbers stay numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return neutralise(_cell(value))
    return value


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


BREAKS = set(" ，、。；：:,;（）()《》【】〔〕“”\"'")
WIDE_COLUMNS = {"summary": 84, "snippet": 84, "title": 60}


def clip_cell(text: str, max_width: int) -> str:
    """Fit text into max_width display columns in one pass, cutting at punctuation or a space when
    one is near, so an enterprise or document name is never cut in the middle."""
    if _width(text) <= max_width:
        return text
    used, cut, last_break = 0, 0, -1
    for i, ch in enumerate(text):
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > max_width - 1:
            break
        used += w
        cut = i + 1
        if ch in BREAKS:
            last_break = i + 1
    if last_break >= cut // 2:
        cut = last_break
    return text[:cut].rstrip() + "…"


def to_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, max_width: int = 48) -> str:
    """A plain aligned table that counts CJK characters as two columns wide."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if not rows:
        return "(none)"
    limits = [WIDE_COLUMNS.get(c, max_width) for c in columns]
    cells = [[clip_cell(_cell(r.get(c)).replace("\n", " "), limit) for c, limit in zip(columns, limits, strict=True)]
             for r in rows]
    widths = [max(_width(c), *(_width(row[i]) for row in cells)) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def to_xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any) -> Any:
        value = _safe_cell(value)
        # Text is normalised on the way in; this only guards rows stored before that was so.
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    columns = list(columns or (rows[0].keys() if rows else []))
    wb = Workbook()
    ws = wb.active
    ws.title = "regwatch"
    ws.append(columns)
    for row in rows:
        ws.append([cell(row.get(c)) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None) -> str | bytes:
    if fmt == "json":
        return to_json(rows)
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "xlsx":
        return to_xlsx(rows, columns)
    if fmt == "table":
        return to_table(rows, columns)
    raise ValueError(f"unknown format {fmt!r}")
