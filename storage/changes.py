"""Write a detected change and its outbox rows in one transaction, or neither.

The outbox row carries the change as JSON; the notifier renders and delivers it later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from storage.db import immediate
from storage.routing import DEFAULT_ROUTES, RouteFilter, routes_for

CHANGE_KINDS = (
    "document.new",
    "document.edited",
    "document.withdrawn",
    "document.flapping",
    "list.proposed",
    "list.entry_added",
    "list.entry_removed",
    "list.entry_changed",
    "criteria.changed",
    "supplier.proposed",
    "supplier.listed",
    "supplier.dropped",
    "supplier.revoked",
    "supplier.renamed",
    "supplier.criteria_changed",
    "source.health",
    "outbox.dead",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def next_digest_time(now: datetime, at: str) -> datetime:
    """The next HH:MM in Asia/Shanghai (UTC+8, no daylight saving) after `now`."""
    hour, minute = (int(x) for x in at.split(":"))
    shanghai = timedelta(hours=8)
    local = now.astimezone(UTC) + shanghai
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    return (target - shanghai).replace(tzinfo=UTC)


def change_payload(change_id: int, change: Mapping[str, Any]) -> dict[str, Any]:
    payload = dict(change)
    payload["id"] = change_id
    return payload


def record_change(
    db: Database,
    change: Mapping[str, Any],
    routes: Iterable[RouteFilter] = DEFAULT_ROUTES,
    *,
    now: datetime | None = None,
) -> int:
    """Insert one change and one outbox row per (matching route, channel). Returns the change id.

    `change` holds: kind, summary, and optionally source_id, document_id, category, authority,
    entity, details (dict), old_version_id, new_version_id, severity, suspect, plus any
    display fields (title, url, doc_number, published_at) that go into the payload only.
    """
    now = now or utcnow()
    if change["kind"] not in CHANGE_KINDS:
        raise ValueError(f"unknown change kind {change['kind']!r}")
    columns = {c.name for c in db["changes"].columns}
    row = {k: v for k, v in change.items() if k in columns}
    row["detected_at"] = iso(now)
    row.setdefault("severity", "info")
    row["suspect"] = int(bool(change.get("suspect")))
    if isinstance(row.get("details"), dict | list):
        row["details"] = json.dumps(row["details"], ensure_ascii=False)
    with immediate(db):
        change_id = db["changes"].insert(row).last_pk
        payload = change_payload(change_id, {**change, "detected_at": row["detected_at"]})
        payload_json = json.dumps(payload, ensure_ascii=False, default=str)
        for route in routes_for(payload, routes):
            due = now if route.mode == "immediate" else next_digest_time(now, route.digest_at)
            for channel in route.channels:
                db["outbox"].insert(
                    {
                        "change_id": change_id,
                        "route": route.name,
                        "channel": channel,
                        "dedupe_key": f"change-{change_id}/{route.name}/{channel}",
                        "payload": payload_json,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": iso(now),
                        "next_attempt_at": iso(due),
                    }
                )
    return int(change_id)
