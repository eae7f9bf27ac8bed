"""Recording a crawl's replay plan: every request it made with the answer it got, kept only when
the crawl was quiet (see crawler/replay.py for how the plan is used, storage/replay.py for where).

A crawl is quiet when it finished normally, its status is ok and the source and all its parts are
ok after it, it wrote no change (neither a document change nor a health one), it stored no new
version, no listing has history left to read, nothing was logged as an error, and the source's
stored state (documents, validators, counters, progress) is the same after it as before it.
Anything else drops the plan, so the next run goes to Scrapy.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from storage.changes import iso, utcnow
from storage.replay import drop_plan, recheck_due_at, save_plan, source_is_healthy, state_key

MAX_PLAN_REQUESTS = 2000  # a longer unchanged crawl gains little from a replay; keep the row small


class PlanRecorder:
    """Collects the responses of one spider's run (Scrapy's `response_received`)."""

    def __init__(self, settings: Any, source_id: str) -> None:
        self.source_id = source_id
        self.key = (settings.getdict("REGWATCH_REPLAY_KEYS") or {}).get(source_id, "")
        self.enabled = bool(self.key) and settings.getbool("REGWATCH_REPLAY", True) \
            and not settings.getbool("REGWATCH_FULL") and not settings.get("REGWATCH_ONLY_URL")
        self.fell_through = (settings.getdict("REGWATCH_REPLAY_FELL_THROUGH") or {}).get(source_id)
        self.recheck_days = settings.getfloat("REGWATCH_RECHECK_WITHDRAWN_DAYS", 30.0)
        self.requests: list[dict[str, Any]] = []
        self.unreplayable = ""
        self.state_before = ""

    def start(self, db: Any) -> None:
        """Note the source's stored state as the run begins (the spider has just read it)."""
        if self.enabled:
            self.state_before = state_key(db, self.source_id)

    def response_received(self, response: Any, request: Any) -> None:
        if not self.enabled or self.unreplayable:
            return
        if request.body or request.method not in ("GET", "HEAD"):
            self.unreplayable = f"a {request.method} request with a body"
            return
        if len(self.requests) >= MAX_PLAN_REQUESTS:
            self.unreplayable = f"more than {MAX_PLAN_REQUESTS} requests"
            return
        headers = {k: v for k, v in request.headers.to_unicode_dict().items()
                   if k.lower() not in ("cookie", "accept-encoding", "host", "user-agent")}

        def header(name: bytes) -> str | None:
            value = response.headers.get(name)
            return value.decode("latin-1") if value else None

        self.requests.append({
            "method": request.method, "url": request.url, "headers": headers,
            "robots": bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(request.url).path == "/robots.txt",
            "status": response.status, "sha256": hashlib.sha256(response.body).hexdigest(),
            "etag": header(b"ETag"), "last_modified": header(b"Last-Modified"), "location": header(b"Location"),
            "content_type": header(b"Content-Type"),
        })

    def why_not_quiet(self, spider: Any, reason: str, stats: dict[str, Any], change_id: int | None,
                      db: Any) -> str | None:
        """Why this run's requests may not stand for the next run's, or None when it was quiet."""
        health = spider.health
        backfill = getattr(spider, "backfill", None)
        pending = [name for name, st in backfill.state.items() if not st.get("complete")] if backfill else []
        checks = [
            (not self.enabled, "replay is off, or this was a full or single-page run"),
            (bool(self.unreplayable), self.unreplayable),
            (reason != "finished", f"the crawl ended with {reason!r}"),
            (health.status() != "ok", f"status {health.status()}"),
            (change_id is not None, "a health change was recorded"),
            (bool(stats.get("regwatch/changes")), "changes were recorded"),
            (bool(stats.get("regwatch/versions_added")), "new versions were stored"),
            (bool(stats.get("log_count/ERROR")), "errors were logged"),
            (bool(pending), f"history left to read ({', '.join(sorted(pending)[:3])})"),
            (not source_is_healthy(db, self.source_id), "the source or a part is not ok"),
            (state_key(db, self.source_id) != self.state_before, "the stored documents or progress changed"),
        ]
        return next((why for failed, why in checks if failed), None)

    def note(self, stats: dict[str, Any]) -> None:
        """Say in the run's stats why the replay probe handed this source to Scrapy."""
        if self.fell_through:
            stats["regwatch/replay_fell_through"] = self.fell_through

    def finish(self, spider: Any, reason: str, stats: dict[str, Any], change_id: int | None, db: Any) -> str:
        """Store the plan of a quiet run, or drop the source's plan; returns which, and why."""
        why = self.why_not_quiet(spider, reason, stats, change_id, db)
        if why is not None:
            drop_plan(db, self.source_id)
            return f"no replay plan: {why}"
        now = utcnow()
        save_plan(db, self.source_id, recorded_at=iso(now), config_key=self.key, state=self.state_before,
                  recheck_due=recheck_due_at(db, self.source_id, self.recheck_days, now),
                  requests=self.requests, parts=spider.health.part_states(), pages=spider.health.listing_pages)
        return f"replay plan recorded: {len(self.requests)} requests"
