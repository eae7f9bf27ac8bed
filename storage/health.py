"""Source health: each crawl's outcome, and an alert when a source's or a part's state changes.

States: ok, degraded (a part failed, or content could not be read), blocked (challenge pages),
broken (selectors find nothing), failed (never had a good run), stale (no good run within its
expected interval). A failed run of a source that was read before changes nothing at once; if
it lasts, the source goes stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from storage.changes import iso, record_change, utcnow
from storage.db import immediate
from storage.kinds.operations import SourceHealth
from storage.parts import PartChange, part_rows, update_parts
from storage.routing import DEFAULT_ROUTES, RouteFilter
from storage.vocab import GOOD_RUNS, Health

# How a health alert's summary describes each state it can move to (the short names are in vocab).
STATE_EN: dict[str, str] = {
            Health.OK: "healthy again", Health.BLOCKED: "blocked by the site", Health.BROKEN: "broken (site changed?)",
            Health.STALE: "stale (no good crawl lately)",
            Health.FAILED: "failed (never read, unreachable, or killed over its time budget)",
            Health.DEGRADED: "degraded (some documents or lists could not be read; nothing was removed)"}
STATE_ZH: dict[str, str] = {Health.OK: "已恢复", Health.BLOCKED: "被网站拦截", Health.BROKEN: "解析失效（网站改版？）",
            Health.STALE: "长时间未成功抓取", Health.FAILED: "无法访问（从未成功抓取或抓取超时）",
            Health.DEGRADED: "部分文件或名单无法读取（未据此删除任何内容）"}


def is_first_run(db: Database, source_id: str) -> bool:
    """No good run yet: this crawl is the baseline, stored but not alerted."""
    row = db.execute(
        "select count(*) from crawl_runs where source_id = ? and status in ('ok', 'degraded')", [source_id]
    ).fetchone()
    runs: int = row[0]
    return runs == 0


def _ensure_source(db: Database, source: Any) -> dict[str, Any]:
    if source is not None:
        db.table("sources").upsert({"id": source.id, "name": source.name, "authority": source.authority,
                              "base_url": source.base_url, "schedule": source.schedule,
                              "enabled": int(source.enabled)}, pk="id")
    return db.table("sources").get(source.id)


def finish_run(db: Database, *, source_id: str, source: Any, started_at: str, status: str, message: str,
               pages: int, items: int, requests: int, http_codes: str, errors: int, stats: str,
               problems: Sequence[str] = (), parts: Mapping[str, Mapping[str, Any]] | None = None,
               routes: Sequence[RouteFilter] = DEFAULT_ROUTES, now: datetime | None = None,
               overrun: bool = False, severities: Mapping[str, str] | None = None) -> int | None:
    """Write the crawl_runs row and each part's state; on a change of the source's or a part's
    state, record one source.health change naming the parts. Returns its id.

    `problems` are content that could not be read (an unparseable list attachment, say): the
    run still counts as good, but the source is 'degraded' until they clear. A source that has
    never had a good run is 'failed', never 'ok'.
    """
    now = now or utcnow()
    with immediate(db):
        db.table("crawl_runs").insert({
            "source_id": source_id, "started_at": started_at, "finished_at": iso(now), "status": status,
            "pages": pages, "items": items, "requests": requests, "http_codes": http_codes,
            "errors": errors, "message": message, "stats": stats,
        })
        row = _ensure_source(db, source)
        previous = row.get("health") or Health.OK.value
        # A run that read nothing (the site is down) says nothing about its parts: they keep
        # their state, and the source goes stale if it lasts.
        read = parts if status != Health.FAILED else {}
        states, part_changes = update_parts(db, source_id, read or {}, iso(now))
        failing = {name: state for name, state in states.items() if state != Health.OK}
        if status in GOOD_RUNS:
            new = (Health.DEGRADED if problems or failing else Health.OK).value
            if failing:
                message = "; ".join(f"{name}: {state}" for name, state in sorted(failing.items()))
            elif problems:
                message = "; ".join(problems[:3])
            db.table("sources").update(source_id, {"last_good_run_at": iso(now)})
        elif status in (Health.BLOCKED, Health.BROKEN):
            new = status
        elif overrun:
            new = Health.FAILED.value  # killed over its time budget
        elif status == Health.FAILED and not row.get("last_good_run_at") and previous != Health.STALE:
            new = Health.FAILED.value  # never read; once stale, it stays stale until a good run
        else:
            new = previous
        return _transition(db, source_id, row, previous, new, message, routes, now, part_changes, severities)


def _transition(db: Database, source_id: str, row: dict[str, Any], previous: str, new: str, reason: str,
                routes: Sequence[RouteFilter], now: datetime, parts: Sequence[PartChange] = (),
                severities: Mapping[str, str] | None = None) -> int | None:
    if new == previous and row.get("health") and not parts:
        return None
    if new != previous or not row.get("health"):
        db.table("sources").update(source_id, {"health": new, "health_reason": reason, "health_since": iso(now)})
    else:
        db.table("sources").update(source_id, {"health_reason": reason})
    if new == previous and not parts:
        return None
    name = row.get("name") or source_id
    # Failing parts first, so the headline names what broke rather than what recovered.
    ordered = sorted(parts, key=lambda p: p.state == Health.OK)
    named = ", ".join(p.part for p in ordered)
    where = f"（{named}）" if named else ""
    return record_change(db, {
        "kind": SourceHealth.kind, "source_id": source_id, "category": None, "authority": row.get("authority"),
        "summary": f"数据源{STATE_ZH[new]}：{name}{where} — source {source_id} is {STATE_EN[new]}"
                   + (f" ({named})" if named else ""),
        "details": {"source": source_id, "state": new, "previous": previous, "reason": reason,
                    "part": named or None, "parts": [p.as_dict() for p in ordered]},
    }, routes, now=now, severities=severities)


def check_stale(db: Database, stale_after: dict[str, float], routes: Sequence[RouteFilter] = DEFAULT_ROUTES,
                now: datetime | None = None) -> list[int]:
    """Mark sources with no good run within their interval as stale (alerting once per state change).

    The interval counts from the last good run, or from the first crawl of a source that never
    had one.
    """
    now = now or utcnow()
    out = []
    for row in db.query("select * from sources"):
        hours = stale_after.get(row["id"])
        if hours is None or not row["enabled"]:
            continue
        last = row.get("last_good_run_at")
        since = last or db.execute("select min(started_at) from crawl_runs where source_id = ?",
                                   [row["id"]]).fetchone()[0]
        if not since or now - datetime.fromisoformat(since) <= timedelta(hours=hours):
            continue
        if row.get("health") in (Health.STALE, Health.BLOCKED, Health.BROKEN):
            continue
        with immediate(db):
            reason = f"no good crawl since {last or 'ever'} (expected every {hours:g} h)"
            previous = row.get("health") or Health.OK.value
            change = _transition(db, row["id"], row, previous, Health.STALE.value, reason, routes, now)
            if change:
                out.append(change)
    return out


def source_states(db: Database) -> list[dict[str, Any]]:
    rows = []
    for row in db.query("select * from sources order by id"):
        last = next(iter(db.query("select * from crawl_runs where source_id = ? order by id desc limit 1",
                                  [row["id"]])), None)
        rows.append({**row, "last_run": last, "parts": part_rows(db, row["id"])})
    return rows
