"""The one reading path: a fetched article (page + attachment bytes) becomes the record storage
folds in. The crawl, `regwatch inspect` and `regwatch diff` all call `assemble()`, so what a
command shows is what a crawl stores.

Parsing, noise stripping, classification and metadata all happen here, in the crawl process;
storage receives only finished values.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.classify import Rules, classify
from crawler.extract.listtable import entries_from_tables
from crawler.extract.metadata import (
    batch_number,
    comment_deadline,
    find_doc_number,
    issuing_body,
    parse_datetime_cst,
    signature_date,
)
from crawler.extract.renames import rename_pairs
from crawler.extract.sandbox import parse_attachment_bounded
from crawler.items import AttachmentItem, DocumentItem
from crawler.listkind import list_kind
from crawler.sources import Source
from diff.entities import ListEntry
from diff.text import normalize
from storage.blobs import BlobStore, sha256_hex
from storage.model import IncomingDocument, StoredAttachment
from storage.vocab import Category

__all__ = ["assemble", "read_list", "strip_noise"]

Table = list[list[str]]

_NUMERAL = "[一二三四五六七八九十]+"
_CLAUSE_MARK = re.compile(rf"(^|\n)\s*({_NUMERAL}、|[（(]{_NUMERAL}[)）]|第{_NUMERAL}条)")


def strip_noise(text: str, patterns: tuple[str, ...]) -> str:
    """Drop per-source noise (visit counters, print links) before anything is compared."""
    for pattern in patterns:
        text = re.sub(pattern, "", text)
    return normalize(text)


def read_list(tables: list[Table]) -> tuple[list[ListEntry] | None, list[str]]:
    """The enterprises listed in a document's tables (None when none could be read), and why
    not; the crawl stores these for a white-list 公示 or 公告."""
    result = entries_from_tables(tables) if tables else None
    if result is not None and result.entries:
        return result.entries, result.problems
    return None, (result.problems if result is not None else ["no list table"])


def _iso_minutes(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def _keep(blobs: BlobStore | None, data: bytes) -> str:
    """The evidence hash; the bytes are stored only when there is a blob store (not for inspect)."""
    return blobs.put(data) if blobs is not None else sha256_hex(data)


def _attachment(a: AttachmentItem, source: Source, blobs: BlobStore | None,
                problems: list[str]) -> StoredAttachment:
    if a.body is None:
        problems.append(f"attachment {a.name} not fetched: {a.error}")
        return StoredAttachment(url=a.public_url, name=a.name, sha256=None, size=None, media_type=a.media_type,
                                kind=None, text="", tables=[], parse_status="not_fetched", parse_error=a.error)
    digest = _keep(blobs, a.body)
    parsed = parse_attachment_bounded(a.body, a.url.rsplit("/", 1)[-1], a.media_type)
    if parsed.status == "failed":
        problems.append(f"attachment {a.name} could not be parsed ({parsed.status}): {parsed.error}")
    return StoredAttachment(url=a.public_url, name=a.name, sha256=digest, size=len(a.body),
                            media_type=a.media_type, kind=parsed.kind,
                            text=strip_noise(parsed.text or "", source.ignore_patterns),
                            tables=parsed.tables or [], parse_status=parsed.status, parse_error=parsed.error,
                            etag=a.etag, last_modified=a.last_modified)


def _published(item: DocumentItem) -> str | None:
    """The visible publication time (#con_time), else the PubDate meta tag, else the listing date."""
    article = item.article
    meta = article.meta or {}
    con_time = parse_datetime_cst(article.con_time) if article.con_time else None
    pubdate = parse_datetime_cst(meta.get("PubDate", "")) if meta.get("PubDate") else None
    published = con_time or pubdate
    if published is None and item.listed_date:
        return item.listed_date
    return _iso_minutes(published)


def assemble(item: DocumentItem, source: Source, blobs: BlobStore | None = None,
             rules: Rules | None = None) -> tuple[IncomingDocument, list[str]]:
    """The IncomingDocument for one fetched article, and the problems worth a health note.
    Without a blob store nothing is written: the hashes are computed all the same."""
    problems: list[str] = []
    article = item.article
    raw_sha = _keep(blobs, item.body or b"")
    text = strip_noise(article.text, source.ignore_patterns)
    title = normalize(article.title or item.listed_title or "")
    stored = [_attachment(a, source, blobs, problems) for a in item.attachments]
    tables: list[Table] = list(article.tables or [])
    tables += [t for a in stored if a.parse_status == "ok" for t in a.tables]
    attachment_text = "\n".join(a.text for a in stored if a.text)
    verdict = classify(title, text, attachment_text=attachment_text, column=item.column, rules=rules)
    kind = list_kind(verdict, title, text, rules=rules, authority=source.authority)
    meta = article.meta or {}
    explanation = f"{verdict.explanation} {kind.note}" if kind.note else verdict.explanation
    doc = IncomingDocument(
        source_id=source.id, authority=source.authority, doc_key=item.doc_key, art_id=item.art_id,
        url=item.public_url, fetched_url=item.url, title=title, text=text, raw_sha256=raw_sha,
        etag=item.etag, last_modified=item.last_modified, http_status=item.http_status or 200,
        column=item.column, listed_title=item.listed_title, listed_date=item.listed_date,
        doc_number=find_doc_number(text, title=title),
        published_at=_published(item),
        pubdate_meta=meta.get("PubDate"), maketime_meta=meta.get("MakeTime"),
        signed_date=_iso_minutes(signature_date(text)),
        category=verdict.category, stage=verdict.stage,
        batch=verdict.batch or batch_number(title) or batch_number(text),
        list_kind=kind.kind,
        classification={"evidence": [*verdict.evidence, *kind.evidence], "explanation": explanation,
                        "issuing_body": issuing_body(text, meta), "confidence": verdict.confidence,
                        "needs_review": verdict.needs_review, "runner_up": verdict.runner_up},
        attachments=stored,
    )
    if doc.category == Category.WHITELIST:
        problems += _list(doc, tables, stored, text, attachment_text)
    if doc.category == Category.CRITERIA:
        candidates = [a.text for a in stored if a.text and _CLAUSE_MARK.search(a.text)]
        doc.criteria_text = max(candidates, key=len) if candidates else (text if _CLAUSE_MARK.search(text) else None)
    return doc, problems


def _list(doc: IncomingDocument, tables: list[Table], stored: list[StoredAttachment], text: str,
          attachment_text: str) -> list[str]:
    """Fill in what a white-list document does to the list; the problems that leave it unchanged."""
    if doc.list_kind == "rename":
        doc.renames = rename_pairs(tables, text + "\n" + attachment_text)
        return [] if doc.renames else ["a name-change announcement whose names could not be read; "
                                       "the list is unchanged"]
    if doc.list_kind not in ("proposed", "final", "revocation"):
        return []
    doc.deadline = _iso_minutes(comment_deadline(text)) if doc.list_kind == "proposed" else None
    entries, why = read_list(tables)
    if entries is not None:
        doc.entries = entries
        return []
    if doc.list_kind == "revocation":
        return []
    unreadable = [a for a in stored if a.parse_status != "ok"]
    reason = "; ".join(why) or "no list table"
    if unreadable:
        reason = f"{len(unreadable)} attachment(s) unreadable: {unreadable[0].parse_error}"
    doc.list_problem = f"list of batch {doc.batch} not read ({reason}); entries kept as they were"
    return [doc.list_problem]
