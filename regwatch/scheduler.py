"""The daemon: APScheduler runs each source's crawl on its cron schedule (Asia/Shanghai), each
in its own child process, and delivers the outbox between crawls.

Crawls never send, and the notifier never crawls: they meet only in the database.
"""

from __future__ import annotations

import logging
import socket
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from regwatch.config import Config

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
    from crawler.sources import load_sources

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
    from regwatch.crawl import run_crawl

    with lock:
        outcome = run_crawl(config, sources)
        log.info("crawl %s: %s", sources or "all", outcome.statuses)
        deliver(config)
        return outcome.exit_code


def deliver(config: Config) -> None:
    from notifier.worker import deliver_due
    from storage.db import open_db

    db = open_db(config.database)
    try:
        stats = deliver_due(db, config.notifier())
        log.info("delivery: %s", stats)
    finally:
        db.close()


def check_staleness(config: Config) -> None:
    from crawler.sources import load_sources
    from storage.db import open_db
    from storage.health import check_stale

    db = open_db(config.database)
    try:
        hours = {s.id: s.stale_after_hours for s in load_sources(config.sources).values()}
        notifier = config.notifier()
        check_stale(db, hours, notifier.route_filters(), severities=notifier.severities)
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
    from regwatch.report import send_report

    try:
        log.info("%s", send_report(config))
    except Exception:  # a failed report is logged and recorded; the daemon goes on
        log.exception("supplier verification report failed")


def run_daemon(config: Config, *, once: bool = False) -> int:
    import click

    from storage.db import open_db

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


def _run_forever(config: Config, lock: threading.Lock) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    from crawler.sources import load_sources

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = BlockingScheduler(timezone=SHANGHAI)
    now = datetime.now(UTC)
    for source in load_sources(config.sources).values():
        if not source.enabled:
            continue
        # First crawl at once, then on the source's schedule.
        scheduler.add_job(crawl_and_deliver, CronTrigger.from_crontab(source.schedule, timezone=SHANGHAI),
                          args=[config, [source.id], lock], id=f"crawl-{source.id}", max_instances=1,
                          coalesce=True, misfire_grace_time=600, next_run_time=now)
    scheduler.add_job(deliver, "interval", seconds=30, args=[config], id="deliver", max_instances=1,
                      coalesce=True)
    scheduler.add_job(check_staleness, "interval", minutes=10, args=[config], id="stale", max_instances=1)
    trigger = report_trigger(config)
    if trigger is not None:
        scheduler.add_job(send_scheduled_report, trigger, args=[config], id="watch-report", max_instances=1,
                          coalesce=True, misfire_grace_time=3600)
    log.info("regwatch scheduler started: %s", [j.id for j in scheduler.get_jobs()])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0
