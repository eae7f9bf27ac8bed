"""Anti-bot answers are recognised, and nothing leaves the source's own host."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers

from crawler.challenge import detect_challenge
from crawler.middlewares import SourceGuardMiddleware
from crawler.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (521, {}, b"<script>document.cookie='__jsl_clearance_s=1'</script>", "JSL"),
        (412, {}, b"<script>$_ts=window['$_ts']</script>", "Ruishu"),
        (307, {"Set-Cookie": "wzws_cid=abc; path=/"}, b"", "WZWS"),
        (403, {}, b"Forbidden", "403"),
        (200, {}, b"<html><body>\xe6\xad\xa3\xe6\x96\x87</body></html>", None),
        (404, {}, b"not found", None),
    ],
    ids=["jsl-521", "ruishu-412", "wzws-307", "plain-403", "normal-page", "404-is-not-a-challenge"],
)
def test_challenges_are_recognised(status, headers, body, expected):
    reason = detect_challenge(status, Headers(headers), body)
    assert (reason is None) == (expected is None)
    if expected:
        assert expected in reason


class _Spider:
    def __init__(self, source):
        self.source = source
        import logging

        self.logger = logging.getLogger("test")


class _Stats:
    def __init__(self):
        self.values = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


class _Crawler:
    def __init__(self, spider):
        self.spider = spider
        self.stats = _Stats()


def test_links_to_the_real_hosts_are_rewritten_and_anything_else_refused():
    source = load_sources({"miit": {"base_url": "http://127.0.0.1:9"}})["miit"]
    for link in ("https://www.miit.gov.cn/a/art_x.html", "http://wap.miit.gov.cn/a/art_x.html"):
        assert source.to_local(link) == "http://127.0.0.1:9/a/art_x.html"
    assert source.public_url("http://127.0.0.1:9/a/art_x.html") == "https://www.miit.gov.cn/a/art_x.html"
    crawler = _Crawler(_Spider(source))
    guard = SourceGuardMiddleware(crawler)
    assert guard.process_request(Request("http://127.0.0.1:9/a.html")) is None
    for offsite in ("https://www.miit.gov.cn/a.html", "https://www.samr.gov.cn/b.html", "http://evil.example/"):
        with pytest.raises(IgnoreRequest):
            guard.process_request(Request(offsite))
    assert crawler.stats.values["regwatch/refused_offsite"] == 3


def test_scrapy_list_shows_one_spider_per_source():
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["miit", "samr"]
