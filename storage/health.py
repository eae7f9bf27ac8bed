"""Source health: each crawl's outcome, and an alert when a source's state changes.

States: ok, blocked (challenge pages), broken (selectors find nothing), stale (no good run
within its expected interval). A failed run alone (site down, 5xx) changes nothing at once;
if it lasts, the source goes stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from storage.changes import iso, record_change, utcnow
from storage.db import immediate
from storage.kinds.operations import SourceHealth
from storage.routing import DEFAULT_ROUTES, RouteFilter
from storage.vocab import GOOD_RUNS, Health

# How a health alert's summary describes each state it can move to (the short names are in vocab).
STATE_EN = {Health.OK: "healthy again", Health.BLOCKED: "blocked by the site", Health.BROKEN: "broken (site changed?)",
            Health.STALE: "stale (no good crawl lately)", Health.FAILED: "failed (crawl over its time budget, killed)",
            Health.DEGRADED: "degraded (some documents or lists could not be read; nothing was removed)"}
STATE_ZH = {Health.OK: "已恢复", Health.BLOCKED: "被网站拦截", Health.BROKEN: "解析失效（网站改版？）",
            Health.STALE: "长时间未成功抓取", Health.FAILED: "抓取超时已终止",
            Health.DEGRADED: "部分文件或名单无法读取（未据此删除任何内容）"}


def is_first_run(db: Database, source_id: str) -> bool:
    """No good run yet: this crawl is the baseline, stored but not alerted."""
    row = db.execute(
        "select count(*) from crawl_runs where source_id = ? and status in ('ok', 'degraded')", [source_id]
    ).fetchone()
    return row[0] == 0


def _ensure_source(db: Database, source: Any) -> dict[str, Any]:
    if source is not None:
        db["sources"].upsert({"id": source.id, "name": source.name, "authority": source.authority,
                              "base_url": source.base_url, "schedule": source.schedule,
                              "enabled": int(source.enabled)}, pk="id")
    return db["sources"].get(source.id)


def finish_run(db: Database, *, source_id: str, source: Any, started_at: str, status: str, message: str,
               pages: int, items: int, requests: int, http_codes: str, errors: int, stats: str,
               problems: Sequence[str] = (), routes: Sequence[RouteFilter] = DEFAULT_ROUTES,
               now: datetime | None = None, overrun: bool = False,
               severities: Mapping[str, str] | None = None) -> int | None:
    """Write the crawl_runs row; on a state change, record a source.health change. Returns its id.

    `problems` are content that could not be read (an unparseable list attachment, say): the
    run still counts as good, but the source is 'degraded' until they clear.
    """
    now = now or utcnow()
    with immediate(db):
        db["crawl_runs"].insert({
            "source_id": source_id, "started_at": started_at, "finished_at": iso(now), "status": status,
            "pages": pages, "items": items, "requests": requests, "http_codes": http_codes,
            "errors": errors, "message": message, "stats": stats,
        })
        row = _ensure_source(db, source)
        previous = row.get("health") or Health.OK.value
        if status in GOOD_RUNS:
            new = (Health.DEGRADED if problems else Health.OK).value
            if problems:
                message = "; ".join(problems[:3])
            db["sources"].update(source_id, {"last_good_run_at": iso(now)})
        elif status in (Health.BLOCKED, Health.BROKEN):
            new = status
        elif overrun:
            new = Health.FAILED
        else:
            new = previous
        return _transition(db, source_id, row, previous, new, message, routes, now, severities)


def _transition(db: Database, source_id: str, row: dict[str, Any], previous: str, new: str, reason: str,
                routes: Sequence[RouteFilter], now: datetime,
                severities: Mapping[str, str] | None = None) -> int | None:
    if new == previous and row.get("health"):
        return None
    db["sources"].update(source_id, {"health": new, "health_reason": reason, "health_since": iso(now)})
    if new == previous:
        return None
    name = row.get("name") or source_id
    return record_change(db, {
        "kind": SourceHealth.kind, "source_id": source_id, "category": None, "authority": row.get("authority"),
        "summary": f"数据源{STATE_ZH[new]}：{name} — source {source_id} is {STATE_EN[new]}",
        "details": {"source": source_id, "state": new, "previous": previous, "reason": reason},
    }, routes, now=now, severities=severities)


def check_stale(db: Database, stale_after: dict[str, float], routes: Sequence[RouteFilter] = DEFAULT_ROUTES,
                now: datetime | None = None, severities: Mapping[str, str] | None = None) -> list[int]:
    """Mark sources with no good run within their interval as stale (alerting once)."""
    now = now or utcnow()
    out = []
    for row in db.query("select * from sources"):
        hours = stale_after.get(row["id"])
        if hours is None or not row["enabled"]:
            continue
        last = row.get("last_good_run_at")
        since = datetime.fromisoformat(last) if last else None
        if since is not None and now - since <= timedelta(hours=hours):
            continue
        if since is None and row.get("health") in (None, Health.OK):
            first = db.execute("select min(started_at) from crawl_runs where source_id = ?", [row["id"]]).fetchone()[0]
            if not first or now - datetime.fromisoformat(first) <= timedelta(hours=hours):
                continue
        if row.get("health") in (Health.STALE, Health.BLOCKED, Health.BROKEN, Health.FAILED):
            continue
        with immediate(db):
            reason = f"no good crawl since {last or 'ever'} (expected every {hours:g} h)"
            previous = row.get("health") or Health.OK.value
            change = _transition(db, row["id"], row, previous, Health.STALE.value, reason, routes, now,
                                 severities)
            if change:
                out.append(change)
    return out


def source_states(db: Database) -> list[dict[str, Any]]:
    rows = []
    for row in db.query("select * from sources order by id"):
        last = next(iter(db.query("select * from crawl_runs where source_id = ? order by id desc limit 1",
                                  [row["id"]])), None)
        rows.append({**row, "last_run": last})
    return rows
