"""An article page read with its source's selectors (sources.toml): title, time, issuer line, main
text, tables and attachment links. `Article.found` tells the caller which selectors still match:
a page whose body selector finds nothing is a broken source, not an empty document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from crawler.extract import limits
from crawler.extract.decoding import decode_html
from crawler.extract.htmltext import html_text_and_tables, one_line, parse_document, select
from crawler.extract.limits import LimitExceeded
from diff.text import normalize

__all__ = ["ATTACHMENT_EXTENSIONS", "GENERIC_ARTICLE_SELECTORS", "Article",
           "extract_article", "looks_like_attachment"]

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar", ".et")
DEFAULT_ATTACHMENT_SELECTOR = "a[href]"

# The one fallback for a page that belongs to no source (a saved file given to `regwatch inspect`
# or `regwatch diff` whose layout matches no source's selectors): the whole <body>, less chrome.
# Every source's own selectors live in crawler/sources.toml.
GENERIC_ARTICLE_SELECTORS: Mapping[str, str] = {
    "title": "h1",
    "time": "",
    "source": "",
    "body": "body",
    "remove": "script, style, nav, header, footer",
}


@dataclass
class Article:
    """What an article page says, as published; `found` records which selectors matched."""

    url: str
    title: str
    text: str
    tables: list[list[list[str]]] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    con_time: str = ""
    source: str = ""
    found: dict[str, bool] = field(default_factory=dict)
    encoding: str | None = None
    failed: str | None = None  # past a cap of crawler/extract/limits.py: why it was not read


def _attachment_url(href: str, page_url: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    try:  # a host with characters that change under NFKC does not parse
        absolute = urljoin(page_url, href)
        parts = urlsplit(absolute)
        if parts.path.endswith("viewer.html"):  # the pdf.js viewer wraps the real file in ?file=
            inner = parse_qs(parts.query).get("file")
            if inner:
                absolute = urljoin(absolute, inner[0])
    except ValueError:
        return None
    return absolute


def looks_like_attachment(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(ATTACHMENT_EXTENSIONS) or "/attach/" in path


def extract_article(
    body: bytes | str,
    url: str,
    selectors: Mapping[str, str],
    *,
    encoding: str | None = None,
) -> Article:
    """Read an article page with the given CSS selectors (keys: title, time, source, body,
    optional remove and attachments). `encoding` is the charset the HTTP header claimed. A page
    past a cap of limits.py comes back with `failed` set, never as an empty or partial text."""
    found = {key: False for key in ("title", "time", "source", "body")}
    try:
        return _extract_article(body, url, selectors, encoding, found)
    except LimitExceeded as exc:
        return Article(url=url, title="", text="", found=found, failed=str(exc))


def _extract_article(body: bytes | str, url: str, selectors: Mapping[str, str], encoding: str | None,
                     found: dict[str, bool]) -> Article:
    if len(body) > limits.MAX_HTML_BYTES:
        raise LimitExceeded(f"page is {len(body):,} bytes (limit {limits.MAX_HTML_BYTES:,})")
    text, used = decode_html(body, encoding)
    root = parse_document(text)
    if root is None:
        return Article(url=url, title="", text="", found=found, encoding=used)
    limits.check_depth(root, "the page")

    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name, content = el.get("name"), el.get("content")
        if name and content is not None and name not in meta:
            meta[name] = content.strip()

    def first(key: str):
        selector = selectors.get(key)
        if not selector:
            return None
        hits = select(root, selector, key)
        found[key] = bool(hits)
        return hits[0] if hits else None

    title_el, time_el, source_el = first("title"), first("time"), first("source")
    title = one_line(title_el) if title_el is not None else ""
    if not title:
        title = normalize(meta.get("ArticleTitle", "")).replace("\n", " ")
    if not title:
        title_tag = root.find(".//title")
        title = one_line(title_tag) if title_tag is not None else ""

    body_el = first("body")
    main_text = ""
    tables: list[list[list[str]]] = []
    attachments: list[tuple[str, str]] = []
    if body_el is not None:
        removals = [s for s in (selectors.get("remove") or "").split(",") if s.strip()]
        for selector in removals:
            for el in select(body_el, selector.strip(), "remove"):
                if el is not body_el:
                    el.drop_tree()
        link_selector = selectors.get("attachments") or DEFAULT_ATTACHMENT_SELECTOR
        filter_links = not selectors.get("attachments")
        seen: set[str] = set()
        for a in select(body_el, link_selector, "attachments"):
            link = _attachment_url(a.get("href") or "", url)
            if not link or link in seen or (filter_links and not looks_like_attachment(link)):
                continue
            seen.add(link)
            label = one_line(a) or (a.get("title") or "").strip() or urlsplit(link).path.rsplit("/", 1)[-1]
            attachments.append((link, label))
        main_text, tables = html_text_and_tables(body_el)
        limits.check_text(main_text, "the page")

    return Article(
        url=url,
        title=title,
        text=main_text,
        tables=tables,
        attachments=attachments,
        meta=meta,
        con_time=one_line(time_el) if time_el is not None else "",
        source=one_line(source_el) if source_el is not None else "",
        found=found,
        encoding=used,
    )

