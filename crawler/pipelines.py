"""The storage pipeline: every fetched document goes into SQLite in its own transaction.

The run itself (its crawl_runs row and any health alert) is recorded by crawler.runs.RunBookkeeping,
an extension on `spider_closed`."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from sqlite_utils import Database

from crawler.assemble import assemble
from crawler.classify import load_rules
from crawler.items import DocumentItem
from crawler.page_source import watched_page_floor
from options import default
from storage.blobs import BlobStore
from storage.db import open_db
from storage.health import is_first_run
from storage.ingest import IngestSettings, ingest, iter_routes
from storage.vocab import Category
from storage.withdrawals import mark_answering, record_missing_run

# Folded in in publication order, so a 公示 and its 公告 found together compare as if found apart.
ORDERED = (Category.WHITELIST, Category.CRITERIA)


class StoragePipeline:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        db_path = settings.get("REGWATCH_DB")
        if not db_path:
            raise NotConfigured("REGWATCH_DB is not set")
        self.crawler = crawler
        self.db_path = db_path
        self.blobs = BlobStore(settings.get("REGWATCH_BLOBS") or default("blobs"))
        self.ingest_settings = IngestSettings(
            routes=iter_routes(settings.getlist("REGWATCH_ROUTES")),
            suspect_share=settings.getfloat("REGWATCH_SUSPECT_REMOVAL_SHARE", default("suspect_removal_share")),
            flapping_window=settings.getint("REGWATCH_FLAPPING_WINDOW", default("flapping_window")),
            withdraw_after=settings.getint("REGWATCH_WITHDRAW_AFTER_RUNS", default("withdraw_after_runs")),
            severities=settings.getdict("REGWATCH_SEVERITIES"),
        )
        rules_path = settings.get("REGWATCH_CLASSIFY_RULES")
        self.rules = load_rules(rules_path) if rules_path else None
        self.db: Database | None = None
        self.deferred: list[tuple[Any, list[str]]] = []
        self.missing: dict[str, int] = {}  # doc_key → 404/410, judged together at the end of the run

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)
        spider = self.crawler.spider
        self.ingest_settings.baseline = is_first_run(self.db, spider.name)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, DocumentItem):
            return item
        spider = self.crawler.spider
        stats = self.crawler.stats
        assert self.db is not None
        if item.outcome == "not_modified":
            self._answering(item.doc_key, 304)
            stats.inc_value("regwatch/documents_not_modified")
        elif item.outcome == "missing":
            self.missing[item.doc_key] = item.http_status or 404
            stats.inc_value("regwatch/documents_missing")
        elif item.outcome == "ok":
            self._answering(item.doc_key, item.http_status or 200)
            doc, problems = assemble(item, spider.source, self.blobs, rules=self.rules)
            if item.whole_page:
                watched_page_floor(doc)
            if doc.category in ORDERED:
                self.deferred.append((doc, problems))
            else:
                self._ingest(doc, problems)
        return ItemAdapter(item).item

    def _answering(self, doc_key: str, status: int) -> None:
        assert self.db is not None
        change = mark_answering(self.db, doc_key, status, baseline=self.ingest_settings.baseline,
                                routes=self.ingest_settings.routes)
        if change is not None:
            self.crawler.stats.inc_value("regwatch/documents_restored")
            self.crawler.stats.inc_value("regwatch/changes")

    def _judge_missing(self) -> str | None:
        """This run's 404/410s, judged together: a withdrawal needs a healthy site."""
        spider = self.crawler.spider
        if not self.missing or not spider.health.listings_healthy() or self.db is None:
            return None
        settings = self.ingest_settings
        outcome = record_missing_run(self.db, spider.name, self.missing, answered=spider.health.articles,
                                     withdraw_after=settings.withdraw_after, suspect_share=settings.suspect_share,
                                     baseline=settings.baseline, routes=settings.routes)
        self.crawler.stats.inc_value("regwatch/changes", len(outcome.change_ids))
        return outcome.problem

    def _ingest(self, doc: Any, problems: list[str]) -> None:
        spider = self.crawler.spider
        stats = self.crawler.stats
        assert self.db is not None
        result = ingest(self.db, doc, self.ingest_settings)
        for problem in problems + result.problems:
            spider.health.note(f"{doc.title[:40]}: {problem}")
        stats.inc_value("regwatch/documents_stored")
        if result.new_version:
            stats.inc_value("regwatch/versions_added")
        stats.inc_value("regwatch/changes", len(result.change_ids))

    def close_spider(self) -> None:
        if self.db is None:
            return
        # White-list and criteria documents are folded in in publication order, so a proposal
        # and its final list (or a draft and the text it revises) found in one crawl compare
        # the same way as when they were found a week apart.
        for doc, problems in sorted(self.deferred, key=lambda pair: pair[0].published_at or ""):
            self._ingest(doc, problems)
        self.deferred.clear()
        missing_problem = self._judge_missing()
        if missing_problem:  # a health problem for the run record (crawler/runs.py)
            self.crawler.spider.health.note(missing_problem)
        self.db.close()
