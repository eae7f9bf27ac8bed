"""Run one crawl pass of some sources in THIS process (the Twisted reactor starts once).

`regwatch crawl` and the scheduler start this module as a child process per pass, which is
what Scrapyd does too: a reactor cannot be restarted, and a crash stays in its process.

Before Scrapy is imported, each source whose last crawl was quiet is probed with its replay plan
(crawler/replay.py); the sources whose answers all match are done, the others go to Scrapy.

    python -m crawler.run SETTINGS_JSON SOURCE [SOURCE ...]
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any, cast

from storage.vocab import GOOD_RUNS

if TYPE_CHECKING:
    from crawler.spiders.hanweb import HanwebSpider


def crawl_here(sources: list[str], overrides: dict[str, Any]) -> dict[str, str]:
    """Crawl the sources with the given Scrapy settings overrides; return each run's status."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    if not settings.get("BOT_NAME") or settings.get("BOT_NAME") == "scrapybot":
        settings.setmodule("crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)  # LOG_INSTALL_ROOT_HANDLER is on by default
    crawlers = []
    from crawler.sources import load_sources
    from crawler.spiders import spider_class

    known = load_sources(settings.getdict("REGWATCH_SOURCE_OVERRIDES"))
    for source_id in sources:
        # A class per source, so a source defined only in regwatch.toml can be crawled too.
        crawler = process.create_crawler(spider_class(known[source_id]) if source_id in known else source_id)
        crawlers.append(crawler)
        process.crawl(crawler)
    process.start()
    # Every crawler here runs one of regwatch's own spiders: scrapy types it as the base Spider.
    return {c.spider.name: cast("HanwebSpider", c.spider).health.status() for c in crawlers if c.spider is not None}


def replay_first(sources: list[str], overrides: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The statuses of the sources a replay answered, and the settings for Scrapy's crawl of the
    rest (with the plan keys its quiet runs record under, and why each probe fell through)."""
    from crawler.replay import replay_sources

    try:
        outcomes, keys = replay_sources(sources, overrides)
    except Exception:  # the probe is an optimisation: whatever breaks it, Scrapy crawls
        import traceback

        traceback.print_exc(file=sys.stderr)
        return {}, overrides
    statuses = {sid: "ok" for sid, outcome in outcomes.items() if outcome.replayed}
    fell = {sid: outcome.reason for sid, outcome in outcomes.items() if not outcome.replayed}
    return statuses, {**overrides, "REGWATCH_REPLAY_KEYS": keys, "REGWATCH_REPLAY_FELL_THROUGH": fell}


def main(argv: list[str]) -> int:
    from crawler.procs import die_with_parent

    die_with_parent(int(os.environ.get("REGWATCH_PARENT_PID", "0")) or None)
    if len(argv) < 2:
        print("usage: python -m crawler.run SETTINGS_JSON SOURCE [SOURCE ...]", file=sys.stderr)
        return 2
    overrides = json.loads(argv[0])
    statuses, overrides = replay_first(argv[1:], overrides)
    rest = [s for s in argv[1:] if s not in statuses]
    if rest:
        statuses.update(crawl_here(rest, overrides))
    print(json.dumps({"statuses": statuses}), flush=True)
    return 0 if all(s in GOOD_RUNS for s in statuses.values()) and statuses else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
