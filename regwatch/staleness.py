"""The staleness check, run by every command that runs (crawl, notify, run), so a cron user
who never starts the daemon is still told when a source has had no good crawl for too long."""

from __future__ import annotations

from crawler.sources import load_sources
from regwatch.config import Config
from storage.db import open_db
from storage.health import check_stale


def check_staleness(config: Config) -> list[int]:
    """Raise `stale` (once per state change) for each source past its stale_after_hours."""
    db = open_db(config.database)
    try:
        hours = {s.id: s.stale_after_hours for s in load_sources(config.sources).values()}
        return check_stale(db, hours, config.notifier().route_filters())
    finally:
        db.close()
