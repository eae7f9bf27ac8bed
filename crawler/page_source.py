"""Validation of a `platform = "page"` source: its listing, article and columns.

A page source is any site whose listing is plain HTML: a URL per column, the row, link and
date selectors (CSS or XPath), optional paging, the article selectors, and a schedule. A
column with `watch = "page"` is one page watched as a whole instead of a listing. The keys
are declared in options.declared (SOURCE_PAGE_LISTING, SOURCE_ARTICLE, SOURCE_COLUMN); this
module adds what a declaration cannot say: selectors must parse, and a listing needs its row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.selectors import SelectorSyntaxError, check
from options import SOURCE_ARTICLE, SOURCE_COLUMN, SOURCE_PAGE_LISTING, ConfigError, validate


class PageSourceError(ValueError):
    """A page source definition with an unknown key, a missing selector or one that won't parse."""


def _selectors(table: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
    for key in keys:
        value = table.get(key)
        if not value:
            continue
        parts = value.split(",") if key == "remove" else [value]
        try:
            for part in parts:
                if part.strip():
                    check(part, f"{where}.{key}")
        except SelectorSyntaxError as exc:
            raise PageSourceError(str(exc)) from None


def validate_page_source(source_id: str, raw: Mapping[str, Any]) -> None:
    """Check a page source's listing, article and columns; raise PageSourceError naming the key."""
    columns = raw.get("columns") or []
    if not isinstance(columns, list) or not columns:
        raise PageSourceError(f"[{source_id}]: a page source needs at least one [[{source_id}.columns]] with a path")
    try:
        listing = validate(f"[{source_id}.listing]", SOURCE_PAGE_LISTING, raw.get("listing") or {})
        article = validate(f"[{source_id}.article]", SOURCE_ARTICLE, raw.get("article") or {})
        checked = [validate(f"[[{source_id}.columns]] #{i + 1}", SOURCE_COLUMN, c) for i, c in enumerate(columns)]
    except ConfigError as exc:
        raise PageSourceError(str(exc)) from None
    _selectors(listing, ("row", "link", "date", "next_page"), f"{source_id}.listing")
    _selectors(article, ("title", "time", "source", "body", "remove", "attachments"), f"{source_id}.article")
    if listing.get("page_url") and "{n}" not in listing["page_url"]:
        raise PageSourceError(f"{source_id}.listing.page_url must contain {{n}} for the page number")
    for i, column in enumerate(checked):
        where = f"[[{source_id}.columns]] #{i + 1}"
        if column["watch"] == "listing" and not listing.get("row"):
            raise PageSourceError(f"{where}: a listing column needs [{source_id}.listing] row")
        if column["watch"] == "listing" and not article.get("body"):
            raise PageSourceError(f"{where}: a listing column needs [{source_id}.article] body")
        _selectors(column, ("body",), f"{source_id}.columns")


def watched_page_floor(doc: Any) -> None:
    """A page the user asked to watch as a whole is never `irrelevant`: its edits alert as
    `related` (routes that want `related` get them), with the reason kept beside the verdict."""
    if doc.category == "irrelevant":
        doc.category = "related"
        doc.classification = {**(doc.classification or {}),
                              "watched_page": "irrelevant by its words, but watched as a whole page: related"}
