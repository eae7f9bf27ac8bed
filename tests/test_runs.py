"""The run bookkeeping extension: a closed spider leaves its crawl_runs row and, when the source's
health changes, a source.health change. Driven through Scrapy's own crawler and signals, no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import crawler.settings
import crawler.spiders
from crawler.runs import RunBookkeeping
from storage.db import open_db

MiitSpider = crawler.spiders.MiitSpider  # made from sources.toml at import time


def _closed_run(db_path: Path, mark) -> list[dict]:
    scrapy_crawler = get_crawler(MiitSpider, {"REGWATCH_DB": str(db_path), "LOGSTATS_INTERVAL": 0,
                                              "MEMUSAGE_ENABLED": False})
    bookkeeping = RunBookkeeping.from_crawler(scrapy_crawler)  # signals hold handlers weakly: keep it
    spider = MiitSpider.from_crawler(scrapy_crawler)
    assert bookkeeping.db_path == str(db_path)
    scrapy_crawler.spider = spider
    scrapy_crawler.stats.open_spider()
    scrapy_crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    mark(spider.health)
    scrapy_crawler.stats.set_value("item_scraped_count", 4)
    scrapy_crawler.stats.set_value("downloader/response_status_count/200", 6)
    scrapy_crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    db = open_db(db_path)
    try:
        return list(db.query("select * from crawl_runs order by id"))
    finally:
        db.close()


def test_a_closed_spider_leaves_its_run_and_a_health_change_on_a_new_state(tmp_path):
    db_path = tmp_path / "regwatch.db"
    [run] = _closed_run(db_path, lambda health: health.listing_ok(3))
    assert (run["source_id"], run["status"], run["pages"], run["items"]) == ("miit", "ok", 1, 4)
    assert run["http_codes"] == '{"200": 6}' and run["started_at"] <= run["finished_at"]
    runs = _closed_run(db_path, lambda health: health.blocked("https://www.miit.gov.cn/", 412, "ruishu"))
    assert [r["status"] for r in runs] == ["ok", "blocked"]
    db = open_db(db_path)
    try:
        [change] = db.query("select kind, details from changes")
    finally:
        db.close()
    assert change["kind"] == "source.health" and "blocked" in change["details"]


def test_without_a_database_the_extension_switches_itself_off():
    with pytest.raises(NotConfigured):
        RunBookkeeping.from_crawler(get_crawler(MiitSpider, {"REGWATCH_DB": ""}))


def test_the_project_settings_enable_it():
    settings = Settings()
    settings.setmodule(crawler.settings)
    assert "crawler.runs.RunBookkeeping" in settings.getdict("EXTENSIONS")
