"""The pipeline of a single-page crawl (`regwatch inspect URL`): the article and its attachments
come through the spider as in any crawl, go through `assemble()` without a database or a blob
store, and the summary is written as JSON to REGWATCH_READ_OUT for the command to print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from crawler.assemble import assemble
from crawler.classify import load_rules
from crawler.items import DocumentItem
from crawler.reader import Reading


class ReadingPipeline:
    def __init__(self, crawler: Any) -> None:
        out = crawler.settings.get("REGWATCH_READ_OUT")
        if not out:
            raise NotConfigured("REGWATCH_READ_OUT is not set")
        self.crawler = crawler
        self.out = Path(out)
        rules_path = crawler.settings.get("REGWATCH_CLASSIFY_RULES")
        self.rules = load_rules(rules_path) if rules_path else None
        self.written = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReadingPipeline:
        return cls(crawler)

    def _write(self, data: dict[str, Any]) -> None:
        self.out.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        self.written = True

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, DocumentItem):
            return item
        spider = self.crawler.spider
        if item.outcome == "ok":
            doc, problems = assemble(item, spider.source, None, self.rules)
            self._write({"reading": Reading(spider.only_url, doc, problems).summary()})
        else:
            self._write({"error": f"{item.url}: HTTP {item.http_status} ({item.outcome})"})
        return ItemAdapter(item).item

    def close_spider(self) -> None:
        if not self.written:
            message = self.crawler.spider.health.message() or "the page could not be read"
            self._write({"error": message})
