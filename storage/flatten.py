"""`details` JSON flattened into named columns, so that no export or browsed table shows a JSON blob.

One declaration of the columns (key, English and Chinese header) serves the CSV, XLSX and JSON
exports; the SQL views in storage/views.py pull the same fields with json_extract.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# key, English header, Chinese header
CHANGE_COLUMNS: list[tuple[str, str, str]] = [
    ("id", "Change id", "变更编号"),
    ("detected_at", "Detected (UTC)", "发现时间"),
    ("kind", "Kind", "变更类型"),
    ("severity", "Severity", "严重程度"),
    ("suspect", "Needs review", "需要复核"),
    ("source_id", "Source", "数据源"),
    ("authority", "Authority", "发布机关"),
    ("category", "Category", "类别"),
    ("summary", "Summary", "摘要"),
    ("title", "Document", "文件标题"),
    ("doc_number", "Doc number", "文号"),
    ("published_at", "Published", "发布时间"),
    ("url", "Link", "原文链接"),
    ("batch", "Batch", "批次"),
    ("enterprise", "Enterprise", "企业"),
    ("province", "Province", "省份"),
    ("entry_type", "Type", "类型"),
    ("old_enterprise", "Old name", "原名称"),
    ("new_enterprise", "New name", "新名称"),
    ("changed_fields", "Changed fields", "变更字段"),
    ("reason", "Reason", "原因"),
    ("deadline", "Comment deadline", "公示截止"),
    ("entries", "Enterprises listed", "名单企业"),
    ("clauses", "Clauses changed", "条款变更"),
    ("against", "Compared with", "对比文件"),
    ("excerpt", "Excerpt", "摘录"),
    ("health_state", "Health", "健康状态"),
    ("http_status", "HTTP status", "HTTP 状态"),
]

LIST_COLUMNS: list[tuple[str, str, str]] = [
    ("enterprise", "Enterprise", "企业名称"),
    ("province", "Province", "省份"),
    ("type", "Type", "类型"),
    ("batch", "Batch", "批次"),
    ("stage", "Stage", "阶段"),
    ("valid_from", "Listed since", "列入日期"),
    ("valid_to", "Listed until", "截止日期"),
    ("doc_number", "Doc number", "文号"),
    ("title", "Document", "文件标题"),
    ("url", "Link", "原文链接"),
]

DOCUMENT_COLUMNS: list[tuple[str, str, str]] = [
    ("id", "Document id", "文件编号"),
    ("source_id", "Source", "数据源"),
    ("authority", "Authority", "发布机关"),
    ("title", "Title", "标题"),
    ("doc_number", "Doc number", "文号"),
    ("category", "Category", "类别"),
    ("stage", "Stage", "阶段"),
    ("batch", "Batch", "批次"),
    ("published_at", "Published", "发布时间"),
    ("signed_date", "Signed", "成文日期"),
    ("first_seen", "First seen (UTC)", "首次发现"),
    ("last_changed", "Last changed (UTC)", "最近变更"),
    ("status", "Status", "状态"),
    ("url", "Link", "原文链接"),
]


def _details(row: Mapping[str, Any]) -> dict[str, Any]:
    raw = row.get("details")
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _clause_line(clause: Mapping[str, Any]) -> str:
    path = "".join(str(p) for p in clause.get("path") or [clause.get("number") or ""])
    numbers = "；".join(f"{a} → {b}" for a, b in clause.get("numbers") or [])
    status = str(clause.get("status") or "changed")
    return f"{path} {status}" + (f"：{numbers}" if numbers else "")


def flatten_change(row: Mapping[str, Any]) -> dict[str, Any]:
    """A change row (with its document's title, url, doc_number) as flat named columns."""
    d = _details(row)
    old, new = d.get("old") or {}, d.get("new") or {}
    against = d.get("against") or {}
    flat = {key: row.get(key) for key, _, _ in CHANGE_COLUMNS if key in row}
    flat.update({
        "suspect": bool(row.get("suspect")),
        "batch": d.get("batch"),
        "enterprise": d.get("enterprise") or new.get("enterprise"),
        "province": d.get("province") or new.get("province"),
        "entry_type": d.get("type") or new.get("type"),
        "old_enterprise": old.get("enterprise"),
        "new_enterprise": new.get("enterprise"),
        "changed_fields": ", ".join(str(f) for f in d.get("fields") or []) or None,
        "reason": d.get("reason"),
        "deadline": d.get("deadline"),
        "entries": "、".join(str(e.get("enterprise")) for e in d.get("entries") or []) or None,
        "clauses": "\n".join(_clause_line(c) for c in d.get("clauses") or []) or None,
        "against": " ".join(str(x) for x in (against.get("doc_number"), against.get("title")) if x) or None,
        "excerpt": d.get("excerpt"),
        "health_state": d.get("state"),
        "http_status": d.get("http_status"),
    })
    return {key: flat.get(key) for key, _, _ in CHANGE_COLUMNS}
