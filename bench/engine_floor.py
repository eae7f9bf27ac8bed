"""The Scrapy engine's own floor: a spider that fetches exactly the URLs a crawl requested and
does nothing with them, one process per host (as the crawl runs one process per source), at the
crawl's per-host concurrency with the delay off, and with the engine settings that regwatch tunes
for speed (crawler/settings.py) set the same way, so the two compare like for like.

No regwatch crawl can be faster than this, because every regwatch crawl goes through Scrapy's
engine. It shows how much of a crawl's time is the engine and how much is reading and storing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

NULL_SPIDER = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

urls = json.loads(open(sys.argv[1], encoding="utf-8").read())


class Null(scrapy.Spider):
    name = "null"

    async def start(self):
        for url in urls:
            yield scrapy.Request(url, dont_filter=True, callback=self.parse)

    def parse(self, response):
        pass


process = CrawlerProcess({"CONCURRENT_REQUESTS": 4, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0,
                          "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
                          "WARN_ON_GENERATOR_RETURN_VALUE": False, "CONCURRENT_ITEMS": 1,
                          "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
process.crawl(Null)
process.start()
"""


@dataclass
class EngineRun:
    seconds: float
    cpu_seconds: float


def null_crawl(urls: list[str]) -> EngineRun:
    """Fetch the URLs with a do-nothing Scrapy spider, one child process per host, side by side."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc].append(url)
    folder = Path(tempfile.mkdtemp(prefix="regwatch-bench-engine-"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = []
    for n, host_urls in enumerate(by_host.values()):
        path = folder / f"urls{n}.json"
        path.write_text(json.dumps(host_urls), encoding="utf-8")
        procs.append(subprocess.Popen([sys.executable, "-c", NULL_SPIDER, str(path)]))
    for proc in procs:
        proc.wait()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return EngineRun(seconds, cpu)
