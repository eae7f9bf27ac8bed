"""Schedules: cron or `every N s/m/h`; after a restart, overdue sources are crawled at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from regwatch.config import load_config
from regwatch.scheduler import overdue, trigger_for
from storage.db import open_db


@pytest.mark.parametrize(("schedule", "seconds"), [("every 10s", 10), ("every 5m", 300), ("every 2h", 7200),
                                                   ("*/30 * * * *", 1800), ("5,35 * * * *", 1800)])
def test_trigger_and_interval(schedule, seconds):
    _, interval = trigger_for(schedule)
    assert interval == seconds


def test_only_sources_past_their_interval_are_overdue(tmp_path):
    config = load_config(environ={"REGWATCH_DB": str(tmp_path / "r.db"), "REGWATCH_BLOBS": str(tmp_path / "b")})
    db = open_db(config.database)
    now = datetime.now(UTC)
    db["sources"].insert_all([
        {"id": "miit", "last_good_run_at": (now - timedelta(hours=2)).isoformat()},
        {"id": "samr", "last_good_run_at": (now - timedelta(minutes=5)).isoformat()},
    ], pk="id", alter=True)
    db.close()
    assert overdue(config, {"miit": 3600, "samr": 3600, "new": 3600}, now) == {"miit", "new"}
