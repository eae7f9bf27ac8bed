"""Rows of a column listing (the build/unit API's HTML fragment) and its pagination, read with the
source's listing selectors from sources.toml."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from crawler.extract.htmltext import compiled, one_line, parse_document, select
from diff.text import normalize

__all__ = ["ListingRow", "Pagination", "extract_listing_rows", "pagination_info", "rows_in"]


class ListingRow(NamedTuple):
    url: str
    title: str
    date_text: str


class Pagination(NamedTuple):
    rows: int | None
    total: int  # the page's `count` attribute; a field named count would hide tuple.count
    page_no: int | None


def _following(row, selector: str, row_selector: str):
    """The first sibling after `row` (before the next row) matching a '+ sel' / '~ sel' spec."""
    combinator, sel = selector[0], selector[1:].strip()
    match = compiled(sel)
    is_row = compiled(row_selector)
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


def extract_listing_rows(fragment_html: str, base_url: str, selectors: Mapping[str, str]) -> list[ListingRow]:
    """Rows of a build/unit HTML fragment; see `rows_in` for the selector keys."""
    root = parse_document(fragment_html or "")
    return [] if root is None else rows_in(root, base_url, selectors)


def rows_in(root, base_url: str, selectors: Mapping[str, str]) -> list[ListingRow]:
    """Rows of a parsed listing, for the Hanweb fragments and the `page` platform alike. Keys: row,
    link (inside the row; the link's title attribute wins over its possibly truncated text), date
    (inside the row, or '+ sel' / '~ sel' for a sibling after it), title_attr (default 'title')."""
    row_selector = selectors.get("row")
    if not row_selector:
        return []
    link_selector = selectors.get("link") or "a[href]"
    date_selector = (selectors.get("date") or "").strip()
    title_attr = selectors.get("title_attr") or "title"
    out: list[ListingRow] = []
    for row in select(root, row_selector, "row"):
        links = [a for a in select(row, link_selector, "link") if (a.get("href") or "").strip()]
        if not links and row.tag == "a" and row.get("href"):
            links = [row]
        if not links:
            continue
        a = links[0]
        href = a.get("href").strip()
        if href.startswith(("javascript:", "#", "mailto:")):
            continue
        title = normalize(a.get(title_attr) or "").replace("\n", " ") or one_line(a)
        date_text = ""
        if date_selector:
            if date_selector[0] in "+~":
                el = _following(row, date_selector, row_selector)
            else:
                hits = select(row, date_selector, "date")
                el = hits[0] if hits else None
            date_text = one_line(el) if el is not None else ""
        url = _absolute(base_url, href)
        if url is not None:
            out.append(ListingRow(url, title, date_text))
    return out


def _absolute(base: str, href: str) -> str | None:
    """An http(s) URL for a link, or None for one that does not parse or goes elsewhere."""
    try:
        url = urljoin(base, href)
    except ValueError:  # e.g. a host with characters that change under NFKC
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


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
    root = parse_document(fragment_html or "")
    if root is None:
        return None
    candidates = compiled("div.pagination")(root) + root.xpath("//*[@count]")
    for el in candidates:
        count = _int_attr(el, "count")
        if count is None:
            continue
        return Pagination(_int_attr(el, "rows"), count, _int_attr(el, "pageNo"))
    return None
