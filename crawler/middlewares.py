"""Downloader middleware that keeps every request on the source's own host.

With base_url pointed at a proxy or the replica, a link to the real site is rewritten by the
spider; anything that still leaves the source's host (an offsite redirect, a stray absolute
link) is refused here, so a test or a demo can never reach a real website.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest


class SourceGuardMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        source = getattr(spider, "source", None)
        if source is None:
            return None
        if request.url.endswith("/robots.txt") and source.allows(request.url):
            return None
        if not source.allows(request.url):
            self.crawler.stats.inc_value("regwatch/refused_offsite")
            spider.logger.warning("refused request off the source's host: %s", request.url)
            raise IgnoreRequest(f"off the source's host: {request.url}")
        return None
