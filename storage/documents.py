"""Documents and their versions: what is known, and appending a version only on real change."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlite_utils import Database

from diff.text import normalize, tokens_for_index
from storage.db import insert_row
from storage.model import IncomingDocument


def known_documents(db: Database, source_id: str) -> dict[str, dict[str, Any]]:
    """What the spider needs to decide: fetch, fetch conditionally, or skip; and when to stop paging."""
    out: dict[str, dict[str, Any]] = {}
    sql = """
        select d.doc_key, d.title, d.category, d.status, d.urls, d.canonical_url,
               v.etag, v.last_modified, d.complete, d.listed_title, d.withdrawn_at,
               json_extract(d.classification, '$.needs_review') as needs_review
        from documents d left join versions v on v.id = d.current_version_id
        where d.source_id = ?
    """
    for row in db.query(sql, [source_id]):
        urls = json.loads(row["urls"] or "[]")
        out[row["doc_key"]] = {
            "title": row["title"],
            "listed_title": row["listed_title"],
            "category": row["category"],
            "status": row["status"],
            # always the same address: its validators (ETag) belong to the page at that address
            "url": urls[0] if urls else row["canonical_url"],
            "etag": row["etag"],
            "last_modified": row["last_modified"],
            "complete": bool(row["complete"]),
            "withdrawn_at": row["withdrawn_at"],
            "needs_review": bool(row["needs_review"]),
            "attachments": [],
        }
    # The current version's attachments with their bytes' hash: a white-list page that answers
    # 304 is still checked for a list file replaced in place under the same address.
    sql = """
        select d.doc_key, a.url, a.sha256, a.etag, a.last_modified from attachments a
        join documents d on d.current_version_id = a.version_id
        where d.source_id = ? and a.sha256 is not null order by a.id
    """
    for row in db.query(sql, [source_id]):
        if row["doc_key"] in out:
            out[row["doc_key"]]["attachments"].append({"url": row["url"], "sha256": row["sha256"],
                                                       "etag": row["etag"], "last_modified": row["last_modified"]})
    return out


def content_fingerprint(doc: IncomingDocument) -> str:
    """What counts as the document's content: title, main text, and each attachment's extracted
    text (never raw bytes, so a re-exported PDF with the same words is no change)."""
    h = hashlib.sha256()
    h.update(normalize(doc.title).encode())
    h.update(b"\x00")
    h.update(normalize(doc.text).encode())
    for attachment in sorted(doc.attachments, key=lambda a: a.url):
        h.update(b"\x00")
        h.update(attachment.url.rsplit("/", 1)[-1].encode())
        h.update(b"\x01")
        h.update(normalize(attachment.text).encode())
    return h.hexdigest()


def insert_version(db: Database, document_id: int, doc: IncomingDocument, fingerprint: str, now: str,
                   tokens: str | None = None) -> int:
    """Append a version; `tokens` are the text's index words when the caller has them already."""
    version_id = insert_row(db, "versions", {
        "document_id": document_id,
        "fetched_at": now,
        "etag": doc.etag,
        "last_modified": doc.last_modified,
        "raw_sha256": doc.raw_sha256,
        "title": doc.title,
        "text": doc.text,
        "tokens": tokens_for_index(doc.text) if tokens is None else tokens,
        "content_hash": fingerprint,
        "criteria_text": doc.criteria_text,
        "http_status": doc.http_status,
    })
    for a in doc.attachments:
        insert_row(db, "attachments", {
            "version_id": version_id,
            "document_id": document_id,
            "url": a.url,
            "file_name": a.name,
            "media_type": a.media_type,
            "kind": a.kind,
            "sha256": a.sha256,
            "size": a.size,
            "text": a.text,
            "text_hash": hashlib.sha256(normalize(a.text).encode()).hexdigest() if a.text else None,
            "tables": json.dumps(a.tables, ensure_ascii=False) if a.tables else None,
            "parse_status": a.parse_status,
            "parse_error": a.parse_error,
            "etag": a.etag,
            "last_modified": a.last_modified,
        })
    return version_id


def reindex(db: Database, document_id: int, title: str, text: str, attachments_text: str,
            text_tokens: str | None = None) -> None:
    """Replace the document's search row. jieba splits at line breaks, so the body's words are
    the text's words then the attachments' words: the text is segmented once per document."""
    if text_tokens is None:
        text_tokens = tokens_for_index(text)
    body = " ".join(t for t in (text_tokens, tokens_for_index(attachments_text) if attachments_text else "") if t)
    # The search row's rowid is the document's id: a delete by the UNINDEXED document_id column
    # scans the whole index, which made a full crawl quadratic (10% of its time at 5,000 pages).
    db.execute("delete from documents_fts where rowid = ?", [document_id])
    db.execute(
        "insert into documents_fts (rowid, title, body, document_id) values (?, ?, ?, ?)",
        [document_id, tokens_for_index(title), body, document_id],
    )


def recent_versions(db: Database, document_id: int, window: int) -> list[dict[str, Any]]:
    return list(
        db.query(
            "select id, content_hash from versions where document_id = ? order by id desc limit ?",
            [document_id, window],
        )
    )
