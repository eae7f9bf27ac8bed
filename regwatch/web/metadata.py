# ruff: noqa: E501  (bilingual descriptions and SQL read better unbroken)
"""Datasette metadata: table and column descriptions in English and Chinese, and canned queries
for the questions the pages answer, so plain Datasette stays useful underneath the UI."""

from __future__ import annotations

from typing import Any

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "changes_flat": ("Every detected change with its details as named columns. 每条变更，详情展开为字段。", {
        "kind": "change kind 变更类型", "summary": "one-line summary 摘要", "enterprise": "enterprise 企业",
        "batch": "white-list batch 批次", "clauses": "changed clauses 条款变更数", "url": "original page 原文链接"}),
    "list_current": ("The final white list today (one row per enterprise). 当前公告名单。", {
        "enterprise": "enterprise as published 企业名称", "type": "梯次利用 / 再生利用", "valid_from": "listed since 列入日期"}),
    "documents": ("One row per announcement. 每篇公告一行。", {
        "doc_number": "document number 文号", "category": "whitelist, criteria, inspection, penalty, related 类别",
        "stage": "公示 (proposed), 公告 (final), 征求意见 (draft) 阶段", "published_at": "publication time, Asia/Shanghai 发布时间"}),
    "list_entries": ("The white list as a time series: valid_from to valid_to. 名单时间序列。", {
        "valid_to": "exclusive end; empty = still listed 截止（不含）", "stage": "公示 or 公告 阶段",
        "end_reason": "why the entry ended 结束原因"}),
    "changes": ("Raw change rows; browse changes_flat instead. 原始变更表，请浏览 changes_flat。", {}),
    "versions": ("Append-only versions of each document. 文件版本（只增不改）。", {
        "raw_sha256": "sha256 of the raw page in the blob store 原始页面哈希"}),
    "attachments": ("Attachments of each version, with their byte sha256. 附件及其哈希。", {
        "sha256": "sha256 of the file's bytes 文件哈希"}),
    "sources": ("Watched sites and their health. 数据源及其健康状态。", {"health": "ok, degraded, blocked, broken, failed, stale"}),
    "crawl_runs": ("One row per crawl of a source. 每次抓取。", {}),
    "outbox": ("Alert deliveries. 告警投递。", {"status": "pending, sent, failed, dead"}),
}

QUERIES: dict[str, dict[str, str]] = {
    "list_on_date": {"title": "The white list on a date 某日名单",
                     "sql": "select enterprise, province, type, batch, valid_from from list_entries where stage = '公告' "
                            "and valid_from <= :day and (valid_to is null or valid_to > :day) order by batch, id"},
    "removed_enterprises": {"title": "Enterprises removed or revoked 移出名单的企业",
                            "sql": "select detected_at, enterprise, batch, reason, doc_number, url from changes_flat "
                                   "where kind = 'list.entry_removed' order by id desc"},
    "criteria_changes": {"title": "Criteria clause changes 规范条件条款变化",
                         "sql": "select id, detected_at, title, clauses from changes_flat where kind = 'criteria.changed'"},
    "search": {"title": "Full-text search 全文搜索 (words ANDed, quotes for a phrase)",
               "sql": "select d.id, d.title, d.doc_number, d.published_at, regwatch_snippet(:q, d.title || ' ' || "
                      "coalesce(v.text, '') || ' ' || coalesce((select group_concat(a.text, ' ') from attachments a "
                      "where a.version_id = v.id), '')) as snippet "
                      "from documents_fts f join documents d on d.id = f.document_id "
                      "left join versions v on v.id = d.current_version_id where documents_fts match regwatch_match(:q) "
                      "order by bm25(documents_fts) limit 50"},
    "enterprise_history": {"title": "One enterprise's history 企业历史",
                           "sql": "select batch, stage, enterprise, valid_from, valid_to, end_reason from list_entries "
                                  "where enterprise like '%' || :name || '%' order by valid_from"},
}


def metadata(database: str, blobs: str) -> dict[str, Any]:
    tables = {name: {"description": text, "columns": columns} for name, (text, columns) in TABLES.items()}
    return {
        "title": "regwatch",
        "description": "MIIT and SAMR white list, criteria, inspections and penalties. "
                       "Pages for analysts: /-/regwatch/ · 分析页面：/-/regwatch/",
        "databases": {database: {"tables": tables, "queries": QUERIES}},
        "plugins": {"regwatch": {"blobs": blobs, "database": database}},
    }
