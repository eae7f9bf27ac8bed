"""The supplier watchlist, and the `supplier.*` changes a list or criteria change makes for it.

`supplier_events` runs inside the ingest transaction that records the underlying change, so a
supplier alert and its outbox rows are written with it, or not at all, and once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from diff.names import normalize_name, split_site_suffix
from storage.changes import change_payload, iso, record_change, utcnow
from storage.db import immediate
from storage.routing import RouteFilter

SOURCE_KINDS = ("list.proposed", "list.entry_added", "list.entry_removed", "list.entry_changed", "criteria.changed")
DECIDED = ("confirmed", "rejected")
RESOLUTION_FIELDS = ("resolution", "enterprise", "normalized_name", "status", "score", "how", "reason", "candidates",
                     "checked_at")
# Resolutions under which a supplier's enterprise is known, so changes to it alert.
BOUND = ("resolved", "confirmed")
EVENTS = {
    "proposed": ("拟列入公示名单", "proposed in a 公示"),
    "listed": ("列入公告名单", "listed in a 公告"),
    "dropped": ("公示后未列入公告名单", "dropped after the 公示"),
    "revoked": ("被撤销规范条件公告资格", "revoked (撤销/取消)"),
    "renamed": ("名单中企业名称变更", "renamed on the list"),
    "criteria_changed": ("所适用的规范条件变更", "the criteria it is held to changed"),
}


def supplier_key(name: str) -> str:
    """The comparable form of a supplier's own name (a site suffix in brackets dropped)."""
    return normalize_name(split_site_suffix(name)[0])


WATCH_COLUMNS = ("name", "name_en", "supplier_id", "contract_ref", "owner_email", "added_at", "resolution",
                 "enterprise", "normalized_name", "status", "score", "how", "reason", "candidates", "confirmed_by",
                 "confirmed_at", "checked_at")


def add_supplier(db: Database, row: Mapping[str, Any], *, now: datetime | None = None) -> int:
    """Insert one watched supplier (name, name_en, supplier_id, contract_ref, owner_email and its
    resolution fields). A supplier id already watched is updated instead."""
    data = {k: v for k, v in row.items() if k in WATCH_COLUMNS}
    data.setdefault("added_at", iso(now or utcnow()))
    if data.get("enterprise"):
        data["normalized_name"] = normalize_name(data["enterprise"])
    with immediate(db):
        if data.get("supplier_id"):
            existing = db.execute("select id, resolution from watchlist where supplier_id = ?",
                                  [data["supplier_id"]]).fetchone()
            if existing:
                data.pop("added_at")
                if existing[1] in DECIDED:  # a person's decision outlives a re-import
                    data = {k: v for k, v in data.items() if k not in RESOLUTION_FIELDS}
                _update(db, existing[0], data)
                return int(existing[0])
        marks = ", ".join("?" for _ in data)
        cursor = db.execute(f"insert into watchlist ({', '.join(data)}) values ({marks})", list(data.values()))
        return int(cursor.lastrowid or 0)


def _update(db: Database, watch_id: int, data: Mapping[str, Any]) -> None:
    if data:
        sets = ", ".join(f"{k} = ?" for k in data)
        db.execute(f"update watchlist set {sets} where id = ?", [*data.values(), watch_id])


def update_resolution(db: Database, watch_id: int, fields: Mapping[str, Any]) -> None:
    data = dict(fields)
    if "enterprise" in data:
        data["normalized_name"] = normalize_name(data["enterprise"] or "") or None
    _update(db, watch_id, {k: v for k, v in data.items() if k in WATCH_COLUMNS})


def confirm(db: Database, watch_id: int, enterprise: str | None, *, by: str, reject: bool = False,
            now: datetime | None = None) -> dict[str, Any]:
    """Record a person's decision on a probable match: confirmed to `enterprise`, or rejected."""
    row = get_supplier(db, watch_id)
    stamp = {"confirmed_by": by, "confirmed_at": iso(now or utcnow())}
    if reject:
        update_resolution(db, watch_id, {**stamp, "resolution": "rejected", "enterprise": None,
                                         "reason": f"match {row['enterprise'] or ''} rejected by {by}"})
    else:
        if not enterprise:
            raise ValueError("confirm needs the enterprise name (or --reject)")
        update_resolution(db, watch_id, {**stamp, "resolution": "confirmed", "enterprise": enterprise,
                                         "reason": f"confirmed by {by}"})
    return get_supplier(db, watch_id)


def get_supplier(db: Database, watch_id: int) -> dict[str, Any]:
    row = db.execute("select id from watchlist where id = ?", [watch_id]).fetchone()
    if row is None:
        raise ValueError(f"no watched supplier with id {watch_id}")
    return dict(db.table("watchlist").get(watch_id))


def remove_suppliers(db: Database, ids: Iterable[int]) -> int:
    with immediate(db):
        return sum(db.execute("delete from watchlist where id = ?", [int(i)]).rowcount for i in ids)


def watched(db: Database) -> list[dict[str, Any]]:
    if "watchlist" not in db.table_names():
        return []
    return [dict(r) for r in db.query("select * from watchlist order by id")]


# --- supplier changes -------------------------------------------------------------------------


def _touched(suppliers: list[dict[str, Any]], name: str, *, adopt: bool) -> list[dict[str, Any]]:
    """Suppliers bound to the enterprise `name`; with `adopt`, unresolved ones whose own name is it."""
    key = normalize_name(name)
    hits = [s for s in suppliers if s["resolution"] in BOUND and s["normalized_name"] == key]
    if adopt:
        hits += [s for s in suppliers if s["resolution"] == "unresolved" and supplier_key(s["name"] or "") == key]
    return hits


def _plain(details: Any) -> dict[str, Any]:
    """Details as a dict, whether the emitter passed a dict or the kind's Details."""
    if details is None:
        return {}
    return dict(details) if isinstance(details, Mapping) else details.to_dict()


def _events(db: Database, change: Mapping[str, Any], suppliers: list[dict[str, Any]]
            ) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    """(supplier, event, facts) for each watched supplier the change touches."""
    kind, d = change["kind"], _plain(change.get("details"))
    out: list[tuple[dict[str, Any], str, dict[str, Any]]] = []
    if kind == "list.proposed":
        for entry in d.get("entries") or []:
            out += [(s, "proposed", {"enterprise": entry["enterprise"]})
                    for s in _touched(suppliers, entry["enterprise"], adopt=True)]
    elif kind == "list.entry_added":
        out += [(s, "listed", {"enterprise": d.get("enterprise")})
                for s in _touched(suppliers, d.get("enterprise") or "", adopt=True)]
    elif kind == "list.entry_removed":
        event = "revoked" if str(d.get("reason", "")).startswith("revoked") else "dropped"
        out += [(s, event, {"enterprise": d.get("enterprise")})
                for s in _touched(suppliers, d.get("enterprise") or "", adopt=False)]
    elif kind == "list.entry_changed":
        old, new = (d.get("old") or {}).get("enterprise") or "", (d.get("new") or {}).get("enterprise") or ""
        seen = set()
        for s in _touched(suppliers, old, adopt=True) + _touched(suppliers, new, adopt=True):
            if s["id"] not in seen:
                seen.add(s["id"])
                out.append((s, "renamed" if old != new else "listed",
                            {"enterprise": new, "old_name": old, "new_name": new, "fields": d.get("fields")}))
    elif kind == "criteria.changed":
        listed = {r[0] for r in db.execute(
            "select normalized_name from list_entries where valid_to is null and stage = '公告'")}
        out += [(s, "criteria_changed", {"enterprise": s["enterprise"]}) for s in suppliers
                if s["resolution"] in BOUND and s["normalized_name"] in listed]
    return out


def _summary(supplier: Mapping[str, Any], event: str, facts: Mapping[str, Any]) -> str:
    zh, _ = EVENTS[event]
    who = supplier["name"] or supplier["name_en"]
    refs = "，".join(x for x in (supplier.get("supplier_id") and f"供应商编号 {supplier['supplier_id']}",
                                supplier.get("contract_ref") and f"合同 {supplier['contract_ref']}") if x)
    tail = f"：{facts['old_name']} → {facts['new_name']}" if event == "renamed" else ""
    return f"【供应商】{who}{f'（{refs}）' if refs else ''}{zh}{tail}"


def supplier_events(db: Database, change: Mapping[str, Any], source_change_id: int,
                    routes: Iterable[RouteFilter], *, now: datetime | None = None) -> list[int]:
    """Record one `supplier.<event>` change per watched supplier that `change` touches, each with
    outbox rows for the watchlist routes and its owner. Returns the new change ids."""
    if change["kind"] not in SOURCE_KINDS:
        return []
    suppliers = watched(db)
    if not suppliers:
        return []
    routes = [r for r in routes if r.watchlist]
    ids = []
    for supplier, event, facts in _events(db, change, suppliers):
        enterprise = facts.get("enterprise") or supplier["enterprise"]
        if event != "criteria_changed":
            update_resolution(db, supplier["id"], {
                "enterprise": enterprise, "status": {"renamed": "listed", "criteria_changed": None}.get(event, event),
                **({"resolution": "resolved", "how": "exact", "score": 1.0, "reason": None}
                   if supplier["resolution"] == "unresolved" else {})})
        details = {
            "event": event, "watch_id": supplier["id"], "supplier": supplier["name"], "name_en": supplier["name_en"],
            "supplier_id": supplier["supplier_id"], "contract_ref": supplier["contract_ref"],
            "owner_email": supplier["owner_email"], "enterprise": enterprise,
            "source_change_id": source_change_id, "source_kind": change["kind"],
            "batch": _plain(change.get("details")).get("batch"),
            "reason": _plain(change.get("details")).get("reason"), **facts,
        }
        payload = {k: v for k, v in change.items() if k not in ("id", "kind", "summary", "details", "entity",
                                                                 "severity", "suspect", "detected_at")}
        payload.update(kind=f"supplier.{event}", summary=_summary(supplier, event, facts), entity=enterprise,
                       severity="critical", details=details, suspect=change.get("suspect"))
        ids.append(record_supplier_change(db, payload, routes, supplier.get("owner_email"), now=now))
    return ids


def record_supplier_change(db: Database, payload: Mapping[str, Any], routes: list[RouteFilter],
                           owner_email: str | None, *, now: datetime | None = None) -> int:
    """The change, its rows for the watchlist routes, and one row to the owner through the first
    route's `owner_channel` — in one transaction."""
    now = now or utcnow()
    with immediate(db):
        change_id = record_change(db, payload, routes, now=now)
        owner_route = next((r for r in routes if r.owner_channel), None)
        if owner_email and owner_route is not None:
            stored = change_payload(change_id, {**payload, "detected_at": iso(now)})
            db.table("outbox").insert({
                "change_id": change_id, "route": owner_route.name, "channel": owner_route.owner_channel,
                "dedupe_key": f"change-{change_id}/{owner_route.name}/{owner_route.owner_channel}/owner",
                "payload": json.dumps({**stored, "deliver_to": [owner_email]}, ensure_ascii=False, default=str),
                "status": "pending", "attempts": 0, "created_at": iso(now), "next_attempt_at": iso(now),
            })
    return change_id
