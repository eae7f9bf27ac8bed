"""Library functions behind the thin CLI commands. Nothing here knows click: errors are raised
(regwatch.errors.UsageError for bad input) and results returned, and cli.py prints them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from crawler.sources import load_sources
from notifier.worker import deliver_due, run_loop, send_test
from regwatch.config import Config
from regwatch.errors import UsageError
from regwatch.exporting import export
from regwatch.staleness import check_staleness
from storage.db import open_db, require_db
from storage.export_rows import Filters
from storage.health import source_states
from storage.progress import progress_summary
from storage.vocab import Health
from storage.whitelist import list_on

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def today_shanghai() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date().isoformat()


def notify_once(config: Config, *, loop: bool = False) -> str:
    """One delivery pass, or (loop) passes until interrupted, backlog first."""
    notifier_config = config.notifier()
    require_db(config.database)  # nothing to deliver from a database that was never created
    check_staleness(config)  # so stale sources are raised, and delivered, by `notify` from cron too
    db = open_db(config.database)
    try:
        if not loop:
            return str(deliver_due(db, notifier_config))
        try:
            return str(run_loop(db, notifier_config))
        except KeyboardInterrupt:
            return "stopped"
    finally:
        db.close()


def notify_test(config: Config, route: str) -> list[tuple[str, bool, str]]:
    """A test message through each channel of the route: (channel, delivered, detail) per channel."""
    return send_test(config.notifier(), route)


def source_rows(config: Config) -> list[dict[str, Any]]:
    """Each source with its health and the health of each of its parts (column, listing API,
    search API, attachment kind). A source that has been crawled but never read is 'failed'."""
    db = open_db(config.database, create=False)
    try:
        states = {s["id"]: s for s in source_states(db)}
        progress = progress_summary(db)
    finally:
        db.close()
    rows = []
    for source in load_sources(config.sources).values():
        state = states.get(source.id) or {}
        last = state.get("last_run") or {}
        health = state.get("health") or "never crawled"
        if last and not state.get("last_good_run_at") and health == Health.OK:
            health = Health.FAILED.value
        rows.append({
            "id": source.id, "name": source.name, "platform": source.platform, "base_url": source.base_url,
            "schedule": source.schedule, "enabled": source.enabled, "health": health,
            "reason": state.get("health_reason"), "last_run": last.get("finished_at"),
            "last_status": last.get("status"), "last_good_run": state.get("last_good_run_at"),
            "message": last.get("message"),
            "unverified": source.unverified,  # where its selectors came from, until confirmed live
            "backfill": backfill_text(progress.get(source.id)),
            "parts": [{"part": p["part"], "health": p["health"], "reason": p["reason"], "since": p["since"],
                       "last_good": p["last_good_at"]} for p in state.get("parts") or []],
        })
    return rows


def source_table_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table form: each source, then one indented row per part under it."""
    out: list[dict[str, Any]] = []
    for row in rows:
        out.append({"source": row["id"], "health": row["health"], "schedule": row["schedule"],
                    "last_run": row["last_run"], "last_good_run": row["last_good_run"],
                    "reason": row["reason"] or row["message"]})
        for part in row["parts"]:
            out.append({"source": f"  · {part['part']}", "health": part["health"], "schedule": "",
                        "last_run": "", "last_good_run": part["last_good"], "reason": part["reason"]})
    return out


def backfill_text(p: dict[str, int] | None) -> str:
    """How far the history has been read: 'complete', or listings done and rows still to read."""
    if not p:
        return "not started"
    if p["complete"] == p["listings"]:
        return f"complete ({p['listings']} listings)"
    done = 1 - p["remaining"] / p["total"] if p["total"] else 0
    return f"{done:.0%}: {p['complete']}/{p['listings']} listings complete, {p['remaining']} rows to go"


def white_list(db: Any, as_of: str | None, type_: str | None, proposed: bool) -> list[dict[str, Any]]:
    day = as_of or today_shanghai()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise UsageError(f"--as-of must be a date like 2026-04-28, not {day!r}") from None
    rows = list_on(db, day, include_proposed=proposed, type_=type_ or "")
    # rows from before migration 0002 have no dated_by
    return [{**row, "dated_by": row.get("dated_by") or "published"} for row in rows]


def export_data(db: Any, what: str, fmt: str, filters: Filters | None = None) -> str | bytes:
    """A whole export in memory, for small exports and tests; `regwatch export` streams instead.
    Text formats come back as str (without the CSV's BOM), XLSX as bytes."""
    out = io.BytesIO()
    export(db, what, fmt, filters or Filters(), out, today=today_shanghai())
    data = out.getvalue()
    return data if fmt == "xlsx" else data.decode("utf-8-sig")

