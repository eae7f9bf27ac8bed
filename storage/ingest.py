"""Fold one fetched document into the database and detect what changed — one transaction each.

This is where DESIGN §5 lives: a new relevant document, an edited one (word diff), a flapping
one (alerted once), a withdrawn one (404/410 on N consecutive runs), list changes, and criteria
clause changes. Changes and their outbox rows are written in the same transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from diff.clauses import diff_clauses
from diff.render import summarize_ops
from diff.text import tokens_for_index
from diff.words import ops_to_json, word_diff
from options import default
from storage.changes import iso, record_change, utcnow
from storage.chinese import SHANGHAI
from storage.db import immediate, insert_row, update_row
from storage.documents import content_fingerprint, insert_version, recent_versions, reindex
from storage.kinds import kind_of
from storage.kinds.criteria import CriteriaChanged
from storage.kinds.documents import DocumentEdited, DocumentFlapping, DocumentNew, DocumentWithdrawn
from storage.model import IncomingDocument
from storage.routing import DEFAULT_ROUTES, RouteFilter
from storage.vocab import RELEVANT_CATEGORIES, Category, Severity
from storage.watchlist import supplier_events
from storage.whitelist import Dating, apply_list_document


@dataclass
class IngestSettings:
    routes: Sequence[RouteFilter] = DEFAULT_ROUTES
    baseline: bool = False  # the source's first good crawl: store everything, alert nothing
    suspect_share: float = default("suspect_removal_share")
    flapping_window: int = default("flapping_window")
    withdraw_after: int = default("withdraw_after_runs")
    severities: Mapping[str, str] = field(default_factory=dict)  # per-kind overrides, [severity]


@dataclass
class IngestResult:
    document_id: int | None
    new_version: bool = False
    change_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


RELEVANT = RELEVANT_CATEGORIES


def needs_review(doc: IncomingDocument) -> bool:
    return bool((doc.classification or {}).get("needs_review"))


def _day(doc: IncomingDocument, fallback: str) -> str:
    return (doc.published_at or doc.listed_date or fallback)[:10]


def _dating(doc: IncomingDocument, now: str, *, edited: bool) -> Dating:
    """A list's entries count from its publication day; an edit of a list already stored (an
    attachment replaced in place) counts from the day it was observed, so `list --as-of` a day
    before regwatch could have seen it does not show it already."""
    published = _day(doc, now)
    if not edited:
        return Dating(published, published_on=published, observed_at=now)
    observed = (datetime.fromisoformat(now).astimezone(SHANGHAI)).date().isoformat()
    return Dating(max(observed, published), published_on=published, observed_at=now, dated_by="observed")


def _display(doc: IncomingDocument | dict[str, Any]) -> dict[str, Any]:
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    return {
        "title": get("title"),
        "url": get("url") or get("canonical_url"),
        "doc_number": get("doc_number"),
        "published_at": get("published_at"),
        "stage": get("stage"),
    }


def _attachment_payload(doc: IncomingDocument) -> list[dict[str, Any]]:
    return [{"url": a.url, "name": a.name, "sha256": a.sha256, "parse_status": a.parse_status}
            for a in doc.attachments]


def _emit(db: Database, settings: IngestSettings, result: IngestResult, doc: IncomingDocument,
          document_id: int, version_id: int | None, **change: Any) -> None:
    if settings.baseline:
        return
    classification = doc.classification or {}
    payload = {
        "source_id": doc.source_id,
        "document_id": document_id,
        "category": doc.category,
        "needs_review": bool(classification.get("needs_review")),
        "confidence": classification.get("confidence"),
        "authority": doc.authority,
        "new_version_id": version_id,
        **_display(doc),
        "attachments": _attachment_payload(doc),
        "evidence": {"raw_sha256": doc.raw_sha256, "version_id": version_id,
                     "attachments": [a.sha256 for a in doc.attachments if a.sha256]},
        **change,
    }
    if payload.get("suspect"):
        payload["severity"] = Severity.WARNING.value  # a suspect diff needs review, not panic
        payload["summary"] = "【需要复核 needs review】" + payload["summary"]
    change_id = record_change(db, payload, settings.routes, severities=settings.severities)
    result.change_ids.append(change_id)
    result.change_ids += supplier_events(db, {**payload, "id": change_id}, change_id, settings.routes)


def _excerpt(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[:limit] + "…"


def ingest(db: Database, doc: IncomingDocument, settings: IngestSettings) -> IngestResult:
    """Store a successfully read document; append a version only if its content changed."""
    now = iso(utcnow())
    fingerprint = content_fingerprint(doc)
    with immediate(db):
        existing = next(iter(db.query("select * from documents where doc_key = ?", [doc.doc_key])), None)
        if existing is None:
            return _ingest_new(db, doc, settings, fingerprint, now)
        return _ingest_known(db, doc, settings, fingerprint, now, existing)


def _document_row(doc: IncomingDocument, now: str) -> dict[str, Any]:
    return {
        "source_id": doc.source_id,
        "doc_key": doc.doc_key,
        "canonical_url": doc.url,
        "art_id": doc.art_id,
        "title": doc.title,
        "authority": doc.authority,
        "doc_number": doc.doc_number,
        "category": doc.category,
        "stage": doc.stage,
        "batch": doc.batch,
        "published_at": doc.published_at,
        "pubdate_meta": doc.pubdate_meta,
        "maketime_meta": doc.maketime_meta,
        "listed_title": doc.listed_title,
        "listed_date": doc.listed_date,
        "signed_date": doc.signed_date,
        "deadline": doc.deadline,
        "last_seen": now,
        "status": "live",
        "missing_runs": 0,
        "complete": int(doc.complete),
        "classification": json.dumps(doc.classification, ensure_ascii=False),
    }


def _ingest_new(db: Database, doc: IncomingDocument, settings: IngestSettings, fingerprint: str,
                now: str) -> IngestResult:
    row = _document_row(doc, now)
    row.update({"first_seen": now, "last_changed": now, "urls": json.dumps([doc.fetched_url])})
    document_id = insert_row(db, "documents", row)
    tokens = tokens_for_index(doc.text)  # jieba once per document: the version and the index share it
    version_id = insert_version(db, document_id, doc, fingerprint, now, tokens)
    update_row(db, "documents", document_id, {"current_version_id": version_id})
    reindex(db, document_id, doc.title, doc.text, "\n".join(a.text for a in doc.attachments), tokens)
    result = IngestResult(document_id=document_id, new_version=True)
    if doc.category in RELEVANT or needs_review(doc):
        # A low-confidence verdict reaches the review routes instead of being dropped as irrelevant.
        _emit(db, settings, result, doc, document_id, version_id, kind=DocumentNew.kind,
              summary=f"新文件：{doc.title}", details={"excerpt": _excerpt(doc.text)})
    _content_changes(db, doc, settings, result, document_id, version_id, now, previous=None)
    return result


def _ingest_known(db: Database, doc: IncomingDocument, settings: IngestSettings, fingerprint: str,
                  now: str, existing: dict[str, Any]) -> IngestResult:
    document_id = int(existing["id"])
    urls = json.loads(existing["urls"] or "[]")
    if doc.fetched_url not in urls:
        urls.append(doc.fetched_url)
    result = IngestResult(document_id=document_id)
    current = next(iter(db.query("select * from versions where id = ?",
                                 [existing["current_version_id"]])), None)
    row = _document_row(doc, now)
    row["urls"] = json.dumps(urls)
    if current is not None and current["content_hash"] == fingerprint:
        # Same content: refresh validators and sightings only.
        update_row(db, "versions", current["id"], {"etag": doc.etag, "last_modified": doc.last_modified})
        update_row(db, "documents", document_id, row)
        return result
    earlier = [v for v in recent_versions(db, document_id, settings.flapping_window + 1)
               if v["content_hash"] == fingerprint]
    if earlier:
        # Back to a content shown before: flapping. Alert once, then stay quiet.
        version_id = int(earlier[0]["id"])
        update_row(db, "documents", document_id, {**row, "current_version_id": version_id, "flapping": 1})
        if not existing["flapping"]:
            _emit(db, settings, result, doc, document_id, version_id, kind=DocumentFlapping.kind,
                  summary=f"页面内容反复切换（flapping）：{doc.title}",
                  details={"versions_seen": [v["id"] for v in recent_versions(db, document_id,
                                                                              settings.flapping_window)]})
        return result
    tokens = tokens_for_index(doc.text)
    version_id = insert_version(db, document_id, doc, fingerprint, now, tokens)
    update_row(db, "documents", document_id, {**row, "current_version_id": version_id, "last_changed": now,
                                              "flapping": 0})
    reindex(db, document_id, doc.title, doc.text, "\n".join(a.text for a in doc.attachments), tokens)
    result.new_version = True
    if current is not None:
        _edited(db, doc, settings, result, document_id, version_id, current)
    _content_changes(db, doc, settings, result, document_id, version_id, now, previous=current)
    return result


def _edited(db: Database, doc: IncomingDocument, settings: IngestSettings, result: IngestResult,
            document_id: int, version_id: int, previous: dict[str, Any]) -> None:

    old_attachments = {a["url"].rsplit("/", 1)[-1]: a for a in
                       db.query("select * from attachments where version_id = ?", [previous["id"]])}
    changed_attachments = []
    recovered_only = True  # every changed attachment is one that could not be read before
    for a in doc.attachments:
        key = a.url.rsplit("/", 1)[-1]
        old = old_attachments.pop(key, None)
        if old is None or (old["text"] or "") != (a.text or ""):
            changed_attachments.append({"name": a.name, "old_sha256": old["sha256"] if old else None,
                                        "new_sha256": a.sha256})
            recovered_only = recovered_only and old is not None and old["parse_status"] not in ("ok", "unsupported")
    for old in old_attachments.values():
        changed_attachments.append({"name": old["file_name"], "old_sha256": old["sha256"], "new_sha256": None})
        recovered_only = False
    ops = word_diff((previous["title"] or "") + "\n" + (previous["text"] or ""), doc.title + "\n" + doc.text)
    if not any(op.op != "equal" for op in ops) and changed_attachments and recovered_only:
        return  # an attachment that could not be read before now can: a recovery, not an edit
    if doc.category not in RELEVANT and not needs_review(doc):
        return
    what = summarize_ops(ops) or (f"附件变更（{len(changed_attachments)}个）" if changed_attachments else "")
    _emit(db, settings, result, doc, document_id, version_id, kind=DocumentEdited.kind,
          old_version_id=previous["id"],
          summary=("文件修改：" + "：".join(x for x in (doc.title, what) if x))[:400],
          details={"diff": ops_to_json(ops), "attachments_changed": changed_attachments})


def _content_changes(db: Database, doc: IncomingDocument, settings: IngestSettings, result: IngestResult,
                     document_id: int, version_id: int, now: str, previous: dict[str, Any] | None) -> None:
    if doc.category == Category.WHITELIST and doc.list_kind:
        prev_entries = None
        if previous is not None:
            prev_entries = list(db.query("select * from list_entries where document_id = ? and valid_to is null",
                                         [document_id])) or None
        dating = _dating(doc, now, edited=prev_entries is not None)
        outcome = apply_list_document(db, doc, document_id, version_id, dating.day, dating=dating,
                                      suspect_share=settings.suspect_share, previous_entries=prev_entries)
        result.problems.extend(outcome.problems)
        # One announcement, one message: a route filtering by severity takes all of a 公告's
        # changes or none, by the most severe of them (a confirmed entry travels with the drop).
        severities = [Severity.WARNING if c.suspect else Severity(
            settings.severities.get(c.kind) or kind_of(c.kind).severity({"stage": doc.stage, "details": c.details}))
            for c in outcome.changes]
        message_severity = max(severities, key=lambda s: s.rank).value if severities else None
        for change in outcome.changes:
            _emit(db, settings, result, doc, document_id, version_id, kind=change.kind,
                  summary=change.summary, entity=change.entity, details=change.details,
                  suspect=change.suspect, message_severity=message_severity)
    if doc.category == Category.CRITERIA and doc.criteria_text:
        _criteria(db, doc, settings, result, document_id, version_id, previous)


def _criteria_family(title: str) -> str:
    return "办法" if "办法" in title else "条件"


def _criteria(db: Database, doc: IncomingDocument, settings: IngestSettings, result: IngestResult,
              document_id: int, version_id: int, previous: dict[str, Any] | None) -> None:
    """Compare the criteria clause by clause against what they replace: the previous version of
    this document, or else the latest earlier criteria document of the same family."""

    base_text, against = None, None
    if previous is not None:
        base_text = _criteria_text_of_version(db, previous["id"]) or previous["text"]
        against = {"title": previous["title"], "doc_number": doc.doc_number, "version_id": previous["id"]}
    else:
        family = _criteria_family(doc.title)
        candidates = db.query(
            """select d.id, d.title, d.doc_number, d.published_at, d.current_version_id from documents d
               where d.category = 'criteria' and d.id != ? and coalesce(d.published_at, '') <= ?
               order by d.published_at desc""", [document_id, doc.published_at or "9999"])
        for cand in candidates:
            if _criteria_family(cand["title"]) != family:
                continue
            text = _criteria_text_of_version(db, cand["current_version_id"])
            if text:
                base_text = text
                against = {"title": cand["title"], "doc_number": cand["doc_number"], "document_id": cand["id"]}
                break
    if not base_text or not against:
        return
    # The preamble (title lines before 一、) is no clause: its edits show in document.edited.
    changes = [c for c in diff_clauses(base_text, doc.criteria_text or "", include_moved=False)
               if (clause := c.new or c.old) is not None and clause.path]
    if not changes:
        return
    clauses = []
    numbers_all: list[str] = []
    for c in changes:
        clause = c.new or c.old
        clauses.append({
            "number": clause.number if clause else "",
            "path": list(clause.path) if clause else [],
            "status": c.status,
            "old": c.old.body if c.old else None,
            "new": c.new.body if c.new else None,
            "diff": [{"op": op.op, "old": op.old, "new": op.new} for op in c.ops],
            "numbers": [list(pair) for pair in c.numbers],
        })
        numbers_all += [f"{a}→{b}" for a, b in c.numbers]
    gist = "；".join(numbers_all[:4])
    _emit(db, settings, result, doc, document_id, version_id, kind=CriteriaChanged.kind,
          summary=f"规范条件条款变化（{len(changes)}条）：{doc.title}" + (f"：{gist}" if gist else ""),
          details={"against": against, "clauses": clauses})


def _criteria_text_of_version(db: Database, version_id: int | None) -> str | None:
    if not version_id:
        return None
    row = db.execute("select criteria_text from versions where id = ?", [version_id]).fetchone()
    return row[0] if row else None


def record_missing(db: Database, doc_key: str, http_status: int, settings: IngestSettings) -> int | None:
    """A 404/410 for a known document: count it; after N consecutive runs it is withdrawn."""
    with immediate(db):
        row = next(iter(db.query("select * from documents where doc_key = ?", [doc_key])), None)
        if row is None or row["status"] != "live":
            return None
        runs = int(row["missing_runs"] or 0) + 1
        update_row(db, "documents", row["id"], {"missing_runs": runs})
        if runs < settings.withdraw_after:
            return None
        update_row(db, "documents", row["id"], {"status": "withdrawn", "withdrawn_at": iso(utcnow())})
        if settings.baseline or row["category"] not in RELEVANT:
            return None
        return record_change(db, {
            "kind": DocumentWithdrawn.kind, "source_id": row["source_id"], "document_id": row["id"],
            "category": row["category"], "authority": row["authority"],
            "summary": f"文件已撤下（HTTP {http_status}，连续{runs}次）：{row['title']}",
            "details": {"http_status": http_status, "runs": runs},
            **_display(row),
        }, settings.routes, severities=settings.severities)


def record_seen(db: Database, doc_key: str, *, now: str | None = None) -> None:
    """A 304: the document is there and unchanged."""
    db.execute("update documents set last_seen = ?, missing_runs = 0 where doc_key = ?",
               [now or iso(utcnow()), doc_key])

