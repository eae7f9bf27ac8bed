"""The daemon: APScheduler runs each source's crawl on its cron schedule (Asia/Shanghai), each
in its own child process, and delivers the outbox between crawls.

Crawls never send, and the notifier never crawls: they meet only in the database.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.sources import load_sources
from notifier.worker import deliver_due
from options.base import EVERY
from regwatch.config import Config
from regwatch.crawl import run_crawl, stop_running_crawls
from regwatch.report import send_report
from regwatch.staleness import check_staleness
from storage.db import open_db

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

log = logging.getLogger("regwatch.scheduler")
SHANGHAI = "Asia/Shanghai"


def reachable(url: str, timeout: float = 5.0) -> str | None:
    """None when the host answers a TCP connect; otherwise why not."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return None
    except OSError as exc:
        return str(exc) or type(exc).__name__


def preflight(config: Config) -> str | None:
    """A one-line reason why no source can be reached, or None."""

    problems = []
    for source in load_sources(config.sources).values():
        if not source.enabled:
            continue
        why = reachable(source.base_url)
        if why is None:
            return None
        problems.append(f"{urlsplit(source.base_url).hostname}: {why}")
    if not problems:
        return None
    return ("cannot reach any source (" + "; ".join(problems) + "). No network? "
            "Run `regwatch demo` to see the whole cycle against the local replica.")


def crawl_and_deliver(config: Config, sources: list[str] | None, lock: threading.Lock) -> int:

    with lock:
        outcome = run_crawl(config, sources)
        log.info("crawl %s: %s", sources or "all", outcome.statuses)
        deliver(config)
        return outcome.exit_code


def deliver(config: Config) -> None:
    db = open_db(config.database)
    try:
        stats = deliver_due(db, config.notifier())
        log.info("delivery: %s", stats)
    finally:
        db.close()


def report_trigger(config: Config) -> CronTrigger | None:
    """When the supplier verification report is due (Asia/Shanghai), or None when it is off."""
    from apscheduler.triggers.cron import CronTrigger

    settings = config.watchlist
    if settings["report"] == "off":
        return None
    hour, minute = (int(x) for x in settings["report_at"].split(":"))
    day = "*" if settings["report"] == "daily" else settings["report_day"]
    return CronTrigger(day_of_week=day, hour=hour, minute=minute, timezone=SHANGHAI)


def send_scheduled_report(config: Config) -> None:

    try:
        log.info("%s", send_report(config))
    except Exception:  # a failed report is logged and recorded; the daemon goes on
        log.exception("supplier verification report failed")


def run_daemon(config: Config, *, once: bool = False) -> int:
    import click

    open_db(config.database).close()
    config.notifier()  # validate routes and channels before anything runs
    reason = preflight(config)
    if reason:
        click.echo(f"regwatch: {reason}", err=True)
        return 1
    lock = threading.Lock()
    if once:
        return crawl_and_deliver(config, None, lock)
    return _run_forever(config, lock)


_UNIT = {"s": 1, "m": 60, "h": 3600}


def trigger_for(schedule: str) -> tuple[Any, float]:
    """The APScheduler trigger for a source's schedule, a cron expression (Asia/Shanghai) or
    `every 10s` / `every 5m` / `every 2h`, and its interval in seconds."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    match = EVERY.fullmatch(schedule.strip())
    if match:
        seconds = float(match.group(1)) * _UNIT[match.group(2).lower()]
        return IntervalTrigger(seconds=seconds, timezone=SHANGHAI), seconds
    trigger = CronTrigger.from_crontab(schedule, timezone=SHANGHAI)
    first = trigger.get_next_fire_time(None, datetime.now(UTC))
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    return trigger, (second - first).total_seconds() if first and second else 86400.0


def overdue(config: Config, interval: dict[str, float], now: datetime) -> set[str]:
    """Sources whose last good run is older than their interval (or that never had one)."""
    db = open_db(config.database)
    try:
        last = {row["id"]: row["last_good_run_at"] for row in db.query("select id, last_good_run_at from sources")}
    finally:
        db.close()
    out = set()
    for source_id, seconds in interval.items():
        seen = last.get(source_id)
        when = datetime.fromisoformat(seen) if seen else None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if when is None or (now - when).total_seconds() > seconds:
            out.add(source_id)
    return out


def _run_forever(config: Config, lock: threading.Lock) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler


    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = BlockingScheduler(timezone=SHANGHAI)
    now = datetime.now(UTC)
    sources = [s for s in load_sources(config.sources).values() if s.enabled]
    triggers = {s.id: trigger_for(s.schedule) for s in sources}
    due = overdue(config, {sid: seconds for sid, (_, seconds) in triggers.items()}, now)
    # Sources on the same schedule are crawled together, in one child process: one start-up
    # (imports, reactor) instead of one each, and no crawl queued behind another's lock.
    groups: dict[str, list[str]] = {}
    for source in sources:
        groups.setdefault(source.schedule, []).append(source.id)
    for ids in groups.values():
        # max_instances=2: a crawl that outlasts its interval has the next one wait on the lock and
        # start the moment it ends, instead of being skipped until the tick after (a whole interval
        # of latency); coalesce keeps it at one waiting.
        scheduler.add_job(crawl_and_deliver, triggers[ids[0]][0], args=[config, ids, lock],
                          id="crawl-" + "+".join(ids), max_instances=2, coalesce=True, misfire_grace_time=600)
    if due:
        # At once, the sources whose last good run is older than their interval (a restart after
        # a pause, or the first run ever); the others wait for their next scheduled time.
        scheduler.add_job(crawl_and_deliver, "date", run_date=now, args=[config, sorted(due), lock],
                          id="crawl-overdue", max_instances=1, misfire_grace_time=600)
    scheduler.add_job(deliver, "interval", seconds=30, args=[config], id="deliver", max_instances=1,
                      coalesce=True)
    scheduler.add_job(check_staleness, "interval", minutes=10, args=[config], id="stale", max_instances=1)
    trigger = report_trigger(config)
    if trigger is not None:
        scheduler.add_job(send_scheduled_report, trigger, args=[config], id="watch-report", max_instances=1,
                          coalesce=True, misfire_grace_time=3600)

    def on_sigterm(signum: int, frame: Any) -> None:
        # The running crawl is asked to stop too: it stores what it has, records its run, and
        # exits; then the scheduler waits for that job and the daemon exits 0.
        log.info("SIGTERM: stopping %d running crawl(s), then exiting", stop_running_crawls())
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    log.info("regwatch scheduler started: %s; at once: %s", [j.id for j in scheduler.get_jobs()], sorted(due))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if scheduler.running:
            stop_running_crawls()
            scheduler.shutdown(wait=True)
    return 0
