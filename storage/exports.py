"""Rows out as table, JSON, CSV, XLSX or an Atom feed — for analysts and other tools."""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from storage.export_files import WRITERS, Column, neutralise

__all__ = ["clip_cell", "neutralise", "render", "to_json", "to_table"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _columns(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None) -> list[Column]:
    """A command's own columns keep their machine names as headers, for the tools that read them."""
    keys = list(columns or (rows[0].keys() if rows else []))
    return [(k, k, k) for k in keys]


def _file(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None) -> bytes:
    """CSV (UTF-8 with a BOM) or XLSX (typed cells, frozen header, filter) through the export writers."""
    flat = [{k: _cell(v) if isinstance(v, dict | list) else v for k, v in r.items()} for r in rows]
    out = io.BytesIO()
    WRITERS[fmt](flat, _columns(rows, columns), out)
    return out.getvalue()


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)


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


def render(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None) -> str | bytes:
    if fmt == "json":
        return to_json(rows)
    if fmt in ("csv", "xlsx"):
        return _file(rows, fmt, columns)
    if fmt == "table":
        return to_table(rows, columns)
    raise ValueError(f"unknown format {fmt!r}")
