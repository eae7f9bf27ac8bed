"""Clause diffs side by side in HTML, with the changed numbers highlighted.

One renderer for the web UI's change page and `regwatch diff --format html` (there wrapped in a
complete standalone page). Every string is escaped: clause text comes from the web.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from diff.render import CLAUSE_STATUS

NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|‰|万|亿|千|吨|元|个|年|日|月|天)?")

DIFF_CSS = """
.rw-clauses{border-collapse:collapse;width:100%;table-layout:fixed}
.rw-clauses th,.rw-clauses td{border:1px solid #d0d7de;padding:6px 8px;vertical-align:top;text-align:left}
.rw-clauses th{background:#f6f8fa}
.rw-clauses td.label{width:7em;white-space:nowrap;color:#57606a}
.rw-clauses del{background:#ffebe9;color:#a40e26}
.rw-clauses ins{background:#dafbe1;color:#116329;text-decoration:none}
.rw-clauses mark{background:#fff3a3;font-weight:bold;color:inherit;padding:0 1px}
.rw-legend span{margin-right:1.2em}
"""


def _marked(text: str) -> str:
    """Escape text and highlight the numbers in it (used inside changed segments)."""
    out, last = [], 0
    for m in NUMBER.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _side(ops: Sequence[Mapping[str, Any]], side: str) -> str:
    tag = "del" if side == "old" else "ins"
    parts = []
    for op in ops:
        kind, text = op.get("op"), str(op.get(side) or "")
        if not text:
            continue
        if kind == "equal":
            parts.append(escape(text))
        elif (side == "old" and kind in ("delete", "replace")) or (side == "new" and kind in ("insert", "replace")):
            parts.append(f"<{tag}>{_marked(text)}</{tag}>")
    return "".join(parts)


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("text") or "")
    return str(value or "")


def _label(clause: Mapping[str, Any]) -> str:
    if clause.get("label"):
        return str(clause["label"])
    return "".join(str(p) for p in clause.get("path") or []) or str(clause.get("number") or "—")


def clause_table(clauses: Sequence[Mapping[str, Any]]) -> str:
    """Old | new, one row per changed clause; accepts the stored details or the JSON diff form."""
    rows = []
    for clause in clauses:
        ops = clause.get("ops") or clause.get("diff") or []
        status = str(clause.get("status") or "changed")
        old = _side(ops, "old") if ops else escape(_text(clause.get("old")))
        new = _side(ops, "new") if ops else escape(_text(clause.get("new")))
        if status == "removed" and not ops:
            old = f"<del>{old}</del>"
        if status == "added" and not ops:
            new = f"<ins>{new}</ins>"
        figures = "；".join(f"{escape(str(a))} → {escape(str(b))}" for a, b in clause.get("numbers") or [])
        label = escape(CLAUSE_STATUS.get(status, status))
        rows.append(f'<tr><td class="label">{escape(_label(clause))}<br><small>{label}'
                    f"</small></td><td>{old}</td><td>{new}</td>"
                    f"<td>{figures}</td></tr>")
    head = "<tr><th>条款 / Clause</th><th>原文 / Old</th><th>新文 / New</th><th>数值 / Figures</th></tr>"
    return f'<table class="rw-clauses">{head}{"".join(rows)}</table>'


LEGEND = ('<p class="rw-legend"><span><del>删除 / removed</del></span><span><ins>新增 / added</ins></span>'
          "<span><mark>12%</mark> 变化的数值 / changed figure</span></p>")


def standalone_page(clauses: Sequence[Mapping[str, Any]], old: Mapping[str, str], new: Mapping[str, str],
                    counts: Mapping[str, int]) -> str:
    """A complete HTML page: title, the two documents with their numbers and dates, a legend, the table."""

    def describe(doc: Mapping[str, str]) -> str:
        bits = [f"<b>{escape(doc.get('title') or doc.get('label') or '')}</b>"]
        for key, label in (("doc_number", "文号 / No."), ("date", "日期 / Date"), ("ref", "来源 / Source")):
            if doc.get(key):
                bits.append(f"{label}: {escape(doc[key])}")
        return "<br>".join(bits)

    title = f"条款对比 / Clause comparison: {old.get('title') or old.get('ref')} → {new.get('title') or new.get('ref')}"
    summary = "，".join(f"{CLAUSE_STATUS.get(k, k)} {v}" for k, v in counts.items() if v) or "无变化 / no changes"
    body = clause_table(clauses) if clauses else "<p>两份文本的条款相同 / The clauses are the same.</p>"
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width\"><title>{escape(title)}</title>"
        "<style>body{font-family:-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;"
        "margin:24px;color:#1f2328;line-height:1.5}.docs{display:grid;grid-template-columns:1fr 1fr;gap:16px}"
        ".docs div{border:1px solid #d0d7de;padding:8px 12px;border-radius:6px}" + DIFF_CSS + "</style></head>"
        f"<body><h1>条款对比 / Clause comparison</h1><div class=\"docs\"><div>旧 / Old<br>{describe(old)}</div>"
        f"<div>新 / New<br>{describe(new)}</div></div><p>{escape(summary)}</p>{LEGEND}{body}"
        "<p><small>regwatch diff</small></p></body></html>\n"
    )
