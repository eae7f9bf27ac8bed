"""The generic `page` platform: any HTML listing page, or one page watched as a whole.

Everything after the listing is the Hanweb spider's: conditional re-fetches of the documents a
compliance team answers for, articles read with the source's selectors, attachments, the guard
against leaving the site, and the health record. Only discovery differs: a listing page is read
with the source's row/link/date selectors and paged through a 'next' link or a numbered address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.page_listing import read_listing
from crawler.selectors import SelectorSyntaxError
from crawler.sources import Column
from crawler.spiders.hanweb import HanwebSpider, doc_key_for
from options import SOURCE_PAGE_LISTING

DEFAULT_MAX_PAGES = SOURCE_PAGE_LISTING["max_pages"].default
FIRST_PAGE_NUMBER = SOURCE_PAGE_LISTING["first_page_number"].default


class PageSpider(HanwebSpider):
    name = ""  # a base class: one subclass per page source

    async def start(self) -> AsyncIterator[Any]:
        assert self.source is not None
        home = self.source.url("/")
        if self.only_url:  # `regwatch inspect URL`: one article, read as the Hanweb spider reads it
            async for request in super().start():
                yield request
            return
        for column in self.source.columns:
            url = self.source.to_local(self.source.url(column.path))
            if column.watch == "page":
                yield self._whole_page(url, home, column)
            else:
                yield self._request(url, self.parse_listing, referer=home,
                                    cb_kwargs={"column": column, "page": 1, "first_url": url})

    # --- a listing page ------------------------------------------------------------------------
    def _max_pages(self) -> int:
        assert self.source is not None
        configured = int(self.source.listing.get("max_pages", DEFAULT_MAX_PAGES))
        return min(configured, self.max_pages)

    def _page_url(self, first_url: str, column: Column, page: int, next_url: str | None) -> str | None:
        assert self.source is not None
        template = self.source.listing.get("page_url")
        if template:
            start = int(self.source.listing.get("first_page_number", FIRST_PAGE_NUMBER))
            return self.source.to_local(self.source.url_from(first_url, str(template).format(n=page - 2 + start)))
        return self.source.to_local(next_url) if next_url else None

    def parse_listing(self, response: Response, column: Column, page: int, first_url: str) -> Iterator[Request]:
        if page > 1 and response.status in (404, 410):
            # A numbered page past the last one: the end of the listing, not a breakage.
            self.crawler.stats.inc_value("regwatch/listing_past_last_page")
            return
        if self._blocked_or_failed(response, f"column {column.name}: listing page"):
            self.health.listing_failed()
            return
        assert self.source is not None
        try:
            listing = read_listing(response.text, response.url, self.source.listing)
        except SelectorSyntaxError as exc:
            self.health.broken(response.url, f"column {column.name}: {exc}")
            return
        if not listing.rows:
            if page == 1:
                why = "is not HTML" if not listing.parsed else "the listing selectors found no rows"
                row_selector = self.source.listing.get("row")
                self.health.broken(response.url, f"column {column.name}: {why} (row = {row_selector!r})")
            return  # past the last page
        self.health.listing_ok(len(listing.rows))
        fresh = False
        for row in listing.rows:
            request, is_fresh = self._article_request(row.url, response.url, column.name, row.title,
                                                      row.date_text or None)
            fresh = fresh or is_fresh
            if request is not None:
                yield request
        if (self.full or fresh) and page < self._max_pages():
            nxt = self._page_url(first_url, column, page + 1, listing.next_url)
            if nxt and nxt != response.url:
                yield self._request(nxt, self.parse_listing, referer=response.url,
                                    cb_kwargs={"column": column, "page": page + 1, "first_url": first_url})

    # --- one page watched as a whole -------------------------------------------------------------
    def _whole_page(self, url: str, referer: str, column: Column) -> Request:
        """Fetch the page every run (conditionally once known); its main part is the document."""
        assert self.source is not None
        key, _ = doc_key_for(url)
        self.seen.add(key)
        body = column.body or self.source.article.get("body") or "body"
        selectors = {"title": self.source.article.get("title") or "title", "body": body,
                     "remove": self.source.article.get("remove", "")}
        ctx = {"column": column.name, "listed_title": None, "listed_date": None, "selectors": selectors,
               "whole_page": True}
        return self._article(url, referer, ctx, self.known.get(key))

    def parse_article(self, response: Response, ctx: dict[str, Any]) -> Iterator[Any]:
        if ctx.get("whole_page") and response.status < 400:
            self.health.listing_ok(1)  # a watched page is its own listing
        yield from super().parse_article(response, ctx)
