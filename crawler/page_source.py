"""The keys a `platform = "page"` source may use, declared as data, and their validation.

A page source is any site whose listing is plain HTML: a URL per column, the row, link and
date selectors (CSS or XPath), optional paging, the article selectors, and a schedule. A
column with `watch = "page"` is one page watched as a whole instead of a listing.
Each key is declared once here, with its help, so errors can list the allowed keys and the
README can be checked against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.selectors import SelectorSyntaxError, check

# key -> help. Kept as plain data so the project's one config system can take them over.
LISTING_KEYS: dict[str, str] = {
    "row": "selector of one listing row (CSS, or XPath starting with / or xpath:)",
    "link": "selector of the row's link, inside the row (default: the first a[href])",
    "date": "selector of the row's date, inside the row (optional)",
    "title_attr": "attribute holding the full title when the link text is cut short (default: title)",
    "next_page": "selector of the link to the next listing page (optional)",
    "page_url": "address of listing page N, with {n} for the number, relative to the column (optional)",
    "first_page_number": "the number {n} of the second listing page (default 2)",
    "max_pages": "listing pages read per column and run (default 5)",
}
ARTICLE_KEYS: dict[str, str] = {
    "title": "selector of the article title (falls back to meta ArticleTitle, then <title>)",
    "time": "selector of the visible publication time",
    "source": "selector of the issuing body line (optional)",
    "body": "selector of the main content: required",
    "remove": "comma-separated selectors removed from the body (counters, share bars)",
    "attachments": "selector of attachment links inside the body (default: links to files)",
}
COLUMN_KEYS: dict[str, str] = {
    "name": "the column's name, shown in health messages and alerts",
    "path": "the column's address, relative to base_url (or absolute on one of the hosts)",
    "watch": "'listing' (default): follow each row to its article; 'page': watch this page as a whole",
    "body": "for watch = 'page': selector of the part to watch (default: the article body selector, else body)",
}
WATCH_MODES = ("listing", "page")


class PageSourceError(ValueError):
    """A page source definition with an unknown key, a missing selector or one that won't parse."""


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PageSourceError(f"{where} must be a table")
    return value


def _known(table: Mapping[str, Any], allowed: Mapping[str, str], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise PageSourceError(f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(allowed)}")


def _selectors(table: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
    for key in keys:
        value = table.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise PageSourceError(f"{where}.{key} must be a string selector")
        parts = value.split(",") if key == "remove" else [value]
        try:
            for part in parts:
                if part.strip():
                    check(part, f"{where}.{key}")
        except SelectorSyntaxError as exc:
            raise PageSourceError(str(exc)) from exc


def validate_page_source(source_id: str, raw: Mapping[str, Any]) -> None:
    """Check a page source's listing, article and columns; raise PageSourceError naming the key."""
    where = f"[{source_id}]"
    columns = raw.get("columns") or []
    if not isinstance(columns, list) or not columns:
        raise PageSourceError(f"{where}: a page source needs at least one [[{source_id}.columns]] with a path")
    listing = _table(raw.get("listing") or {}, f"[{source_id}.listing]")
    article = _table(raw.get("article") or {}, f"[{source_id}.article]")
    _known(listing, LISTING_KEYS, f"[{source_id}.listing]")
    _known(article, ARTICLE_KEYS, f"[{source_id}.article]")
    _selectors(listing, ("row", "link", "date", "next_page"), f"{source_id}.listing")
    _selectors(article, ("title", "time", "source", "body", "remove", "attachments"), f"{source_id}.article")
    for key in ("max_pages", "first_page_number"):
        value = listing.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise PageSourceError(f"{source_id}.listing.{key} must be a whole number of 1 or more")
    if listing.get("page_url") and "{n}" not in str(listing["page_url"]):
        raise PageSourceError(f"{source_id}.listing.page_url must contain {{n}} for the page number")
    for i, column in enumerate(columns):
        cwhere = f"[[{source_id}.columns]] #{i + 1}"
        column = _table(column, cwhere)
        _known(column, COLUMN_KEYS, cwhere)
        if not column.get("path") or not column.get("name"):
            raise PageSourceError(f"{cwhere}: needs a name and a path")
        mode = column.get("watch", "listing")
        if mode not in WATCH_MODES:
            raise PageSourceError(f"{cwhere}: watch must be one of {', '.join(WATCH_MODES)}, not {mode!r}")
        if mode == "listing" and not listing.get("row"):
            raise PageSourceError(f"{cwhere}: a listing column needs [{source_id}.listing] row")
        if mode == "listing" and not article.get("body"):
            raise PageSourceError(f"{cwhere}: a listing column needs [{source_id}.article] body")
        _selectors(column, ("body",), f"{source_id}.columns")


def watched_page_floor(doc: Any) -> None:
    """A page the user asked to watch as a whole is never `irrelevant`: its edits alert as
    `related` (routes that want `related` get them), with the reason kept beside the verdict."""
    if doc.category == "irrelevant":
        doc.category = "related"
        doc.classification = {**(doc.classification or {}),
                              "watched_page": "irrelevant by its words, but watched as a whole page: related"}
