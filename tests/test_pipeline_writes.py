"""The storage pipeline's queued writes (crawler/pipelines.py): applied in order in one short
transaction, and a write that fails is a health error of the run that leaves nothing behind and
does not keep the writes after it from being stored. Driven through Scrapy's own crawler object."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.utils.test import get_crawler

import crawler.spiders
from crawler.pipelines import StoragePipeline
from storage.db import open_db
from tests.test_ingest import doc

MiitSpider = crawler.spiders.MiitSpider


def opened(tmp_path: Path) -> tuple[StoragePipeline, Any, Any]:
    """The pipeline of an opened MIIT spider, on a database and blob store in tmp_path."""
    scrapy_crawler = get_crawler(MiitSpider, {"REGWATCH_DB": str(tmp_path / "r.db"),
                                              "REGWATCH_BLOBS": str(tmp_path / "blobs"),
                                              "LOGSTATS_INTERVAL": 0, "MEMUSAGE_ENABLED": False})
    spider = MiitSpider.from_crawler(scrapy_crawler)
    scrapy_crawler.spider = spider
    scrapy_crawler.stats.open_spider()
    pipeline = StoragePipeline.from_crawler(scrapy_crawler)
    pipeline.open_spider()
    return pipeline, spider, scrapy_crawler


def test_a_write_that_fails_is_a_health_error_and_the_rest_of_the_batch_is_stored(tmp_path):
    pipeline, spider, scrapy_crawler = opened(tmp_path)
    before = doc(doc_key="art_" + "a" * 32, category="related")
    broken = doc(doc_key="art_" + "b" * 32, classification={"evidence": object()})  # cannot be stored as JSON
    after = doc(doc_key="art_" + "c" * 32, category="related", title="另一份通知")
    pipeline.queued = [("ingest", before, []), ("ingest", broken, []), ("answering", before.doc_key, 200),
                       ("ingest", after, [])]
    pipeline._flush()
    pipeline.close_spider()

    db = open_db(tmp_path / "r.db")
    try:
        stored = sorted(r[0] for r in db.execute("select doc_key from documents"))
        versions = db.execute("select count(*) from versions").fetchone()[0]
    finally:
        db.close()
    assert stored == [before.doc_key, after.doc_key] and versions == 2
    assert [message.split(":")[0] for _, message in spider.health.errors] == [f"could not store {broken.doc_key}"]
    assert scrapy_crawler.stats.get_value("regwatch/store_errors") == 1


def test_a_white_list_document_that_fails_at_the_end_of_the_run_does_not_stop_the_others(tmp_path):
    """White-list and criteria documents are folded in when the spider closes, in publication
    order; one that fails there is reported, and the others and the run's bookkeeping go on."""
    pipeline, spider, _ = opened(tmp_path)
    broken = doc(doc_key="art_" + "b" * 32, published_at="2026-04-01T10:00+08:00",
                 classification={"evidence": object()})
    later = doc(doc_key="art_" + "c" * 32, published_at="2026-04-28T10:00+08:00")
    pipeline.deferred = [(later, []), (broken, [])]
    pipeline.close_spider()

    db = open_db(tmp_path / "r.db")
    try:
        stored = [r[0] for r in db.execute("select doc_key from documents")]
    finally:
        db.close()
    assert stored == [later.doc_key]
    assert [message.split(":")[0] for _, message in spider.health.errors] == [f"could not store {broken.doc_key}"]
