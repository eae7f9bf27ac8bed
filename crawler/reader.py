"""One document read outside a crawl, by the crawl's own path (`assemble()`): a local file for
`regwatch inspect FILE` and `regwatch diff`, or the summary of a URL that the spider fetched.

A saved page is read with the selectors of the first source whose body selector matches it,
else with the one generic fallback (crawler.extract.article.GENERIC_ARTICLE_SELECTORS). An
attachment file (PDF, DOCX, XLSX, …) is a document whose body is its text.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.assemble import assemble, read_list
from crawler.classify import Rules
from crawler.extract.article import GENERIC_ARTICLE_SELECTORS, Article
from crawler.extract.attachments import ParseFailure, sniff_kind
from crawler.extract.sandbox import extract_article_bounded, parse_attachment_bounded
from crawler.items import AttachmentItem, DocumentItem
from crawler.sources import Source
from diff.entities import ListEntry
from storage.model import IncomingDocument

__all__ = ["ReadError", "Reading", "read_file", "resolve_url"]


class ReadError(ValueError):
    """The target cannot be read: no such file, or a URL that no configured source serves."""


@dataclass
class Reading:
    """A document as the crawl would store it, and what else a reader wants to see.

    For an attachment file, `parse` says how its bytes were read and `table_list` holds the
    enterprises its tables list (the crawl takes them when the page that links it is a
    white-list 公示 or 公告)."""

    target: str
    doc: IncomingDocument
    problems: list[str]
    parse: dict[str, Any] | None = None
    table_list: list[ListEntry] | None = None

    @property
    def comparable_text(self) -> str:
        """The text `regwatch diff` compares: the criteria clauses where there are any."""
        return self.doc.criteria_text or self.doc.text

    def summary(self) -> dict[str, Any]:
        """JSON-ready: the fields `regwatch inspect` prints."""
        doc = self.doc
        entries = doc.entries if doc.entries is not None else self.table_list
        listing = None
        if entries:
            listing = {"name": doc.title, "batch": doc.batch,
                       "entries": [{"enterprise": e.enterprise, "province": e.province, "type": e.type}
                                   for e in entries]}
        return {
            "source": self.target,
            "url": doc.url,
            "fetched_url": doc.fetched_url,
            "title": doc.title,
            "category": doc.category,
            "stage": doc.stage,
            "list_kind": doc.list_kind,
            "doc_number": doc.doc_number,
            "published": doc.published_at,
            "signed_date": doc.signed_date,
            "authority": doc.authority or None,
            "issuing_body": doc.classification.get("issuing_body"),
            "comment_deadline": doc.deadline,
            "list": listing,
            "evidence": doc.classification.get("evidence", []),
            "explanation": doc.classification.get("explanation", ""),
            "parse": self.parse,
            "attachments": [{"name": a.name, "url": a.url, "kind": a.kind, "status": a.parse_status,
                             "error": a.parse_error, "sha256": a.sha256, "text_chars": len(a.text)}
                            for a in doc.attachments],
            "problems": self.problems,
            "raw_sha256": doc.raw_sha256,
            "text_chars": len(doc.text),
        }


def generic_source(sources: Mapping[str, Source]) -> Source:
    """The source of a file that matches no configured source: no authority, the generic
    article selectors, and every source's noise patterns."""
    patterns = tuple(dict.fromkeys(p for s in sources.values() for p in s.ignore_patterns))
    return Source(id="local", name="", authority="", base_url="", hosts=(), schedule="", stale_after_hours=0,
                  ignore_patterns=patterns, unit={}, listing={}, article=GENERIC_ARTICLE_SELECTORS, columns=())


def _page(data: bytes, url: str, sources: Mapping[str, Source]) -> tuple[Source, Article]:
    for source in sources.values():
        article = extract_article_bounded(data, url, source.article)
        if article.failed or article.found.get("body"):  # past a cap: no other selectors will help
            return source, article
    source = generic_source(sources)
    return source, extract_article_bounded(data, url, source.article)


def _is_page(data: bytes, name: str) -> bool:
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".shtml"):
        return True
    try:
        return suffix not in (".txt", ".md") and sniff_kind(data) == "html"
    except ParseFailure:
        return False


def read_file(path: str | Path, sources: Mapping[str, Source], rules: Rules | None = None) -> Reading:
    """Read a saved page or an attachment file the way the crawl reads one it fetched."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    data = path.read_bytes()
    url = path.resolve().as_uri()
    item = DocumentItem(source_id="local", doc_key=path.name, url=url, public_url=url, outcome="ok", body=data)
    if _is_page(data, path.name):
        source, item.article = _page(data, url, sources)
        # The page's attachments live on its site; a saved page is read without them.
        for link, label in item.article.attachments:
            item.attachments.append(_unfetched(link, label))
        doc, problems = assemble(item, source, None, rules)
        if item.article.failed:
            problems.insert(0, f"{path.name} could not be read: {item.article.failed}")
            return Reading(str(path), doc, problems, parse={"status": "failed", "kind": "html",
                                                            "error": item.article.failed})
        if not item.article.found.get("body"):
            problems.insert(0, "no article body found: the generic reading of <body> was used")
        return Reading(str(path), doc, problems)
    parsed = parse_attachment_bounded(data, path.name)
    text = parsed.text or ""
    title = next((line.strip() for line in text.splitlines() if line.strip()), path.name)
    item.article = Article(url=url, title=title, text=text, tables=parsed.tables or [])
    doc, problems = assemble(item, generic_source(sources), None, rules)
    parse = {"status": parsed.status, "kind": parsed.kind, "error": parsed.error}
    if parsed.status != "ok":
        problems.insert(0, f"{path.name} could not be read ({parsed.status}): {parsed.error}")
    entries, _ = read_list(parsed.tables or []) if parsed.status == "ok" else (None, [])
    return Reading(str(path), doc, problems, parse=parse, table_list=entries)


def _unfetched(link: str, label: str) -> AttachmentItem:
    return AttachmentItem(url=link, public_url=link, name=label,
                          error="a saved page is read without its attachments; inspect its URL to read them")


def resolve_url(url: str, sources: Mapping[str, Source], overridden: Collection[str] = ()) -> tuple[Source, str]:
    """The source a URL belongs to, and the address it is fetched from: a real host (www., wap.,
    http or https) is rewritten to the source's base_url. A URL of no configured source is
    refused, and so is any address that would still reach a real host while the source's
    base_url is overridden (a replica or a proxy)."""
    host = urlsplit(url).netloc.lower()
    for source in sources.values():
        if host in source.hosts or host == source.base_host.lower():
            local = source.to_local(url)
            if source.id in overridden and urlsplit(local).netloc.lower() in source.hosts:
                raise ReadError(f"{url}: refusing to reach the real site while [sources.{source.id}] base_url "
                                f"is set to {source.base_url}")
            return source, local
    known = ", ".join(h for s in sources.values() for h in (s.base_host, *s.hosts))
    raise ReadError(f"{url}: not a page of any configured source (hosts: {known})")

