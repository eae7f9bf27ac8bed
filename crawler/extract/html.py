"""Main text, tables and attachment links of an article page, and rows of a column listing.

Selectors are CSS and come from configuration (`crawler/sources.toml`), so a redesigned
template is repaired without code. `Article.found` tells the caller which selectors still
match: a page whose body selector finds nothing is a broken source, not an empty document.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qs, urljoin, urlsplit

from crawler.extract.tabular import CELL_MARK, normalize_keeping_tabs
from diff.text import normalize

if TYPE_CHECKING:  # pragma: no cover
    from lxml.html import HtmlElement

__all__ = [
    "ARTICLE_SELECTOR_KEYS",
    "ATTACHMENT_EXTENSIONS",
    "Article",
    "LISTING_SELECTOR_KEYS",
    "ListingRow",
    "MIIT_ARTICLE_SELECTORS",
    "MIIT_LISTING_SELECTORS",
    "Pagination",
    "SAMR_ARTICLE_SELECTORS",
    "SAMR_LISTING_SELECTORS",
    "SelectorError",
    "decode_html",
    "extract_article",
    "extract_listing_rows",
    "html_text_and_tables",
    "pagination_info",
]

ARTICLE_SELECTOR_KEYS = ("title", "time", "source", "body", "remove", "attachments")
LISTING_SELECTOR_KEYS = ("row", "link", "date", "title_attr")
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar", ".et")
DEFAULT_ATTACHMENT_SELECTOR = "a[href]"

MIIT_ARTICLE_SELECTORS = {
    "title": "h1#con_title",
    "time": ".cinfo span#con_time",
    "source": ".cinfo > span:nth-of-type(2)",
    "body": "div#con_con",
    "remove": "script, style",
}
SAMR_ARTICLE_SELECTORS = {
    "title": ".Three_xilan_01 h2, h1, .title",
    "time": ".Three_xilan_02 span, .pages-date",
    "source": ".Three_xilan_02 .source, .source",
    "body": "div.Three_xilan_07",
    "remove": ".dw, .share, script, style",
}
MIIT_LISTING_SELECTORS = {"row": "li.cf", "link": "a.fl", "date": "span.fr"}
SAMR_LISTING_SELECTORS = {"row": "li.nav04Left02_content", "link": "a", "date": "+ li.nav04Left02_contenttime"}


class SelectorError(ValueError):
    """A selector mapping has a key we do not know, or a selector that does not parse."""


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


class ListingRow(NamedTuple):
    url: str
    title: str
    date_text: str


class Pagination(NamedTuple):
    rows: int | None
    count: int
    page_no: int | None


# --------------------------------------------------------------------------- decoding

_WEAK_CHARSETS = {"iso8859-1", "latin-1", "latin1", "ascii", "us-ascii", "cp1252", "windows-1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    """A Python codec name for a declared charset; GBK and GB2312 read as their superset."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec in ("gbk", "gb2312", "gb18030", "hz"):
        return "gb18030"
    return codec


def decode_html(body: bytes | str, header_charset: str | None = None) -> tuple[str, str | None]:
    """Decode a page, trusting nothing blindly: the HTTP header's charset if the bytes decode
    strictly with it, then the <meta> charset, then UTF-8, then GB18030, then UTF-8 with
    replacement. Returns (text, codec used); real sites send GBK under a utf-8 header.

    One exception to that order: when a GB charset is declared but the bytes are valid
    multibyte UTF-8, UTF-8 wins, because GB18030 would decode them into mojibake silently."""
    if isinstance(body, str):
        return body, None
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    header = _codec(header_charset)
    meta_match = _META_CHARSET.search(body[:4096])
    meta = _codec(meta_match.group(1).decode("ascii", "ignore")) if meta_match else None
    candidates: list[str] = []
    if "gb18030" in (header, meta) and not body.isascii():
        # The reverse mislabel: multibyte UTF-8 practically never happens to be valid by accident,
        # while GB18030 decodes almost any UTF-8 into mojibake without an error.
        candidates.append("utf-8")
    if header and header not in _WEAK_CHARSETS:
        candidates.append(header)
    for name in (meta, "utf-8", "gb18030", header):
        if name and name not in candidates:
            candidates.append(name)
    for name in candidates:
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", "replace"), "utf-8"


def _parse_document(text: str) -> HtmlElement | None:
    import lxml.html
    from lxml.etree import ParserError

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        return None


@lru_cache(maxsize=256)
def _compiled(selector: str) -> Any:
    """A CSS selector compiled to XPath once per process (compiling it was ~4% of a crawl's CPU)."""
    from lxml.cssselect import CSSSelector

    return CSSSelector(selector, translator="html")


def _select(root: HtmlElement, selector: str, key: str) -> list[HtmlElement]:
    from cssselect import SelectorError as CssError

    try:
        match = _compiled(selector)
    except CssError as exc:
        raise SelectorError(f"selector {key}={selector!r} does not parse: {exc}") from exc
    return match(root)


def _check_keys(selectors: Mapping[str, str], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(selectors) - set(allowed))
    if unknown:
        raise SelectorError(f"unknown {what} selector key(s) {unknown}; allowed: {', '.join(allowed)}")


# --------------------------------------------------------------------------- text rendering

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "iframe", "object"}
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


# CSS Text 3: a line break between two East Asian wide characters renders as nothing.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t]*[\r\n][ \t\r\n]*(?=[{_WIDE}])")


_BREAK = "\ue0f1"  # a line break we made (block, <br>), kept apart from source whitespace


def _inline(text: str | None) -> str:
    if not text:
        return ""
    return _HTML_SPACE.sub(" ", _WIDE_BREAK.sub("", text))


def _finish(parts: list[str]) -> str:
    """Rendered pieces → text: source whitespace folded the way a browser shows it (across
    element boundaries too), our breaks turned into newlines, table cells into tabs."""
    text = _inline("".join(parts)).replace(_BREAK, "\n").replace(CELL_MARK, "\t")
    return normalize_keeping_tabs(text)


def _cell_text(cell) -> str:
    parts: list[str] = []
    _render(cell, parts, [])
    return " ".join(line for line in _finish(parts).replace("\t", " ").split("\n") if line)


def _direct_rows(table) -> list:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _table_grid(table) -> list[list[str]]:
    """Rows of cell strings, colspan and rowspan expanded by repeating the cell's value."""
    return _table_grid_marked(table)[0]


def _table_grid_marked(table) -> tuple[list[list[str]], list[list[bool]]]:
    """The expanded grid, and for each cell whether it is a colspan copy of its left neighbour
    (rendered once in the text, repeated in the table)."""
    grid: list[list[str]] = []
    copies: list[list[bool]] = []
    pending: dict[int, tuple[int, str]] = {}
    for tr in _direct_rows(table):
        cells = [c for c in tr if _tag(c) in ("td", "th")]
        row: list[str] = []
        copy: list[bool] = []
        col = 0

        def take_pending(row: list[str] = row, copy: list[bool] = copy) -> bool:
            nonlocal col
            if col not in pending:
                return False
            left, value = pending.pop(col)
            if left > 1:
                pending[col] = (left - 1, value)
            row.append(value)
            copy.append(False)
            col += 1
            return True

        for cell in cells:
            while take_pending():
                pass
            value = _cell_text(cell)
            colspan = _span(cell.get("colspan"), 50)
            rowspan = _span(cell.get("rowspan"), 1000)
            for k in range(colspan):
                row.append(value)
                copy.append(k > 0)
                if rowspan > 1:
                    pending[col] = (rowspan - 1, value)
                col += 1
        while pending and col <= max(pending):
            if not take_pending():
                row.append("")
                copy.append(False)
                col += 1
        grid.append(row)
        copies.append(copy)
    width = max((len(r) for r in grid), default=0)
    return ([r + [""] * (width - len(r)) for r in grid], [c + [False] * (width - len(c)) for c in copies])


def _span(value: str | None, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), limit)


def _is_layout_table(table) -> bool:
    """Tables used for page layout (one cell, or holding other tables) are read as text."""
    if table.xpath(".//table"):
        return True
    cells = table.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th")
    return len(cells) <= 1


def _render(el, out: list[str], tables: list[list[list[str]]]) -> None:
    tag = _tag(el)
    if tag in _SKIP_TAGS or not tag:  # comments and processing instructions have no str tag
        out.append(el.tail or "")
        return
    if tag == "br":
        out.append(_BREAK)
    elif tag == "table" and not _is_layout_table(el):
        grid, copies = _table_grid_marked(el)
        if any(any(cell for cell in row) for row in grid):
            tables.append(grid)
            lines = [CELL_MARK.join(c for c, dup in zip(row, marks, strict=True) if not dup)
                     for row, marks in zip(grid, copies, strict=True)]
            out.append(_BREAK + _BREAK.join(lines) + _BREAK)
    else:
        block = tag in _BLOCK_TAGS or tag == "table"
        if block:
            out.append(_BREAK)
        out.append(el.text or "")
        for child in el:
            _render(child, out, tables)
        if block:
            out.append(_BREAK)
    out.append(el.tail or "")


def html_text_and_tables(root) -> tuple[str, list[list[list[str]]]]:
    """Visible text of an element with paragraph breaks as newlines and each data table
    rendered as tab-separated lines, plus the tables themselves."""
    out: list[str] = []
    tables: list[list[list[str]]] = []
    tail = root.tail
    root.tail = None
    try:
        _render(root, out, tables)
    finally:
        root.tail = tail
    return _finish(out), tables


def _one_line(el) -> str:
    return normalize(_inline(el.text_content())).replace("\n", " ")


# --------------------------------------------------------------------------- articles

def _attachment_url(href: str, page_url: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    absolute = urljoin(page_url, href)
    parts = urlsplit(absolute)
    if parts.path.endswith("viewer.html"):  # the pdf.js viewer wraps the real file in ?file=
        inner = parse_qs(parts.query).get("file")
        if inner:
            absolute = urljoin(absolute, inner[0])
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
    optional remove and attachments). `encoding` is the charset the HTTP header claimed."""
    _check_keys(selectors, ARTICLE_SELECTOR_KEYS, "article")
    text, used = decode_html(body, encoding)
    root = _parse_document(text)
    found = {key: False for key in ("title", "time", "source", "body")}
    if root is None:
        return Article(url=url, title="", text="", found=found, encoding=used)

    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name, content = el.get("name"), el.get("content")
        if name and content is not None and name not in meta:
            meta[name] = content.strip()

    def first(key: str):
        selector = selectors.get(key)
        if not selector:
            return None
        hits = _select(root, selector, key)
        found[key] = bool(hits)
        return hits[0] if hits else None

    title_el, time_el, source_el = first("title"), first("time"), first("source")
    title = _one_line(title_el) if title_el is not None else ""
    if not title:
        title = normalize(meta.get("ArticleTitle", "")).replace("\n", " ")
    if not title:
        title_tag = root.find(".//title")
        title = _one_line(title_tag) if title_tag is not None else ""

    body_el = first("body")
    main_text, tables, attachments = "", [], []
    if body_el is not None:
        removals = [s for s in (selectors.get("remove") or "").split(",") if s.strip()]
        for selector in removals:
            for el in _select(body_el, selector.strip(), "remove"):
                if el is not body_el:
                    el.drop_tree()
        link_selector = selectors.get("attachments") or DEFAULT_ATTACHMENT_SELECTOR
        filter_links = not selectors.get("attachments")
        seen: set[str] = set()
        for a in _select(body_el, link_selector, "attachments"):
            link = _attachment_url(a.get("href") or "", url)
            if not link or link in seen or (filter_links and not looks_like_attachment(link)):
                continue
            seen.add(link)
            label = _one_line(a) or (a.get("title") or "").strip() or urlsplit(link).path.rsplit("/", 1)[-1]
            attachments.append((link, label))
        main_text, tables = html_text_and_tables(body_el)

    return Article(
        url=url,
        title=title,
        text=main_text,
        tables=tables,
        attachments=attachments,
        meta=meta,
        con_time=_one_line(time_el) if time_el is not None else "",
        source=_one_line(source_el) if source_el is not None else "",
        found=found,
        encoding=used,
    )


# --------------------------------------------------------------------------- listings

def _following(row, selector: str, row_selector: str):
    """The first sibling after `row` (before the next row) matching a '+ sel' / '~ sel' spec."""
    combinator, sel = selector[0], selector[1:].strip()
    match = _compiled(sel)
    is_row = _compiled(row_selector)
    parent = row.getparent()
    candidates = set(match(parent)) if parent is not None else set()
    rows = set(is_row(parent)) if parent is not None else set()
    for sib in row.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib in candidates:
            return sib
        if combinator == "+" or sib in rows:
            return None
    return None


def extract_listing_rows(
    fragment_html: str, base_url: str, row_selectors: Mapping[str, str] | None = None
) -> list[ListingRow]:
    """Rows of a build/unit HTML fragment. Keys: row, link (inside the row; the link's
    title attribute wins over its possibly truncated text), date (inside the row, or
    '+ sel' / '~ sel' for a sibling after it), title_attr (default 'title')."""
    selectors = dict(row_selectors or MIIT_LISTING_SELECTORS)
    _check_keys(selectors, LISTING_SELECTOR_KEYS, "listing")
    root = _parse_document(fragment_html or "")
    if root is None:
        return []
    row_selector = selectors.get("row") or MIIT_LISTING_SELECTORS["row"]
    link_selector = selectors.get("link") or "a[href]"
    date_selector = (selectors.get("date") or "").strip()
    title_attr = selectors.get("title_attr") or "title"
    out: list[ListingRow] = []
    for row in _select(root, row_selector, "row"):
        links = [a for a in _select(row, link_selector, "link") if (a.get("href") or "").strip()]
        if not links and _tag(row) == "a" and row.get("href"):
            links = [row]
        if not links:
            continue
        a = links[0]
        href = a.get("href").strip()
        if href.startswith(("javascript:", "#")):
            continue
        title = normalize(a.get(title_attr) or "").replace("\n", " ") or _one_line(a)
        date_text = ""
        if date_selector:
            if date_selector[0] in "+~":
                el = _following(row, date_selector, row_selector)
            else:
                hits = _select(row, date_selector, "date")
                el = hits[0] if hits else None
            date_text = _one_line(el) if el is not None else ""
        out.append(ListingRow(urljoin(base_url, href), title, date_text))
    return out


def _int_attr(el, name: str) -> int | None:
    for key, value in el.attrib.items():
        if key.lower() == name.lower():
            try:
                return int(str(value).strip())
            except ValueError:
                return None
    return None


def pagination_info(fragment_html: str) -> Pagination | None:
    """(rows per page, total count, page number) from div.pagination[rows][count][pageNo],
    or from any element carrying a count attribute; None when the fragment has neither."""
    root = _parse_document(fragment_html or "")
    if root is None:
        return None
    candidates = _compiled("div.pagination")(root) + root.xpath("//*[@count]")
    for el in candidates:
        count = _int_attr(el, "count")
        if count is None:
            continue
        return Pagination(_int_attr(el, "rows"), count, _int_attr(el, "pageNo"))
    return None
