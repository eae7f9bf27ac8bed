"""The storage pipeline: fetched documents go into SQLite in batches (storage.batch: one
transaction per batch, one savepoint per document, the batch's blobs made durable before it
commits), and each listing's backfill progress is saved when the spider closes.

Reading a page (extraction, classification, hashing, the evidence written out unsynced) happens
as each item arrives, outside any transaction; what it means for the database waits in a queue
of writes, applied in order in one short transaction per batch. The write lock is held only
while the queue is applied, so the crawls of several sources, each in its own process, take
turns at the database instead of waiting out each other's whole batch. A SIGKILL loses at most
the queued writes: those documents are not known yet, so the next crawl fetches them again.

The run itself (its crawl_runs row and any health alert) is recorded by crawler.runs.RunBookkeeping,
an extension on `spider_closed`, through the same per-process writer."""

from __future__ import annotations

import logging
import time
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from sqlite_utils import Database

from crawler.assemble import assemble
from crawler.classify import load_rules
from crawler.health import CrawlHealth, attachment_part
from crawler.items import DocumentItem
from crawler.page_source import watched_page_floor
from options import default
from storage.batch import Batch, Writer
from storage.blobs import BlobStore
from storage.health import is_first_run
from storage.ingest import IngestSettings, ingest
from storage.progress import save_progress
from storage.routing import iter_routes
from storage.vocab import Category, Health
from storage.withdrawals import mark_answering, record_missing_run

logger = logging.getLogger(__name__)

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
        self.blobs_root = settings.get("REGWATCH_BLOBS") or default("blobs")
        self.batch_docs = settings.getint("REGWATCH_BATCH_DOCUMENTS", 100)
        self.batch_seconds = settings.getfloat("REGWATCH_BATCH_SECONDS", 2.0)
        self.ingest_settings = IngestSettings(
            routes=iter_routes(settings.getlist("REGWATCH_ROUTES")),
            suspect_share=settings.getfloat("REGWATCH_SUSPECT_REMOVAL_SHARE", default("suspect_removal_share")),
            flapping_window=settings.getint("REGWATCH_FLAPPING_WINDOW", default("flapping_window")),
            withdraw_after=settings.getint("REGWATCH_WITHDRAW_AFTER_RUNS", default("withdraw_after_runs")),
            severities=settings.getdict("REGWATCH_SEVERITIES"),
        )
        rules_path = settings.get("REGWATCH_CLASSIFY_RULES")
        self.rules = load_rules(rules_path) if rules_path else None
        self.writer: Writer | None = None
        self.db: Database | None = None
        self.blobs: BlobStore | None = None
        self.batch: Batch | None = None
        self._commit_call: Any = None
        self.deferred: list[tuple[Any, list[str]]] = []
        self.queued: list[tuple[str, Any, Any]] = []  # ("answering", doc_key, status) | ("ingest", doc, problems)
        self.queued_since = 0.0
        self.missing: dict[str, int] = {}  # doc_key → 404/410, judged together at the end of the run

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.writer = Writer.acquire(self.db_path, self.blobs_root, self.batch_docs, self.batch_seconds)
        self.db, self.blobs, self.batch = self.writer.db, self.writer.blobs, self.writer.batch
        spider = self.crawler.spider
        self.ingest_settings.baseline = is_first_run(self.db, spider.name)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, DocumentItem):
            return item
        spider = self.crawler.spider
        stats = self.crawler.stats
        assert self.db is not None and self.batch is not None
        if item.outcome == "not_modified":
            self._queue("answering", item.doc_key, 304)
            stats.inc_value("regwatch/documents_not_modified")
        elif item.outcome == "missing":
            self.missing[item.doc_key] = item.http_status or 404
            stats.inc_value("regwatch/documents_missing")
        elif item.outcome == "ok":
            self._queue("answering", item.doc_key, item.http_status or 200)
            doc, problems = assemble(item, spider.source, self.blobs, rules=self.rules)
            _book_attachments(spider.health, doc)
            if item.whole_page:
                watched_page_floor(doc)
            if doc.category in ORDERED:
                self.deferred.append((doc, problems))
            else:
                self._queue("ingest", doc, problems)
        if len(self.queued) >= self.batch_docs or time.monotonic() - self.queued_since >= self.batch_seconds:
            self._flush()
        return ItemAdapter(item).item

    def _queue(self, what: str, subject: Any, detail: Any) -> None:
        """A write for the next flush; the flush is due within batch_seconds even when no further
        item comes (a slow site, a long delay)."""
        if not self.queued:
            self.queued_since = time.monotonic()
        self.queued.append((what, subject, detail))
        if self._commit_call is None or not self._commit_call.active():
            from twisted.internet import reactor

            self._commit_call = reactor.callLater(self.batch_seconds, self._flush)

    def _flush(self) -> None:
        """Apply the queued writes in order, in one transaction (a savepoint each), then commit."""
        if self.batch is None or self.db is None or not self.queued:
            return
        queued, self.queued = self.queued, []
        self.batch.open()
        for what, subject, detail in queued:
            self._apply(what, subject, detail)
        self.batch.commit()

    def _apply(self, what: str, subject: Any, detail: Any) -> None:
        """One write. One that fails leaves nothing behind (its savepoint is rolled back), is a
        health error of the run, and does not keep the writes after it from being applied."""
        try:
            if what == "answering":
                self._answering(subject, detail)
            else:
                self._ingest(subject, detail)
        except Exception as exc:
            key = subject if what == "answering" else subject.doc_key
            url = "" if what == "answering" else subject.url
            logger.exception("could not store %s", key)
            self.crawler.stats.inc_value("regwatch/store_errors")
            self.crawler.spider.health.error(url or key, f"could not store {key}: {type(exc).__name__}: {exc}")

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
        if self.db is None or self.batch is None or self.writer is None:
            return
        if self._commit_call is not None and self._commit_call.active():
            self._commit_call.cancel()
        self._flush()
        # White-list and criteria documents are folded in in publication order, so a proposal
        # and its final list (or a draft and the text it revises) found in one crawl compare
        # the same way as when they were found a week apart.
        for doc, problems in sorted(self.deferred, key=lambda pair: pair[0].published_at or ""):
            self.batch.open()
            self._apply("ingest", doc, problems)
            self.batch.done_one()
        self.deferred.clear()
        missing_problem = self._judge_missing()
        if missing_problem:  # a health problem for the run record (crawler/runs.py)
            self.crawler.spider.health.note(missing_problem)
        spider = self.crawler.spider
        backfill = getattr(spider, "backfill", None)
        if backfill is not None:
            save_progress(self.db, spider.name, backfill.state)
        self.writer.release()
        self.db = None


def _book_attachments(health: CrawlHealth, doc: Any) -> None:
    """Each fetched attachment counts for its kind's part: read, or not parseable."""
    for attachment in doc.attachments:
        if attachment.parse_status == "not_fetched":
            continue  # the download failure is already booked by the spider
        kind = attachment.kind or (attachment.url or "").rsplit(".", 1)[-1].lower() or "other"
        if attachment.parse_status == "failed":
            health.part_failed(attachment_part(kind), Health.DEGRADED,
                               f"{attachment.name} could not be parsed: {attachment.parse_error}")
        else:
            health.part_ok(attachment_part(kind), 1)
