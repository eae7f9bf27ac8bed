"""Backfill progress per listing: a first run reads the newest pages, later runs keep reading the
history until every listing has been read to its end, so `max_pages` never silently caps it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from storage.changes import iso, utcnow
from storage.db import immediate


def load_progress(db: Database, source_id: str) -> dict[str, dict[str, Any]]:
    """{listing: {remaining, total, complete}} for one source."""
    if "listing_progress" not in db.table_names():
        return {}
    return {row["listing"]: {"remaining": row["remaining"], "total": row["total"], "complete": bool(row["complete"])}
            for row in db.query("select * from listing_progress where source_id = ?", [source_id])}


def save_progress(db: Database, source_id: str, progress: Mapping[str, Mapping[str, Any]]) -> None:
    now = iso(utcnow())
    with immediate(db):
        for listing, p in progress.items():
            db.table("listing_progress").upsert(
                {"source_id": source_id, "listing": listing, "remaining": p.get("remaining"),
                 "total": p.get("total"), "complete": int(bool(p.get("complete"))), "updated_at": now},
                pk=("source_id", "listing"))


def progress_summary(db: Database) -> dict[str, dict[str, int]]:
    """Per source: listings known, listings read to their end, rows still to backfill."""
    out: dict[str, dict[str, int]] = {}
    if "listing_progress" not in db.table_names():
        return out
    for row in db.query("""select source_id, count(*) as listings, sum(complete) as complete,
                                  sum(case when complete then 0 else coalesce(remaining, 0) end) as remaining,
                                  sum(coalesce(total, 0)) as total
                           from listing_progress group by source_id"""):
        out[row["source_id"]] = {k: int(row[k] or 0) for k in ("listings", "complete", "remaining", "total")}
    return out
