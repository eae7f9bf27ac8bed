"""The floor a crawl is measured against: a plain fetch of exactly the URLs the crawl requested.

One worker per host (the crawl's CONCURRENT_REQUESTS_PER_DOMAIN = 1), a fresh connection for each
request (as the issue asks: no keep-alive advantage), the body read in full, and optionally the
same delay between two requests to one host that the crawl was configured with.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class FetchResult:
    seconds: float
    cpu_seconds: float
    requests: int
    errors: int
    gaps: list[float]


def crawl_urls(log: list[dict[str, object]], bases: dict[str, str]) -> list[str]:
    """The absolute URLs of a replica request log (admin calls are never logged)."""
    return [bases[str(e["site"])] + str(e["path"]) for e in log if e.get("method") == "GET"]


def _fetch_host(urls: list[str], delay: float, errors: list[int], starts: list[float]) -> None:
    for i, url in enumerate(urls):
        if i and delay:
            time.sleep(delay)
        parts = urlsplit(url)
        starts.append(time.monotonic())
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", path, headers={"User-Agent": "Mozilla/5.0 (compatible; floor)",
                                               "Connection": "close"})
            resp = conn.getresponse()
            resp.read()
            if resp.status >= 400:
                errors.append(resp.status)
        except OSError:
            errors.append(0)
        finally:
            conn.close()


def plain_fetch(urls: list[str], delay: float = 0.0) -> FetchResult:
    """Fetch the URLs, one worker per host, each request on a fresh connection."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc].append(url)
    errors: list[int] = []
    starts: dict[str, list[float]] = {host: [] for host in by_host}
    threads = [threading.Thread(target=_fetch_host, args=(host_urls, delay, errors, starts[host]))
               for host, host_urls in by_host.items()]
    cpu, wall = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gaps = [b - a for series in starts.values() for a, b in itertools.pairwise(series)]
    return FetchResult(time.perf_counter() - wall, time.process_time() - cpu, len(urls), len(errors), gaps)


def request_gaps(log: list[dict[str, object]]) -> list[float]:
    """Seconds between consecutive requests to one host, from the replica's own log."""
    by_site: dict[str, list[float]] = defaultdict(list)
    for e in log:
        by_site[str(e["site"])].append(float(e["time"]))  # type: ignore[arg-type]
    return [b - a for times in by_site.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
