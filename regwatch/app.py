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
from storage.db import open_db
from storage.export_rows import Filters
from storage.health import source_states
from storage.whitelist import list_on

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def today_shanghai() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date().isoformat()


def notify_once(config: Config, *, loop: bool = False) -> str:
    """One delivery pass, or (loop) passes until interrupted, backlog first."""
    notifier_config = config.notifier()
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
    db = open_db(config.database)
    try:
        states = {s["id"]: s for s in source_states(db)}
    finally:
        db.close()
    rows = []
    for source in load_sources(config.sources).values():
        state = states.get(source.id) or {}
        last = state.get("last_run") or {}
        rows.append({
            "id": source.id, "name": source.name, "platform": source.platform, "base_url": source.base_url,
            "schedule": source.schedule,
            "enabled": source.enabled, "health": state.get("health") or "never crawled",
            "last_run": last.get("finished_at"), "last_status": last.get("status"),
            "message": last.get("message"),
            "unverified": source.unverified,  # where its selectors came from, until confirmed live
        })
    return rows


def white_list(db: Any, as_of: str | None, type_: str | None, proposed: bool) -> list[dict[str, Any]]:
    day = as_of or today_shanghai()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise UsageError(f"--as-of must be a date like 2026-04-28, not {day!r}") from None
    rows = list_on(db, day, include_proposed=proposed)
    docs = {d["id"]: d for d in db.query("select id, doc_number, canonical_url from documents")}
    out = []
    for row in rows:
        if type_ and type_ not in (row["type"] or ""):
            continue
        doc = docs.get(row["document_id"]) or {}
        out.append({**row, "doc_number": doc.get("doc_number"), "url": doc.get("canonical_url")})
    return out


def export_data(db: Any, what: str, fmt: str, filters: Filters | None = None) -> str | bytes:
    """A whole export in memory, for small exports and tests; `regwatch export` streams instead.
    Text formats come back as str (without the CSV's BOM), XLSX as bytes."""
    out = io.BytesIO()
    export(db, what, fmt, filters or Filters(), out, today=today_shanghai())
    data = out.getvalue()
    return data if fmt == "xlsx" else data.decode("utf-8-sig")

