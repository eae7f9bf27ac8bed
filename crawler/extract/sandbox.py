"""Run one parse in a worker process under a wall-clock limit and an address-space limit.

The caps of `limits.py` stop the bombs we know before they allocate; this stops the ones we do
not: a parser that loops or balloons is killed, and the page or file is recorded as `failed`
with the reason, while the crawl goes on. Workers fork from a host process that has already
imported the parsers (`parsehost.py`), so a parse costs a fork, not an interpreter start.
"""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, cast

from crawler.extract import limits
from crawler.extract.article import Article, extract_article
from crawler.extract.attachments import ParsedAttachment, parse_attachment, sniff_kind
from crawler.extract.parsehost import read_frame, write_frame

__all__ = ["Outcome", "extract_article_bounded", "parse_attachment_bounded", "run_bounded"]

_lock = threading.Lock()
_host: subprocess.Popen | None = None

# Article pages are our own code on lxml, bounded by the caps alone (size, depth, spans, text): the
# worst page within them reads in about 7 s and 200 MB. A fork per page would add 15-50 ms to each
# of the thousands of pages a full crawl reads, so pages are read in process unless asked.
ISOLATE_PAGES = False


class Outcome:
    """How a bounded call ended: `value` when `ok`, else `reason` says why not; `peak_kb` is
    the worker's peak resident memory."""

    __slots__ = ("ok", "peak_kb", "reason", "value")

    def __init__(self, ok: bool, value: Any = None, reason: str = "", peak_kb: int = 0) -> None:
        self.ok, self.value, self.reason, self.peak_kb = ok, value, reason, peak_kb


def _start_host() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
           "REGWATCH_PARENT_PID": str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "crawler.extract.parsehost"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env)


def stop_host() -> None:
    """Close the host (it kills any parse in flight); the next call starts a new one."""
    global _host
    host, _host = _host, None
    if host is not None and host.poll() is None:
        host.kill()
        host.wait()
    if host is not None:
        for stream in (host.stdin, host.stdout):
            if stream is not None:
                stream.close()


atexit.register(stop_host)


def run_bounded(func: Callable[..., Any], *args: Any, seconds: float = limits.PARSE_SECONDS,
                memory: int = limits.PARSE_MEMORY_BYTES) -> Outcome:
    """Call `func(*args)` in a forked child of the parse host; never raises for what happens
    inside it. `func` must be a module-level function; arguments and result picklable."""
    global _host
    with _lock:
        if _host is None or _host.poll() is not None:
            stop_host()
            _host = _start_host()
        host = _host
        assert host.stdin is not None and host.stdout is not None
        stdin, stdout = cast(BinaryIO, host.stdin), cast(BinaryIO, host.stdout)
        try:
            write_frame(stdin, (func.__module__, func.__qualname__, args, seconds, memory))
            # The host enforces the deadline; this guard only covers a host that itself hangs.
            ready, _, _ = select.select([stdout], [], [], seconds + 30)
            if not ready:
                raise EOFError
            status, value, peak_kb = read_frame(stdout)
        except (EOFError, OSError, ValueError):
            stop_host()
            return Outcome(False, reason="the parse host stopped answering; restarted")
    if status == "ok":
        return Outcome(True, value, peak_kb=peak_kb)
    if status == "timeout":
        reason = f"took longer than {seconds:g} s; stopped"
    elif status == "memory":
        reason = f"needed more than the {memory / 1e9:.1f} GB a parse may use; stopped"
    elif status == "died":
        reason = f"the parser process died ({value}; memory limit {memory / 1e9:.1f} GB)"
    else:
        reason = str(value)
    return Outcome(False, reason=reason, peak_kb=peak_kb)


def _parse_attachment(data: bytes, filename: str, media_type: str | None, max_bytes: int) -> ParsedAttachment:
    return parse_attachment(data, filename, media_type, max_bytes=max_bytes)


def _extract_article(body: bytes, url: str, selectors: dict[str, str], encoding: str | None) -> Article:
    return extract_article(body, url, selectors, encoding=encoding)


def parse_attachment_bounded(data: bytes, filename: str, media_type: str | None = None, *,
                             max_bytes: int = 50_000_000, isolate: bool = True) -> ParsedAttachment:
    """`parse_attachment` in a worker under the time and memory limits; never raises."""
    if not isolate:
        return parse_attachment(data, filename, media_type, max_bytes=max_bytes)
    outcome = run_bounded(_parse_attachment, data, filename, media_type, max_bytes)
    if outcome.ok:
        return outcome.value
    return ParsedAttachment(kind=sniff_label(data, filename, media_type), status="failed",
                            error=f"parse stopped: {outcome.reason}")


def sniff_label(data: bytes, filename: str, media_type: str | None) -> str:
    try:
        return sniff_kind(data) or "unknown"
    except Exception:
        return "unknown"


def extract_article_bounded(body: bytes, url: str, selectors: Mapping[str, str], *,
                            encoding: str | None = None, isolate: bool = ISOLATE_PAGES) -> Article:
    """`extract_article` in a worker; a page that cannot be read in time comes back `failed`.
    A selector that does not parse comes back as the reason too."""
    if not isolate:
        return extract_article(body, url, selectors, encoding=encoding)
    outcome = run_bounded(_extract_article, body, url, dict(selectors), encoding)
    if outcome.ok:
        return outcome.value
    found = {key: False for key in ("title", "time", "source", "body")}
    return Article(url=url, title="", text="", found=found, failed=f"page parse stopped: {outcome.reason}")
