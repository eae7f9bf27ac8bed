"""Run bookkeeping as a Scrapy extension: when a spider closes, its crawl_runs row is written and,
if the source's health changed, a source.health change with its outbox rows.

It listens for `spider_closed`, which the engine sends after the item pipelines have closed, so
every document of the run (including those the storage pipeline folds in at the end) is stored
before the run is recorded. Pipelines store items; this records the run.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.replay_record import PlanRecorder
from options import default
from storage.batch import Writer
from storage.changes import iso, utcnow
from storage.health import finish_run
from storage.routing import iter_routes


class RunBookkeeping:
    """Enabled whenever REGWATCH_DB is set; records runs of spiders that keep a `health` tally."""

    def __init__(self, crawler: Any, db_path: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.routes = iter_routes(crawler.settings.getlist("REGWATCH_ROUTES"))
        self.severities = crawler.settings.getdict("REGWATCH_SEVERITIES")
        self.started_at = ""
        self.recorder: PlanRecorder | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunBookkeeping:
        db_path = crawler.settings.get("REGWATCH_DB")
        if not db_path:
            raise NotConfigured("REGWATCH_DB is not set")
        ext = cls(crawler, db_path)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.started_at = iso(utcnow())
        if getattr(spider, "health", None) is not None:
            self.recorder = PlanRecorder(self.crawler.settings, spider.name)
            writer = Writer.acquire(self.db_path, self.crawler.settings.get("REGWATCH_BLOBS") or default("blobs"))
            try:
                self.recorder.start(writer.db)
            finally:
                writer.release()

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        if self.recorder is not None:
            self.recorder.response_received(response, request)

    def spider_closed(self, spider: Any, reason: str) -> None:
        health = getattr(spider, "health", None)
        if health is None:
            return
        stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                 for k, v in (self.crawler.stats.get_stats() or {}).items()}
        stats["regwatch/problems"] = (health.notes + [e[1] for e in health.errors])[:100]
        if self.recorder is not None:
            self.recorder.note(stats)
        codes = {k.rsplit("/", 1)[-1]: v for k, v in stats.items()
                 if k.startswith("downloader/response_status_count/")}
        # The same connection as the storage pipeline's, when another spider of this process still
        # holds it: a second connection in this thread would wait on that one's write lock forever.
        writer = Writer.acquire(self.db_path, self.crawler.settings.get("REGWATCH_BLOBS") or default("blobs"))
        try:
            change_id = finish_run(
                writer.db,
                source_id=spider.name,
                source=spider.source,
                started_at=self.started_at,
                status=health.status(),
                message=health.message(),
                pages=health.listing_pages,
                items=int(stats.get("item_scraped_count", 0)),
                requests=int(stats.get("downloader/request_count", 0)),
                http_codes=json.dumps(codes),
                errors=len(health.errors),
                stats=json.dumps(stats, default=str),
                problems=health.notes,
                parts=health.part_states() if hasattr(health, "part_states") else None,
                routes=self.routes,
                severities=self.severities,
            )
            if self.recorder is not None:
                plan = self.recorder.finish(spider, reason, stats, change_id, writer.db)
                logging.getLogger(__name__).info("%s: %s", spider.name, plan)
        finally:
            writer.release()
