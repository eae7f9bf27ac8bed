"""Write a detected change and its outbox rows in one transaction, or neither.

The outbox row carries the change as JSON; the notifier renders and delivers it later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlite_utils import Database

from storage.db import immediate
from storage.kinds import ChangeKind, Details, UnknownKind, kind_of
from storage.routing import DEFAULT_ROUTES, RouteFilter, routes_for


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


def _details_dict(details_type: type[Details], details: object) -> Any:
    """Details as JSON-able data, checked against the kind's declared type."""
    if isinstance(details, Details):
        if not isinstance(details, details_type):
            raise TypeError(f"{type(details).__name__} given where {details_type.__name__} was expected")
        return details.to_dict()
    if details is not None:
        details_type.from_dict(details)  # type: ignore[arg-type]  # raises on a non-mapping
    return details


def change_payload(change_id: int, change: Mapping[str, Any]) -> dict[str, Any]:
    payload = dict(change)
    payload["id"] = change_id
    return payload


def bundle_of(change: Mapping[str, Any]) -> str | None:
    """The changes that one version of one document made together share a bundle: they are
    claimed and delivered together, under an id derived from that version."""
    if change.get("document_id") is None or change.get("new_version_id") is None:
        return None
    declared = ChangeKind.registry.get(str(change.get("kind")))
    if declared is not None and declared.for_watchlist:
        return None  # one alert per supplier, each naming its own contract and owner
    return f"doc-{change['document_id']}-v{change['new_version_id']}"


def record_change(
    db: Database,
    change: Mapping[str, Any],
    routes: Iterable[RouteFilter] = DEFAULT_ROUTES,
    *,
    now: datetime | None = None,
    severities: Mapping[str, str] | None = None,
) -> int:
    """Insert one change and one outbox row per (matching route, channel). Returns the change id.

    `change` holds: kind, summary, and optionally source_id, document_id, category, authority,
    entity, details (a dict or the kind's Details), old_version_id, new_version_id, severity, suspect,
    plus any display fields (title, url, doc_number, published_at) that go into the payload only.
    The kind must be registered (storage/kinds); without a severity, the user's per-kind override
    (`severities`, from regwatch.toml's [severity]) decides it, else the kind.
    """
    now = now or utcnow()
    kind = kind_of(change["kind"])
    if not kind.stored:
        raise UnknownKind(f"change kind {kind.kind!r} is never stored")
    change = dict(change)
    if "details" in change:
        change["details"] = _details_dict(kind.details_type, change["details"])
    if not change.get("severity"):
        change["severity"] = (severities or {}).get(kind.kind) or kind.severity(change).value
    columns = {c.name for c in db["changes"].columns}
    row = {k: v for k, v in change.items() if k in columns}
    row["detected_at"] = iso(now)
    row["suspect"] = int(bool(change.get("suspect")))
    if isinstance(row.get("details"), dict | list):
        row["details"] = json.dumps(row["details"], ensure_ascii=False)
    with immediate(db):
        change_id = cast(int, db.table("changes").insert(row).last_pk)
        payload = change_payload(change_id, {**change, "detected_at": row["detected_at"]})
        payload_json = json.dumps(payload, ensure_ascii=False, default=str)
        for route in routes_for(payload, routes):
            due = now if route.mode == "immediate" else next_digest_time(now, route.digest_at)
            for channel in route.channels:
                db.table("outbox").insert(
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
                        "bundle": bundle_of(change),
                    }
                )
    return int(change_id)
