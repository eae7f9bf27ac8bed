"""Rows of a plain-HTML listing page, read with a page source's selectors (CSS or XPath).

Kept apart from the Hanweb fragment reader: a page listing is a whole page, its paging is a
'next' link or a numbered address, and its dates come in any wrapping ([2026-10-01], 2026年10月1日).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from crawler.extract.listing import rows_in
from crawler.selectors import select

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass(frozen=True)
class PageRow:
    url: str
    title: str
    date_text: str  # YYYY-MM-DD when a date was found, else the cell's text


@dataclass(frozen=True)
class PageListing:
    rows: list[PageRow]
    next_url: str | None
    parsed: bool  # False when the page could not be parsed as HTML at all


def iso_date(text: str) -> str:
    """'[2026-10-1]', '2026/10/01', '2026年10月1日' → '2026-10-01'; other text unchanged."""
    m = _DATE.search(text or "")
    if not m:
        return (text or "").strip()
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


def read_listing(html: str, page_url: str, listing: Mapping[str, object]) -> PageListing:
    """The rows (absolute link, full title, date) and the next page's address, if any."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(html) if html.strip() else None
    except (ParserError, ValueError):
        root = None
    if root is None:
        return PageListing([], None, False)
    selectors = {k: str(v) for k, v in listing.items() if k in ("row", "link", "date", "title_attr") and v}
    rows = [PageRow(r.url, r.title, iso_date(r.date_text)) for r in rows_in(root, page_url, selectors)]
    next_url = None
    next_sel = str(listing.get("next_page") or "")
    if next_sel:
        for a in select(root, next_sel, "listing.next_page"):
            href = (a.get("href") or "").strip()
            if href and not href.startswith(("javascript:", "#")):
                next_url = urljoin(page_url, href)
                break
    return PageListing(rows, next_url, True)
