"""Quiet-run replay: a lean pre-check of a source before Scrapy starts.

When a source's last Scrapy run was quiet, its requests and the answers they got are stored as a
replay plan (storage/replay.py, recorded by crawler/replay_record.py). The next run first re-issues
exactly those requests with the standard library only: one keep-alive connection per host, one
request at a time, the same headers (validators, Referer, User-Agent), the same delay between two
requests to one host, timeout and size cap, robots.txt first when robots are obeyed. If every
answer is the recorded one (status, sha256 of the body, ETag, Last-Modified, Location,
Content-Type), the spider, given the same stored state and configuration, would make the same
requests and decide the same things: nothing new. The run is then recorded as a good run through
the same `finish_run` as a Scrapy run. At the first answer that differs, or anything unexpected,
the probe stops and the source is crawled by Scrapy, which decides everything (changes, health);
the probe itself never writes a change or a health state.

This module must stay light: it runs before Scrapy, Twisted, lxml or jieba are imported.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import sys
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from options import default

# Settings that change neither what a crawl requests nor how it reads the answers: a plan recorded
# under one value stays good under another. Every other setting is part of the plan's key.
NEUTRAL_SETTINGS = frozenset({
    "DOWNLOAD_DELAY", "DOWNLOAD_DELAY_JITTER", "AUTOTHROTTLE_ENABLED", "DOWNLOAD_TIMEOUT", "LOG_LEVEL",
    "RETRY_TIMES", "RETRY_ENABLED", "REGWATCH_ROUTES", "REGWATCH_SEVERITIES", "REGWATCH_SOURCE_OVERRIDES",
    "REGWATCH_REPLAY", "REGWATCH_REPLAY_KEYS", "REGWATCH_REPLAY_FELL_THROUGH",
})
# The request headers a replay never repeats: the connection's own, and cookies (a session's, not
# the request's; a site that needs them answers differently and the probe falls through).
UNREPEATED_HEADERS = frozenset({"host", "cookie", "accept-encoding", "content-length", "connection"})
ACCEPT_ENCODING = "gzip, deflate"
DEFAULT_JITTER = 0.5  # crawler/settings.py's DOWNLOAD_DELAY_JITTER (that module imports Scrapy)
PLAN_FORMAT = 1  # bumped when a plan's shape or its meaning changes
_CODE_DIRS = ("crawler", "storage")  # the code that decides a crawl's requests (hashed into the key)


class Mismatch(Exception):
    """An answer that is not the recorded one, or a request that could not be made: Scrapy decides."""


@dataclass
class Answer:
    status: int
    sha256: str
    etag: str | None
    last_modified: str | None
    location: str | None
    content_type: str | None

    def differs_from(self, recorded: Mapping[str, Any]) -> str | None:
        """Why this answer is not the recorded one, or None when it is."""
        if self.status != recorded["status"]:
            return f"HTTP {self.status} where {recorded['status']} was recorded"
        if self.sha256 != recorded["sha256"]:
            return "the body changed"
        for name in ("etag", "last_modified", "location", "content_type"):
            if getattr(self, name) != recorded.get(name):
                return f"its {name} changed"
        return None


@dataclass
class Outcome:
    source_id: str
    replayed: bool
    reason: str
    requests: int = 0
    codes: dict[str, int] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else repr(value)


def _code_hash() -> str:
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for folder in _CODE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def config_key(source: Any, settings: Mapping[str, Any], code: str | None = None) -> str:
    """What a plan was recorded under: the source as resolved, every setting that can change a
    crawl's requests or its reading, and the code that makes them. Another key voids the plan."""
    data = {"format": PLAN_FORMAT, "code": code or _code_hash(), "source": _plain(source),
            "settings": {k: _plain(v) for k, v in sorted(settings.items()) if k not in NEUTRAL_SETTINGS}}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Fetcher:
    """The probe's HTTP client: one keep-alive connection per host, one request at a time, and
    DOWNLOAD_DELAY (± DOWNLOAD_DELAY_JITTER, drawn once per request as crawler.politeness draws it)
    between two requests to one host."""

    def __init__(self, *, user_agent: str, delay: float, jitter: float, timeout: float, maxsize: int) -> None:
        self.user_agent = user_agent
        self.delay = delay
        self.jitter = jitter
        self.timeout = timeout
        self.maxsize = maxsize
        self.connections: dict[tuple[str, str], http.client.HTTPConnection] = {}
        self.last_sent: dict[str, float] = {}
        self.sent = 0

    def _wait_turn(self, host: str) -> None:
        last = self.last_sent.get(host)
        if last is not None and self.delay > 0:
            gap = self.delay * (max(0.0, 1 + random.uniform(-self.jitter, self.jitter)) if self.jitter else 1.0)
            pause = last + gap - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self.last_sent[host] = time.monotonic()

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        conn = self.connections.get((scheme, netloc))
        if conn is None:
            if scheme == "https":
                import ssl

                # As Scrapy's default context factory: the certificate is not verified.
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                conn = http.client.HTTPSConnection(netloc, timeout=self.timeout, context=context)
            elif scheme == "http":
                conn = http.client.HTTPConnection(netloc, timeout=self.timeout)
            else:
                raise Mismatch(f"cannot replay a {scheme}: address")
            self.connections[(scheme, netloc)] = conn
        return conn

    def fetch(self, method: str, url: str, headers: Mapping[str, str]) -> Answer:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sending = {k: v for k, v in headers.items() if k.lower() not in UNREPEATED_HEADERS}
        sending["User-Agent"] = self.user_agent
        sending["Accept-Encoding"] = ACCEPT_ENCODING
        self._wait_turn(parts.netloc)
        conn = self._connection(parts.scheme, parts.netloc)
        self.sent += 1
        try:
            conn.request(method, target, headers=sending)
            response = conn.getresponse()
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > self.maxsize:
                raise Mismatch(f"{url}: {length} bytes, over DOWNLOAD_MAXSIZE")
            body = response.read(self.maxsize + 1)  # short only at the end of the body
            if len(body) > self.maxsize:
                raise Mismatch(f"{url}: over DOWNLOAD_MAXSIZE")
        except (OSError, http.client.HTTPException) as exc:
            conn.close()  # a connection left mid-answer cannot carry the next request
            raise Mismatch(f"{url}: {type(exc).__name__}: {exc}") from exc
        except Mismatch:
            conn.close()
            raise
        body = _decoded(body, (response.getheader("Content-Encoding") or "").strip().lower(), url)
        return Answer(status=response.status, sha256=hashlib.sha256(body).hexdigest(),
                      etag=response.getheader("ETag"), last_modified=response.getheader("Last-Modified"),
                      location=response.getheader("Location"), content_type=response.getheader("Content-Type"))

    def settle(self) -> None:
        """Wait until the last request to each host is DOWNLOAD_DELAY old, so that the first
        request of a Scrapy crawl after the probe keeps the delay too."""
        if self.delay > 0 and self.last_sent:
            pause = max(self.last_sent.values()) + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def close(self) -> None:
        for conn in self.connections.values():
            conn.close()
        self.connections.clear()


def _decoded(body: bytes, encoding: str, url: str) -> bytes:
    """The body as Scrapy's HttpCompressionMiddleware hands it to the spider."""
    if encoding in ("", "identity"):
        return body
    try:
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except zlib.error as exc:
        raise Mismatch(f"{url}: undecodable {encoding} body") from exc
    raise Mismatch(f"{url}: a {encoding}-encoded body")


def probe(fetcher: Fetcher, requests: Sequence[Mapping[str, Any]], *, obey_robots: bool) -> tuple[int, str | None]:
    """Re-issue a plan's requests, robots.txt first; stop at the first answer that differs.
    Returns (requests made, why it stopped) — None when every answer was the recorded one."""
    robots = [r for r in requests if r.get("robots")]
    ordered = robots + [r for r in requests if not r.get("robots")]
    if obey_robots:
        hosts = {urlsplit(r["url"]).netloc for r in requests}
        if hosts - {urlsplit(r["url"]).netloc for r in robots}:
            return 0, "robots.txt is obeyed but the plan holds no robots.txt answer for every host"
    made = 0
    for recorded in ordered:
        made += 1
        try:
            answer = fetcher.fetch(recorded.get("method", "GET"), recorded["url"], recorded.get("headers") or {})
        except Mismatch as exc:
            return made, str(exc)
        why = answer.differs_from(recorded)
        if why:
            return made, f"{recorded['url']}: {why}"
    return made, None


def replay_sources(source_ids: list[str], settings: dict[str, Any]) -> tuple[dict[str, Outcome], dict[str, str]]:
    """Probe each source that has a plan; returns the replayed sources' outcomes and, for those
    Scrapy must crawl, the plan key the crawl should record its plan under (empty when none)."""
    from crawler.sources import load_sources
    from storage.db import open_db

    sources = load_sources(settings.get("REGWATCH_SOURCE_OVERRIDES") or {})
    code = _code_hash()
    keys = {sid: config_key(sources[sid], settings, code) for sid in source_ids if sid in sources}
    outcomes: dict[str, Outcome] = {}
    if not settings.get("REGWATCH_REPLAY", default("replay")) or settings.get("REGWATCH_FULL") \
            or settings.get("REGWATCH_ONLY_URL"):
        return outcomes, keys
    fetcher = Fetcher(user_agent=str(settings.get("USER_AGENT") or default("user_agent")),
                      delay=float(settings.get("DOWNLOAD_DELAY", default("download_delay"))),
                      jitter=float(settings.get("DOWNLOAD_DELAY_JITTER", DEFAULT_JITTER)),
                      timeout=float(settings.get("DOWNLOAD_TIMEOUT", default("download_timeout"))),
                      maxsize=int(settings.get("DOWNLOAD_MAXSIZE", default("max_download_bytes"))))
    db = open_db(settings.get("REGWATCH_DB") or default("database"))
    try:
        for sid, key in keys.items():
            try:
                outcome = _replay_one(db, fetcher, sid, key, sources[sid], settings)
            except Exception as exc:  # never a reason to skip the crawl: Scrapy decides
                outcome = Outcome(sid, False, f"the probe failed: {type(exc).__name__}: {exc}")
            outcomes[sid] = outcome
            print(f"replay {sid}: {'unchanged' if outcome.replayed else 'to Scrapy'}: {outcome.reason}",
                  file=sys.stderr, flush=True)
        if not all(outcome.replayed for outcome in outcomes.values()):
            fetcher.settle()
    finally:
        fetcher.close()
        db.close()
    return outcomes, keys


def _replay_one(db: Any, fetcher: Fetcher, source_id: str, key: str, source: Any,
                settings: Mapping[str, Any]) -> Outcome:
    from storage.replay import load_plan, source_is_healthy, state_key

    started_at = datetime.now(UTC)
    plan = load_plan(db, source_id)
    if plan is None:
        return Outcome(source_id, False, "no replay plan (the last crawl was not quiet)")
    if plan["config_key"] != key:
        return Outcome(source_id, False, "the plan was recorded under another configuration or code")
    if plan["recheck_due_at"] and started_at >= datetime.fromisoformat(plan["recheck_due_at"]):
        return Outcome(source_id, False, "a withdrawn document's re-check window has closed since the plan")
    if plan["state_key"] != state_key(db, source_id):
        return Outcome(source_id, False, "the stored documents or progress changed since the plan")
    if not source_is_healthy(db, source_id):
        return Outcome(source_id, False, "the source or one of its parts is not ok")
    obey = bool(settings.get("ROBOTSTXT_OBEY", default("obey_robots")))
    made, why = probe(fetcher, plan["requests"], obey_robots=obey)
    if why is not None:
        return Outcome(source_id, False, f"request {made} of {len(plan['requests'])}: {why}", made)
    codes: dict[str, int] = {}
    for recorded in plan["requests"]:
        codes[str(recorded["status"])] = codes.get(str(recorded["status"]), 0) + 1
    outcome = Outcome(source_id, True, f"replay of {made} requests, all unchanged", made, codes)
    _record_run(db, source, outcome, plan, settings, started_at)
    return outcome


def _record_run(db: Any, source: Any, outcome: Outcome, plan: Mapping[str, Any], settings: Mapping[str, Any],
                started_at: datetime) -> None:
    """The crawl_runs row of a replayed source, through the same finish_run as a Scrapy run."""
    from storage.changes import iso
    from storage.health import finish_run
    from storage.routing import iter_routes

    stats = {"regwatch/replay": True, "regwatch/replay_requests": outcome.requests,
             "regwatch/replay_scrapy_loaded": "scrapy" in sys.modules,
             "regwatch/replay_plan_recorded_at": plan["recorded_at"]}
    finish_run(db, source_id=outcome.source_id, source=source, started_at=iso(started_at), status="ok",
               message=outcome.reason, pages=int(plan["pages"]), items=0, requests=outcome.requests,
               http_codes=json.dumps(outcome.codes), errors=0, stats=json.dumps(stats), parts=plan["parts"],
               routes=iter_routes(settings.get("REGWATCH_ROUTES") or []),
               severities=settings.get("REGWATCH_SEVERITIES") or {})
