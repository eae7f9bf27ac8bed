"""The supplier watchlist as procurement uses it: add or import suppliers, resolve each to a
listed enterprise, confirm or reject the probable matches, and re-check them all.

A certain match (the registered name, a rename, a site suffix, a full pinyin rendering) binds
the supplier at once; a probable one waits for a person, whose name and time are stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from regwatch.app import today_shanghai
from regwatch.supplierfile import SupplierRow
from regwatch.verify import Verifier
from storage.changes import iso, utcnow
from storage.db import immediate
from storage.watchlist import add_supplier, update_resolution, watched

CERTAIN = ("listed", "proposed", "revoked", "dropped", "removed")
LIST_COLUMNS = ("id", "name", "name_en", "supplier_id", "contract_ref", "owner_email", "resolution", "enterprise",
                "status", "how", "reason", "confirmed_by", "confirmed_at")


def resolution_fields(result: dict[str, Any]) -> dict[str, Any]:
    """What a verification says about a supplier's binding to a listed enterprise."""
    status = result["status"]
    if status in CERTAIN:
        resolution = "resolved"
    elif status == "probable":
        resolution = "probable"
    else:
        resolution = "unresolved"
    return {"resolution": resolution, "enterprise": result.get("matched_name"), "status": status,
            "score": result.get("score"), "how": result.get("how"), "reason": result.get("reason"),
            "candidates": result.get("candidates"), "checked_at": iso(utcnow())}


def add_suppliers(db: Database, rows: Iterable[SupplierRow], *, as_of: str | None = None) -> list[dict[str, Any]]:
    """Watch these suppliers, each resolved against the list of `as_of` (default today)."""
    verifier = Verifier.load(db, as_of or today_shanghai())
    added = []
    with immediate(db):
        for row in rows:
            result = verifier.verify(row.query)
            watch_id = add_supplier(db, {"name": row.name or None, "name_en": row.name_en or None,
                                         "supplier_id": row.supplier_id or None,
                                         "contract_ref": row.contract_ref or None,
                                         "owner_email": row.owner_email or None, **resolution_fields(result)})
            added.append({"id": watch_id, "supplier": row.query, **resolution_fields(result)})
    return added


def recheck(db: Database, *, as_of: str | None = None) -> list[dict[str, Any]]:
    """Verify every watched supplier again. A confirmed or rejected decision is kept: only the
    status of a confirmed enterprise is refreshed."""
    verifier = Verifier.load(db, as_of or today_shanghai())
    out = []
    with immediate(db):
        for s in watched(db):
            if s["resolution"] == "confirmed":
                result = verifier.verify(s["enterprise"])
                update_resolution(db, s["id"], {"status": result["status"], "checked_at": iso(utcnow())})
            elif s["resolution"] == "rejected":
                result = {"status": "not_found"}
            else:
                result = verifier.verify(s["name"] or s["name_en"])
                update_resolution(db, s["id"], resolution_fields(result))
            out.append({**s, **{k: v for k, v in result.items() if k != "supplier"}})
    return out


def watch_rows(db: Database) -> list[dict[str, Any]]:
    return [{c: s.get(c) for c in LIST_COLUMNS} for s in watched(db)]
