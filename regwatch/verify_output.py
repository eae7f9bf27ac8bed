"""Verification results in every format a compliance file takes. CSV, XLSX, JSON and HTML keep
every field (removal, revocation, reason, candidates); the table shows the ones a person reads."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from regwatch.verify import FIELDS
from storage.exports import render

FORMATS = ["table", "json", "csv", "xlsx", "html"]
TABLE_COLUMNS = ("supplier", "status", "matched_name", "score", "batch", "doc_number", "url", "reason")
STATUS_COLOURS = {"listed": "#d6f5d6", "proposed": "#fff4cc", "probable": "#fff4cc", "revoked": "#f8d0d0",
                  "dropped": "#f8d0d0", "removed": "#f8d0d0", "not_found": "#eeeeee"}


def render_verification(rows: Sequence[dict[str, Any]], fmt: str, *, title: str = "Supplier verification"
                        ) -> str | bytes:
    if fmt == "html":
        return to_html(rows, title=title)
    columns = TABLE_COLUMNS if fmt == "table" else FIELDS
    if fmt == "json":
        return render([{c: r.get(c) for c in columns} for r in rows], fmt)
    return render(rows, fmt, columns)


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    text = html.escape(str(value))
    if column.endswith("url") and str(value).startswith(("http://", "https://")):
        return f'<a href="{text}">{text}</a>'
    return text


def to_html(rows: Sequence[dict[str, Any]], *, title: str, intro: str = "") -> str:
    """A printable page: one row per supplier, coloured by status; everything escaped."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in FIELDS)
    body = []
    for r in rows:
        colour = STATUS_COLOURS.get(str(r.get("status")), "#ffffff")
        cells = "".join(f"<td>{_cell(c, r.get(c))}</td>" for c in FIELDS)
        body.append(f'<tr style="background:{colour}">{cells}</tr>')
    return ("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif}}"
            "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #999;padding:3px;"
            "vertical-align:top}@media print{a{color:black}}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>{intro}<table><thead><tr>{head}</tr></thead><tbody>"
            + "".join(body) + "</tbody></table></body></html>")
