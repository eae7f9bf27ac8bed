"""The generic spider for Hanweb JPaaS sites (MIIT and SAMR run the same CMS).

column shell → queryData → build/unit API pages → articles → attachments; plus MIIT's search
API for keyword discovery. Everything site-specific comes from sources.toml.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from scrapy import Request
from scrapy.http import Response

from crawler.challenge import detect_challenge
from crawler.extract.listing import extract_listing_rows, pagination_info
from crawler.extract.sandbox import extract_article_bounded
from crawler.health import CrawlHealth
from crawler.items import AttachmentItem, DocumentItem
from crawler.sources import Source, load_sources
from options import default
from storage.vocab import CONTENT_CATEGORIES

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
    custom_settings: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source: Source | None = None
        self.known: dict[str, dict[str, Any]] = {}
        self.seen: set[str] = set()
        self.health = CrawlHealth()
        self.full = False
        self.max_pages: int = default("max_pages")
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
        spider.known = _load_known(settings.get("REGWATCH_DB"), spider.name)
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
            yield self._request(self.source.url(column.path), self.parse_shell,
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

    def _blocked_or_failed(self, response: Response, what: str) -> bool:
        """Record a challenge or HTTP error; True when the response carries no content."""
        reason = detect_challenge(response.status, response.headers, response.body)
        if reason:
            self.health.blocked(response.url, response.status, reason)
            return True
        if response.status >= 300 and response.status != 304:  # a 3xx body is never content
            self.health.error(response.url, f"{what}: HTTP {response.status}")
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
        conditional = (b"if-none-match", b"if-modified-since")  # validators belong to the old address
        headers = {k: v for k, v in response.request.headers.items() if k.lower() not in conditional}
        return response.request.replace(url=target, meta=meta, headers=headers, dont_filter=True)

    def parse_shell(self, response: Response, column: str) -> Iterator[Request]:
        if self._blocked_or_failed(response, "column page"):
            self.health.listing_failed()
            return
        assert self.source is not None
        selector = self.source.unit.get("shell_script", "script[queryData]")
        script = response.css(selector)
        api = script.attrib.get("url") if script else None
        query_text = script.attrib.get("querydata") or script.attrib.get("queryData") if script else None
        if not api or not query_text:
            self.health.broken(response.url, f"column {column}: no unitbuild script with url and queryData")
            return
        query = parse_query_data(query_text)
        if not query.get("pageId"):
            self.health.broken(response.url, f"column {column}: queryData has no pageId")
            return
        yield from self._unit_page(response.url, api, query, column, 1)

    def _unit_page(self, shell_url: str, api: str, query: dict[str, str], column: str,
                   page: int) -> Iterator[Request]:
        assert self.source is not None
        params = dict(query)
        if page > 1:
            size = int(self.source.unit.get("page_size", 24))
            params["paramJson"] = json.dumps({"pageNo": page, "pageSize": size}, separators=(",", ":"))
        url = urljoin(shell_url, api) + "?" + urlencode(params)
        yield self._request(self.source.to_local(url), self.parse_unit, referer=shell_url,
                            cb_kwargs={"shell_url": shell_url, "api": api, "query": query,
                                       "column": column, "page": page})

    def parse_unit(self, response: Response, shell_url: str, api: str, query: dict[str, str],
                   column: str, page: int) -> Iterator[Request]:
        if self._blocked_or_failed(response, "listing API"):
            self.health.listing_failed()
            return
        try:
            envelope = json.loads(response.text)
            html = envelope["data"]["html"]
            ok = str(envelope.get("code")) == "200" and envelope.get("success", True) is not False
        except (ValueError, KeyError, TypeError, AttributeError):
            self.health.broken(response.url, f"column {column}: listing API answered no JSON envelope")
            return
        if not ok or not isinstance(html, str):
            self.health.broken(response.url, f"column {column}: listing API refused: {envelope.get('message')}")
            return
        assert self.source is not None
        rows = extract_listing_rows(html, response.url, self.source.listing)
        if not rows:
            if page == 1:
                self.health.broken(response.url, f"column {column}: the listing selectors found no rows")
            return  # past the last page: nothing more to read
        self.health.listing_ok(len(rows))
        fresh = False
        for row in rows:
            request, is_fresh = self._article_request(row.url, shell_url, column, row.title, row.date_text)
            fresh = fresh or is_fresh
            if request is not None:
                yield request
        info = pagination_info(html)
        per_page = info.rows if info is not None and info.rows else int(self.source.unit.get("page_size", len(rows)))
        more = info is not None and page * per_page < info.count
        if more and page < self.max_pages and (self.full or fresh):
            yield from self._unit_page(shell_url, api, query, column, page + 1)

    def _search_request(self, keyword: str, page: int) -> Request:
        assert self.source is not None
        search = self.source.search
        params = {**search.get("params", {}), "q": keyword, "pg": str(search.get("page_size", 20)),
                  "p": str(page)}
        url = self.source.url(search["path"]) + "?" + urlencode(params)
        return self._request(url, self.parse_search, referer=self.source.url(search.get("referer", "/")),
                             cb_kwargs={"keyword": keyword, "page": page})

    def parse_search(self, response: Response, keyword: str, page: int) -> Iterator[Request]:
        if self._blocked_or_failed(response, "search API"):
            self.health.listing_failed()
            return
        try:
            result = json.loads(response.text)["data"]["searchResult"]
            hits = result.get("dataResults") or []
            total = int(result.get("totalHits") or result.get("total") or 0)
        except (ValueError, KeyError, TypeError, AttributeError):
            self.health.broken(response.url, f"search {keyword}: answered no searchResult")
            return
        self.health.listing_ok(len(hits))
        fresh = False
        for hit in hits:
            data = hit.get("data") or ((hit.get("groupData") or [{}])[0].get("data")) or {}
            url = data.get("url")
            if not url:
                continue
            title = re.sub(r"<[^>]+>", "", str(data.get("title") or data.get("title_text") or ""))
            request, is_fresh = self._article_request(url, response.url, f"search:{keyword}", title, None)
            fresh = fresh or is_fresh
            if request is not None:
                yield request
        size = int(self.source.search.get("page_size", 20)) if self.source else 20
        if (self.full or fresh) and page * size < total and page < self.max_pages:
            yield self._search_request(keyword, page + 1)

    # --- articles ----------------------------------------------------------------------------
    def _article_request(self, href: str, referer: str, column: str, title: str | None,
                         date_text: str | None) -> tuple[Request | None, bool]:
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
            return self._article(local, referer, ctx, None), True
        if not watched_closely(known) and not fresh and not self.full:
            return None, False
        return self._article(local, referer, ctx, known), bool(fresh)

    def _article(self, url: str, referer: str, ctx: dict[str, Any], known: dict[str, Any] | None) -> Request:
        headers: dict[str, str] = {}
        if known and not self.full:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        return self._request(url, self.parse_article, referer=referer, headers=headers,
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
        header_ct = response.headers.get(b"Content-Type", b"").decode("latin-1")
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
                                "referer": referer}, dont_filter=True)
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
            self.health.error(response.url, f"attachment: {attachment.error}")
            if reason:
                self.health.blocked(response.url, response.status, reason)
        else:
            attachment.body = response.body
            attachment.media_type = _header(response, b"Content-Type")
        yield from self._next_attachment(item, index + 1, response.meta["referer"])

    def on_attachment_error(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        item: DocumentItem = request.meta["item"]
        index: int = request.meta["index"]
        item.attachments[index].error = f"download failed: {failure.getErrorMessage()}"
        self.health.error(request.url, f"attachment download failed: {failure.getErrorMessage()}")
        yield from self._next_attachment(item, index + 1, request.meta["referer"])

    def on_error(self, failure: Any) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.health.error(url, f"download failed: {failure.getErrorMessage()}")
        if request is not None and request.callback in (self.parse_shell, self.parse_unit, self.parse_search):
            self.health.listing_failed()
        elif request is not None:
            self.health.article_failed()

    # --- withdrawal checks ------------------------------------------------------------------------
    def _on_idle(self, spider: scrapy.Spider) -> None:
        """Once the listings are done, re-check relevant documents no listing showed this run,
        so a withdrawal (404/410) is noticed; a vanished listing row alone proves nothing."""
        if spider is not self or self._rechecked or self.only_url or not self.health.listings_healthy():
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


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _load_known(db_path: str | None, source_id: str) -> dict[str, dict[str, Any]]:
    if not db_path:
        return {}
    from storage.db import open_db
    from storage.documents import known_documents

    db = open_db(db_path)
    try:
        return known_documents(db, source_id)
    finally:
        db.close()
