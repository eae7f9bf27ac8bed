"""The generic spider for Hanweb JPaaS sites (MIIT and SAMR run the same CMS).

column shell → queryData → build/unit API pages → articles → attachments; plus MIIT's search
API for keyword discovery. Everything site-specific comes from sources.toml.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from scrapy import Request
from scrapy.http import Response

from crawler.backfill import Backfill
from crawler.challenge import detect_challenge
from crawler.extract.attachments import parse_attachment
from crawler.extract.listing import extract_listing_rows, pagination_info
from crawler.extract.sandbox import extract_article_bounded
from crawler.health import SEARCH_PART, CrawlHealth, attachment_part, column_part, listing_part
from crawler.items import AttachmentItem, DocumentItem
from crawler.sources import Source, load_sources
from options import default
from storage.db import open_db
from storage.documents import known_documents
from storage.progress import load_progress
from storage.vocab import CONTENT_CATEGORIES, Category, Health

# Scrapy serves higher priorities first: a first run against the real sites reads the keyword
# search and the newest listing pages (and their articles) before any history.
PRIORITY_SEARCH, PRIORITY_TOP, PRIORITY_HISTORY = 30, 20, 0

# Documents a compliance team answers for: re-checked (conditionally) on every run, so edits and
# withdrawals are seen. Other known documents are fetched again only when their listing row changes.
WATCHED_CLOSELY = CONTENT_CATEGORIES
ART_ID = re.compile(r"art_([0-9a-f]{32})", re.I)
_QUERY_PAIR = re.compile(r"""['"]([^'"]+)['"]\s*:\s*['"]([^'"]*)['"]""")


def watched_closely(known: dict[str, Any]) -> bool:
    """Re-checked on every run: the categories that alert, and any verdict that needs review
    (an edit may settle it)."""
    return known.get("category") in WATCHED_CLOSELY or bool(known.get("needs_review"))


def doc_key_for(url: str) -> tuple[str, str | None]:
    """A document's identity: its art_ id where there is one, else its URL without scheme/host."""
    match = ART_ID.search(url)
    if match:
        art = match.group(1).lower()
        return f"art_{art}", art
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else ""), None


def parse_query_data(text: str) -> dict[str, str]:
    """queryData is a JS object literal in single quotes, not JSON."""
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items()}
    except ValueError:
        pass
    return dict(_QUERY_PAIR.findall(text))


class HanwebSpider(scrapy.Spider):
    name = ""  # a base class: `scrapy list` shows only the per-source subclasses

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source: Source | None = None
        self.known: dict[str, dict[str, Any]] = {}
        self.seen: set[str] = set()
        self.health = CrawlHealth()
        self.full = False
        self.max_pages: int = default("max_pages")
        self.backfill = Backfill({}, default("history_pages"))
        self.only_url = ""
        self._rechecked = False

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> HanwebSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        overrides = settings.getdict("REGWATCH_SOURCE_OVERRIDES")
        spider.source = load_sources(overrides)[spider.name]
        full = kwargs.get("full", settings.getbool("REGWATCH_FULL"))
        spider.full = str(full).lower() in ("1", "true", "yes")
        spider.max_pages = settings.getint("REGWATCH_MAX_PAGES", default("max_pages"))
        spider.only_url = settings.get("REGWATCH_ONLY_URL") or ""
        spider.known, progress = _load_known(settings.get("REGWATCH_DB"), spider.name)
        spider.backfill = Backfill(progress, settings.getint("REGWATCH_BACKFILL_PAGES", default("history_pages")))
        crawler.signals.connect(spider._on_idle, signal=scrapy.signals.spider_idle)
        return spider

    # --- discovery ------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        assert self.source is not None
        home = self.source.url("/")
        if self.only_url:
            # One article and its attachments, read exactly as a crawl reads them (`regwatch inspect`).
            yield self._article(self.source.to_local(self.only_url), home,
                                {"column": None, "listed_title": None, "listed_date": None}, None)
            return
        for column in self.source.columns:
            yield self._request(self.source.url(column.path), self.parse_shell, priority=PRIORITY_TOP,
                                referer=home, cb_kwargs={"column": column.name})
        search = self.source.search
        for keyword in search.get("keywords", []) if search else []:
            yield self._search_request(keyword, 1)

    def _request(self, url: str, callback: Any, *, referer: str | None = None, **kwargs: Any) -> Request:
        headers = kwargs.pop("headers", {})
        if referer:
            headers["Referer"] = referer
        meta = kwargs.pop("meta", {})
        meta.setdefault("handle_httpstatus_all", True)
        return Request(url, callback=callback, errback=self.on_error, headers=headers, meta=meta, **kwargs)

    def _blocked_or_failed(self, response: Response, what: str, part: str | None = None) -> bool:
        """Record a challenge or HTTP error against `part`; True when the response carries no content."""
        reason = detect_challenge(response.status, response.headers, response.body)
        if reason:
            self.health.blocked(response.url, response.status, reason, part)
            return True
        if response.status >= 300 and response.status != 304:  # a 3xx body is never content
            self.health.error(response.url, f"{what}: HTTP {response.status}", part)
            return True
        return False

    def _redirect(self, response: Response, what: str) -> Request | None:
        """The request that follows a 3xx on the source's own host (None when there is none to
        follow: the refusal or the loop is recorded). The 3xx body itself is never read."""
        assert self.source is not None
        hops = int(response.meta.get("regwatch_redirects", 0))
        location = _header(response, b"Location")
        if not location:
            self.health.error(response.url, f"{what}: HTTP {response.status} without a Location")
            return None
        limit = self.crawler.settings.getint("REDIRECT_MAX_TIMES", 5)
        if hops >= limit:
            self.health.error(response.url, f"{what}: more than {limit} redirects; given up")
            return None
        target = self.source.to_local(urljoin(response.url, location.strip()))
        if not self.source.allows(target):
            self.crawler.stats.inc_value("regwatch/refused_offsite")
            self.health.error(response.url, f"{what}: redirect off the source's hosts to {target}; refused")
            return None
        self.crawler.stats.inc_value("regwatch/redirects_followed")
        meta = {**response.meta, "regwatch_redirects": hops + 1}
        request = response.request
        assert request is not None  # response.meta, just read, already requires it
        conditional = (b"if-none-match", b"if-modified-since")  # validators belong to the old address
        headers = {k: v for k, v in request.headers.items() if k.lower() not in conditional}
        return request.replace(url=target, meta=meta, headers=headers, dont_filter=True)

    def parse_shell(self, response: Response, column: str) -> Iterator[Request]:
        if self._blocked_or_failed(response, "column page", column_part(column)):
            self.health.listing_failed()
            return
        self.health.part_ok(column_part(column))
        assert self.source is not None
        selector = self.source.unit.get("shell_script", "script[queryData]")
        script = response.css(selector)
        api = script.attrib.get("url") if script else None
        query_text = script.attrib.get("querydata") or script.attrib.get("queryData") if script else None
        if not api or not query_text:
            self.health.broken(response.url, f"column {column}: no unitbuild script with url and queryData",
                               column_part(column))
            return
        query = parse_query_data(query_text)
        if not query.get("pageId"):
            self.health.broken(response.url, f"column {column}: queryData has no pageId", column_part(column))
            return
        yield from self._unit_page(response.url, api, query, column, 1)

    def _unit_page(self, shell_url: str, api: str, query: dict[str, str], column: str,
                   page: int, budget: int = 0) -> Iterator[Request]:
        """A page of the column's listing API; `budget` > 0 marks a page of history (backfill)."""
        assert self.source is not None
        params = dict(query)
        if page > 1:
            size = int(self.source.unit.get("page_size", 24))
            params["paramJson"] = json.dumps({"pageNo": page, "pageSize": size}, separators=(",", ":"))
        url = urljoin(shell_url, api) + "?" + urlencode(params)
        yield self._request(self.source.to_local(url), self.parse_unit, referer=shell_url,
                            priority=PRIORITY_HISTORY if budget else PRIORITY_TOP - min(page, 10),
                            cb_kwargs={"shell_url": shell_url, "api": api, "query": query,
                                       "column": column, "page": page, "budget": budget})

    def parse_unit(self, response: Response, shell_url: str, api: str, query: dict[str, str],
                   column: str, page: int, budget: int = 0) -> Iterator[Request]:
        part = listing_part(column)
        if self._blocked_or_failed(response, "listing API", part):
            self.health.listing_failed()
            return
        try:
            envelope = json.loads(response.text)
            html = envelope["data"]["html"]
            ok = str(envelope.get("code")) == "200" and envelope.get("success", True) is not False
        except (ValueError, KeyError, TypeError, AttributeError):
            self.health.broken(response.url, f"column {column}: listing API answered no JSON envelope", part)
            return
        if not ok or not isinstance(html, str):
            self.health.broken(response.url, f"column {column}: listing API refused: {envelope.get('message')}",
                               part)
            return
        assert self.source is not None
        rows = extract_listing_rows(html, response.url, self.source.listing)
        if not rows:
            if page == 1:
                self.health.broken(response.url, f"column {column}: the listing selectors found no rows", part)
            return  # past the last page: nothing more to read
        self.health.listing_ok(len(rows), part)
        fresh = False
        priority = PRIORITY_HISTORY if budget else PRIORITY_TOP - 5
        for row in rows:
            request, is_fresh = self._article_request(row.url, shell_url, column, row.title, row.date_text,
                                                      priority=priority)
            fresh = fresh or is_fresh
            if request is not None:
                yield request
        info = pagination_info(html)
        per_page = info.rows if info is not None and info.rows else int(self.source.unit.get("page_size", len(rows)))
        count = info.total if info is not None else len(rows)
        for next_page, next_budget in self._next_pages(column, page, per_page, count, fresh, budget):
            yield from self._unit_page(shell_url, api, query, column, next_page, next_budget)

    def _next_pages(self, listing: str, page: int, per_page: int, count: int, fresh: bool,
                    budget: int) -> list[tuple[int, int]]:
        """What to read after this page: the next newest page while the newest bring news (all
        of them with --full), then pages of history from where the last run stopped."""
        self.backfill.page_read(listing, page, per_page, count)
        if page * per_page >= count:
            return []  # the last page
        if budget:
            return [(page + 1, budget - 1)] if budget > 1 else []
        if not self.full and not self.backfill.seen_before(listing):
            # A first run reads the newest page of each listing (and the search) only, so the
            # white list and the criteria are in the database within minutes at a polite delay;
            # the history starts with the next run.
            return []
        if self.full or (fresh and self.backfill.seen_before(listing)):
            if self.full or page < self.max_pages:
                return [(page + 1, 0)]
            self.backfill.stopped_early(listing, page, per_page, count)
            self.health.note(f"{listing}: new rows beyond page {self.max_pages}; the rest is read as history")
        start = self.backfill.resume_page(listing, per_page, count, after=page)
        return [(start, self.backfill.pages_per_run)] if start is not None else []

    def _search_request(self, keyword: str, page: int, budget: int = 0) -> Request:
        assert self.source is not None
        search = self.source.search
        params = {**search.get("params", {}), "q": keyword, "pg": str(search.get("page_size", 20)),
                  "p": str(page)}
        url = self.source.url(search["path"]) + "?" + urlencode(params)
        return self._request(url, self.parse_search, referer=self.source.url(search.get("referer", "/")),
                             priority=PRIORITY_HISTORY if budget else PRIORITY_SEARCH - min(page, 10),
                             cb_kwargs={"keyword": keyword, "page": page, "budget": budget})

    def parse_search(self, response: Response, keyword: str, page: int, budget: int = 0) -> Iterator[Request]:
        if self._blocked_or_failed(response, "search API", SEARCH_PART):
            self.health.listing_failed()
            return
        try:
            result = json.loads(response.text)["data"]["searchResult"]
            hits = result.get("dataResults") or []
            total = int(result.get("totalHits") or result.get("total") or 0)
        except (ValueError, KeyError, TypeError, AttributeError):
            self.health.broken(response.url, f"search {keyword}: answered no searchResult", SEARCH_PART)
            return
        self.health.listing_ok(len(hits), SEARCH_PART)
        fresh = False
        for hit in hits:
            data = hit.get("data") or ((hit.get("groupData") or [{}])[0].get("data")) or {}
            url = data.get("url")
            if not url:
                continue
            title = re.sub(r"<[^>]+>", "", str(data.get("title") or data.get("title_text") or ""))
            request, is_fresh = self._article_request(url, response.url, f"search:{keyword}", title, None,
                                                      priority=PRIORITY_HISTORY if budget else PRIORITY_SEARCH - 5)
            fresh = fresh or is_fresh
            if request is not None:
                yield request
        size = int(self.source.search.get("page_size", 20)) if self.source else 20
        for next_page, next_budget in self._next_pages(f"search:{keyword}", page, size, total, fresh, budget):
            yield self._search_request(keyword, next_page, next_budget)

    # --- articles ----------------------------------------------------------------------------
    def _article_request(self, href: str, referer: str, column: str, title: str | None,
                         date_text: str | None, priority: int = 0) -> tuple[Request | None, bool]:
        """The request for a listed article (None when this run already has it), and whether
        the row is new or changed, which decides whether paging goes on."""
        assert self.source is not None
        local = self.source.to_local(urljoin(referer, href))
        if not self.source.allows(local):
            # Another site's page (MIIT lists SAMR's joint notices): that source's own spider
            # reads it; following it here would leave the source's host.
            self.crawler.stats.inc_value("regwatch/rows_offsite_skipped")
            return None, False
        key, _ = doc_key_for(local)
        known = self.known.get(key)
        fresh = known is None or not known.get("complete") or (title and known.get("title") != title
                                                             and known.get("listed_title") != title)
        if key in self.seen:
            return None, bool(fresh)
        self.seen.add(key)
        ctx = {"column": column, "listed_title": title, "listed_date": date_text}
        if known is not None and known.get("url"):
            # One document under several columns or hosts: fetch it where it was fetched before,
            # so the validators sent are the ones that page gave.
            local = self.source.to_local(known["url"])
        if known is None or not known.get("complete"):
            return self._article(local, referer, ctx, None, priority), True
        if not watched_closely(known) and not fresh and not self.full:
            return None, False
        return self._article(local, referer, ctx, known, priority), bool(fresh)

    def _article(self, url: str, referer: str, ctx: dict[str, Any], known: dict[str, Any] | None,
                 priority: int = 0) -> Request:
        headers: dict[str, str] = {}
        if known and not self.full:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        if known and known.get("category") == Category.WHITELIST and known.get("attachments"):
            ctx = {**ctx, "attachments": known["attachments"]}
        return self._request(url, self.parse_article, referer=referer, headers=headers, priority=priority,
                             cb_kwargs={"ctx": ctx}, dont_filter=False)

    def parse_article(self, response: Response, ctx: dict[str, Any]) -> Iterator[Any]:
        assert self.source is not None
        if 300 <= response.status < 400 and response.status != 304 and not detect_challenge(
                response.status, response.headers, response.body):
            follow = self._redirect(response, "article")
            if follow is None:
                self.health.article_failed()
                return
            ctx = {**ctx, "doc_key": ctx.get("doc_key") or doc_key_for(response.url)}
            yield follow.replace(cb_kwargs={"ctx": ctx})
            return
        # A redirected document keeps the identity it was requested under; its final URL is recorded.
        key, art = ctx.get("doc_key") or doc_key_for(response.url)
        item = DocumentItem(
            source_id=self.source.id, doc_key=key, art_id=art, url=response.url,
            public_url=self.source.public_url(response.url), outcome="ok",
            http_status=response.status, column=ctx.get("column"),
            listed_title=ctx.get("listed_title"), listed_date=ctx.get("listed_date"),
            whole_page=bool(ctx.get("whole_page")),
        )
        if response.status == 304:
            item.outcome = "not_modified"
            self.health.article_ok()
            if ctx.get("attachments"):
                # An unchanged page can hide a list file replaced in place: check the files first.
                yield from self._check_attachments(item, ctx, 0, response.url)
                return
            yield item
            return
        if response.status in (404, 410):
            item.outcome = "missing"
            yield item
            return
        if self._blocked_or_failed(response, "article"):
            self.health.article_failed()
            return
        body = response.body
        if b"</html>" not in body[-2048:].lower():
            self.health.note(f"article page is truncated (no closing </html>): {response.url}")
            self.health.article_failed()
            return
        header_ct = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        charset = re.search(r"charset=([\w-]+)", header_ct)
        selectors = ctx.get("selectors") or self.source.article  # a page source's watched page has its own
        article = extract_article_bounded(body, response.url, selectors,
                                          encoding=charset.group(1) if charset else None)
        if article.failed:
            # Past a cap, or stopped by the time or memory limit: not content, and never a removal.
            self.health.note(f"article page could not be read ({article.failed}): {response.url}")
            self.health.article_failed()
            return
        if not article.found.get("body"):
            part = f"column {ctx['column']}: " if ctx.get("column") else ""
            self.health.broken(response.url, f"{part}article body selector found nothing (template changed?)")
            self.health.article_failed()
            return
        self.health.article_ok()
        item.body = body
        item.article = article
        item.encoding = article.encoding
        item.etag = _header(response, b"ETag")
        item.last_modified = _header(response, b"Last-Modified")
        links = []
        for url, text in article.attachments:
            local = self.source.to_local(urljoin(response.url, url))
            links.append(AttachmentItem(url=local, public_url=self.source.public_url(local), name=text))
        item.attachments = links
        yield from self._next_attachment(item, 0, response.url)

    def _next_attachment(self, item: DocumentItem, index: int, referer: str) -> Iterator[Any]:
        while index < len(item.attachments):
            attachment = item.attachments[index]
            if self.source is not None and not self.source.allows(attachment.url):
                attachment.error = "attachment is off the source's host; not fetched"
                index += 1
                continue
            yield Request(attachment.url, callback=self.parse_attachment,
                          errback=self.on_attachment_error, headers={"Referer": referer},
                          meta={"handle_httpstatus_all": True, "item": item, "index": index,
                                "referer": referer}, dont_filter=True,
                          priority=PRIORITY_SEARCH + 5)  # finishes a document already begun
            return
        yield item

    def parse_attachment(self, response: Response) -> Iterator[Any]:
        item: DocumentItem = response.meta["item"]
        index: int = response.meta["index"]
        attachment = item.attachments[index]
        attachment.http_status = response.status
        reason = detect_challenge(response.status, response.headers, response.body)
        if not reason and 300 <= response.status < 400:
            follow = self._redirect(response, "attachment")
            if follow is not None:
                yield follow
                return
        if reason or response.status >= 300:
            attachment.error = reason or f"HTTP {response.status}"
            part = attachment_part(_attachment_kind(attachment.url))
            if reason:
                self.health.blocked(response.url, response.status, reason, part)
            else:
                self.health.error(response.url, f"attachment: {attachment.error}", part)
        else:
            attachment.body = response.body
            attachment.media_type = _header(response, b"Content-Type")
            attachment.etag = _header(response, b"ETag")
            attachment.last_modified = _header(response, b"Last-Modified")
        yield from self._next_attachment(item, index + 1, response.meta["referer"])

    def on_attachment_error(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        item: DocumentItem = request.meta["item"]
        index: int = request.meta["index"]
        item.attachments[index].error = f"download failed: {failure.getErrorMessage()}"
        self.health.error(request.url, f"attachment download failed: {failure.getErrorMessage()}",
                          attachment_part(_attachment_kind(request.url)))
        yield from self._next_attachment(item, index + 1, request.meta["referer"])

    def _check_attachments(self, item: DocumentItem, ctx: dict[str, Any], index: int,
                           page_url: str) -> Iterator[Any]:
        """Fetch a white-list page's stored attachments in turn, conditionally with the validators
        each came with; if one's bytes changed, read the page again in full (so the edit is stored
        like any other), else (304, or the same bytes) report it unchanged."""
        assert self.source is not None
        stored = ctx["attachments"]
        while index < len(stored):
            url = self.source.to_local(stored[index]["url"])
            if self.source.allows(url):
                headers = {"Referer": page_url}
                if stored[index].get("etag"):
                    headers["If-None-Match"] = stored[index]["etag"]
                if stored[index].get("last_modified"):
                    headers["If-Modified-Since"] = stored[index]["last_modified"]
                yield Request(url, callback=self.parse_attachment_check, errback=self.on_attachment_check_error,
                              headers=headers, dont_filter=True,
                              meta={"handle_httpstatus_all": True, "item": item, "ctx": ctx, "index": index,
                                    "page_url": page_url})
                return
            index += 1
        yield item

    def parse_attachment_check(self, response: Response) -> Iterator[Any]:
        item, ctx, index = response.meta["item"], response.meta["ctx"], response.meta["index"]
        page_url = response.meta["page_url"]
        part = attachment_part(_attachment_kind(response.url))
        if self._blocked_or_failed(response, "attachment", part):
            yield item  # cannot tell; the page itself answered unchanged
            return
        if response.status == 304:
            # The file's own validators say it is the one stored: unchanged, as an equal hash is.
            self.crawler.stats.inc_value("regwatch/attachments_not_modified")
        elif hashlib.sha256(response.body).hexdigest() != ctx["attachments"][index]["sha256"]:
            name = response.url.rsplit("/", 1)[-1]
            parsed = parse_attachment(response.body, name, _header(response, b"Content-Type"))
            if parsed.status != "ok":
                # Garbage is never an edit: keep what was stored, and say the file could not be read.
                self.health.part_failed(part, Health.DEGRADED, f"{response.url}: {parsed.error}")
                self.health.note(f"attachment could not be read ({parsed.error}): {response.url}")
                yield item
                return
            self.crawler.stats.inc_value("regwatch/attachments_replaced_in_place")
            fresh = {k: v for k, v in ctx.items() if k != "attachments"}
            yield self._request(page_url, self.parse_article, referer=self.source.url("/") if self.source else None,
                                cb_kwargs={"ctx": fresh}, dont_filter=True)
            return
        yield from self._check_attachments(item, ctx, index + 1, page_url)

    def on_attachment_check_error(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        self.health.error(request.url, f"attachment download failed: {failure.getErrorMessage()}",
                          attachment_part(_attachment_kind(request.url)))
        yield request.meta["item"]

    def on_error(self, failure: Any) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.health.error(url, f"download failed: {failure.getErrorMessage()}", _part_of(request, self))
        if request is not None and request.callback in (self.parse_shell, self.parse_unit, self.parse_search):
            self.health.listing_failed()
        elif request is not None:
            self.health.article_failed()

    # --- withdrawal checks ------------------------------------------------------------------------
    def _on_idle(self, spider: scrapy.Spider) -> None:
        """Once the listings are done, re-check relevant documents no listing showed this run,
        so an edit or a withdrawal (404/410) is noticed; a vanished listing row alone proves nothing.

        This runs whatever else failed: a failing listing or search API must not hide an edit of
        a watched document. Only the withdrawal decision waits for complete listings (pipelines).
        """
        if spider is not self or self._rechecked or self.only_url:
            return
        self._rechecked = True
        assert self.source is not None
        pending = [k for k, v in self.known.items()
                   if k not in self.seen and watched_closely(v) and self._recheck(v)]
        engine = self.crawler.engine
        for key in pending:
            known = self.known[key]
            self.seen.add(key)
            request = self._article(self.source.to_local(known["url"]), self.source.url("/"),
                                    {"column": None, "listed_title": None, "listed_date": None}, known)
            engine.crawl(request)


    def _recheck(self, known: dict[str, Any]) -> bool:
        """Live and suspect documents always; withdrawn ones for `recheck_withdrawn_days`, so one
        that answers again is restored."""
        status = known.get("status")
        if status in ("live", "suspect"):
            return True
        if status != "withdrawn" or not known.get("withdrawn_at"):
            return False
        days = self.crawler.settings.getfloat("REGWATCH_RECHECK_WITHDRAWN_DAYS", 30.0)
        since = datetime.fromisoformat(known["withdrawn_at"])
        return datetime.now(UTC) - since <= timedelta(days=days)


def _attachment_kind(url: str) -> str:
    """An attachment's kind for health, by its extension (pdf, docx, xlsx…); 'other' when none."""
    suffix = urlsplit(url).path.rsplit("/", 1)[-1].rpartition(".")[2].lower()
    return suffix if suffix.isalnum() and len(suffix) <= 5 else "other"


def _part_of(request: Request | None, spider: HanwebSpider) -> str | None:
    """The part a failed request belonged to: its column page, listing API or the search API."""
    if request is None:
        return None
    column = (request.cb_kwargs or {}).get("column")
    if request.callback == spider.parse_shell and column:
        return column_part(column)
    if request.callback == spider.parse_unit and column:
        return listing_part(column)
    if request.callback == spider.parse_search:
        return SEARCH_PART
    return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _load_known(db_path: str | None, source_id: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The source's known documents and its listings' backfill progress."""
    if not db_path:
        return {}, {}

    db = open_db(db_path)
    try:
        return known_documents(db, source_id), load_progress(db, source_id)
    finally:
        db.close()
