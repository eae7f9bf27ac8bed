"""Turn a fetched article (page + attachment bytes) into the plain record storage folds in.

Parsing, classification and metadata all happen here, in the crawl process; storage receives
only finished values.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.items import DocumentItem
from crawler.sources import Source
from diff.text import normalize
from storage.blobs import BlobStore
from storage.model import IncomingDocument, ListEntryIn, StoredAttachment
from storage.vocab import Category

_NUMERAL = "[一二三四五六七八九十]+"
_CLAUSE_MARK = re.compile(rf"(^|\n)\s*({_NUMERAL}、|[（(]{_NUMERAL}[)）]|第{_NUMERAL}条)")


def strip_noise(text: str, patterns: tuple[str, ...]) -> str:
    """Drop per-source noise (visit counters, print links) before anything is compared."""
    for pattern in patterns:
        text = re.sub(pattern, "", text)
    return normalize(text)


def _iso_minutes(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def assemble(item: DocumentItem, source: Source, blobs: BlobStore,
             rules: Any = None) -> tuple[IncomingDocument, list[str]]:
    """The IncomingDocument for one fetched article, and the problems worth a health note."""
    from crawler.classify import classify
    from crawler.extract.attachments import parse_attachment
    from crawler.extract.listtable import entries_from_tables
    from crawler.extract.metadata import (
        batch_number,
        comment_deadline,
        find_doc_number,
        issuing_body,
        parse_datetime_cst,
        signature_date,
    )

    problems: list[str] = []
    article = item.article
    raw_sha = blobs.put(item.body or b"")
    text = strip_noise(article.text, source.ignore_patterns)
    title = normalize(article.title or item.listed_title or "")
    stored: list[StoredAttachment] = []
    tables: list[Any] = [t for t in (article.tables or [])]
    for a in item.attachments:
        if a.body is None:
            stored.append(StoredAttachment(url=a.public_url, name=a.name, sha256=None, size=None,
                                           media_type=a.media_type, kind=None, text="", tables=[],
                                           parse_status="not_fetched", parse_error=a.error))
            problems.append(f"attachment {a.name} not fetched: {a.error}")
            continue
        digest = blobs.put(a.body)
        parsed = parse_attachment(a.body, a.url.rsplit("/", 1)[-1], a.media_type)
        if parsed.status == "failed":
            problems.append(f"attachment {a.name} could not be parsed ({parsed.status}): {parsed.error}")
        stored.append(StoredAttachment(url=a.public_url, name=a.name, sha256=digest, size=len(a.body),
                                       media_type=a.media_type, kind=parsed.kind,
                                       text=strip_noise(parsed.text or "", source.ignore_patterns),
                                       tables=parsed.tables or [], parse_status=parsed.status,
                                       parse_error=parsed.error))
        if parsed.status == "ok":
            tables.extend(parsed.tables or [])
    attachment_text = "\n".join(a.text for a in stored if a.text)
    verdict = classify(title, text, attachment_text=attachment_text, column=item.column, rules=rules)
    meta = article.meta or {}
    con_time = parse_datetime_cst(article.con_time or "") if article.con_time else None
    pubdate = parse_datetime_cst(meta.get("PubDate", "")) if meta.get("PubDate") else None
    published = con_time or pubdate
    if published is None and item.listed_date:
        published_at = item.listed_date
    else:
        published_at = _iso_minutes(published)
    doc = IncomingDocument(
        source_id=source.id, authority=source.authority, doc_key=item.doc_key, art_id=item.art_id,
        url=item.public_url, fetched_url=item.url, title=title, text=text, raw_sha256=raw_sha,
        etag=item.etag, last_modified=item.last_modified, http_status=item.http_status or 200,
        column=item.column, listed_title=item.listed_title, listed_date=item.listed_date,
        doc_number=find_doc_number(text, title=title),
        published_at=published_at,
        pubdate_meta=meta.get("PubDate"), maketime_meta=meta.get("MakeTime"),
        signed_date=_iso_minutes(signature_date(text)),
        category=verdict.category, stage=verdict.stage,
        batch=verdict.batch or batch_number(title) or batch_number(text),
        list_kind=verdict.list_kind,
        classification={"evidence": list(verdict.evidence), "explanation": verdict.explanation,
                        "issuing_body": issuing_body(text, meta)},
        attachments=stored,
    )
    if doc.category == Category.WHITELIST and doc.list_kind == "rename":
        from crawler.extract.renames import rename_pairs

        doc.renames = rename_pairs(tables, text + "\n" + attachment_text)
        if not doc.renames:
            problems.append("a name-change announcement whose names could not be read; the list is unchanged")
    if doc.category == Category.WHITELIST and doc.list_kind in ("proposed", "final", "revocation"):
        doc.deadline = _iso_minutes(comment_deadline(text)) if doc.list_kind == "proposed" else None
        unreadable = [a for a in stored if a.parse_status != "ok"]
        result = entries_from_tables(tables) if tables else None
        if result is not None and result.entries:
            doc.entries = [ListEntryIn(e.enterprise, e.province, e.type) for e in result.entries]
        elif doc.list_kind != "revocation":
            reason = "; ".join(result.problems) if result is not None and result.problems else "no list table"
            if unreadable:
                reason = f"{len(unreadable)} attachment(s) unreadable: {unreadable[0].parse_error}"
            doc.list_problem = f"list of batch {doc.batch} not read ({reason}); entries kept as they were"
            problems.append(doc.list_problem)
    if doc.category == Category.CRITERIA:
        candidates = [a.text for a in stored if a.text and _CLAUSE_MARK.search(a.text)]
        doc.criteria_text = max(candidates, key=len) if candidates else (text if _CLAUSE_MARK.search(text) else None)
    return doc, problems
