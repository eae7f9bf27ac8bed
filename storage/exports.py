"""Rows out as table, JSON, CSV, XLSX or an Atom feed — for analysts and other tools."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

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
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, max_width: int = 48) -> str:
    """A plain aligned table that counts CJK characters as two columns wide."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if not rows:
        return "(none)"

    def clip(value: Any) -> str:
        text = _cell(value).replace("\n", " ")
        while _width(text) > max_width:
            text = text[:-2] + "…"
        return text

    cells = [[clip(r.get(c)) for c in columns] for r in rows]
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


def to_atom(changes: Sequence[dict[str, Any]], *, feed_id: str = "urn:regwatch:changes",
            title: str = "regwatch changes") -> str:
    """An Atom feed of changes; every string from the web is escaped."""
    updated = max((c.get("detected_at") or "" for c in changes), default="") or \
        datetime.now(UTC).isoformat(timespec="seconds")
    parts = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"<id>{escape(feed_id)}</id>", f"<title>{escape(title)}</title>", f"<updated>{escape(updated)}</updated>"]
    for c in changes:
        link = c.get("url") or ""
        parts += [
            "<entry>",
            f"<id>urn:regwatch:change:{int(c['id'])}</id>",
            f"<title>{escape(str(c.get('summary') or c.get('kind')))}</title>",
            f"<updated>{escape(str(c.get('detected_at') or updated))}</updated>",
            f'<category term="{escape(str(c.get("kind") or ""), {chr(34): "&quot;"})}"/>',
            f'<link href="{escape(link, {chr(34): "&quot;"})}"/>' if link else "",
            f'<content type="text">{escape(_cell(c.get("details")))}</content>',
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(p for p in parts if p)


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
