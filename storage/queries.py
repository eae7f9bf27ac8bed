"""Read-side queries for analysts: changes, Chinese full-text search, documents."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from storage.errors import StorageError
from storage.kinds import describe
from storage.search import search as search_documents


def list_changes(db: Database, *, since: str | None = None, kinds: list[str] | None = None,
                 source: str | None = None, limit: int | None = None, until: str | None = None,
                 severity: str | None = None, category: str | None = None,
                 decode_details: bool = True) -> list[dict[str, Any]]:
    """Changes oldest first; with `limit`, the newest `limit` of them. since/until are UTC ISO
    times as detected_at stores them (until is exclusive); the CLI validates every value before
    it gets here. The table view needs no details, so it can skip decoding their JSON."""
    sql = """select c.*, d.title, d.canonical_url as url, d.doc_number from changes c
             left join documents d on d.id = c.document_id where 1=1"""
    params: list[Any] = []
    if since:
        sql += " and c.detected_at >= ?"
        params.append(since)
    if until:
        sql += " and c.detected_at < ?"
        params.append(until)
    for column, value in (("severity", severity), ("category", category)):
        if value:
            sql += f" and c.{column} = ?"
            params.append(value)
    if kinds:
        parts = []
        for kind in kinds:
            if kind.endswith("*") or kind.endswith("."):
                parts.append("c.kind like ?")
                params.append(kind.rstrip("*") + "%")
            else:
                parts.append("c.kind = ?")
                params.append(kind)
        sql += " and (" + " or ".join(parts) + ")"
    if source:
        sql += " and c.source_id = ?"
        params.append(source)
    if limit:
        sql = f"select * from ({sql} order by c.id desc limit {int(limit)}) order by id"
    else:
        sql += " order by c.id"
    rows = []
    for row in db.query(sql, params):
        row = dict(row)
        details = json.loads(row["details"]) if row.get("details") else None
        # the shared words ("公示后确认 / confirmed", "撤销 / revoked") need the details, decoded or not
        row["what"] = describe({**row, "details": details})
        if decode_details and details is not None:
            row["details"] = details
        rows.append(row)
    return rows


def search(db: Database, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Chinese-aware full-text search (storage.search), as plain rows for the CLI and exports."""
    return [hit.row() for hit in search_documents(db.conn, query, limit=limit)]


def documents(db: Database, *, category: str | None = None) -> list[dict[str, Any]]:
    sql = """select id, source_id, art_id, title, authority, doc_number, category, stage, batch, published_at,
                    signed_date, first_seen, last_changed, status, canonical_url as url from documents"""
    params: list[Any] = []
    if category:
        sql += " where category = ?"
        params.append(category)
    return list(db.query(sql + " order by published_at desc", params))


class NoSuchChange(StorageError):
    """`regwatch show` was given an id that is not in the database."""


def change_with_siblings(db: Database, change_id: int) -> list[dict[str, Any]]:
    """A change and the others its document version made at once (a 公告's whole table), as the
    alerts saw them: the outbox payload where one was queued, else rebuilt from the tables."""
    row = next(iter(db.query("select * from changes where id = ?", [change_id])), None)
    if row is None:
        raise NoSuchChange(f"no change with id {change_id}")
    if row["document_id"] is not None and row["new_version_id"] is not None:
        ids = [r["id"] for r in db.query("select id from changes where document_id = ? and new_version_id = ? "
                                         "order by id", [row["document_id"], row["new_version_id"]])]
    else:
        ids = [change_id]
    return [_payload(db, i) for i in ids]


def _payload(db: Database, change_id: int) -> dict[str, Any]:
    queued = next(iter(db.query("select payload from outbox where change_id = ? order by id limit 1",
                                [change_id])), None)
    if queued is not None:
        return dict(json.loads(queued["payload"]))
    row = dict(next(iter(db.query(
        """select c.*, d.title, d.canonical_url as url, d.doc_number, d.published_at, d.stage
           from changes c left join documents d on d.id = c.document_id where c.id = ?""", [change_id]))))
    if row.get("details"):
        row["details"] = json.loads(row["details"])
    if row.get("new_version_id") is not None:
        row["attachments"] = [{"url": a["url"], "name": a["file_name"], "sha256": a["sha256"]} for a in
                              db.query("select * from attachments where version_id = ?", [row["new_version_id"]])]
        raw = next(iter(db.query("select raw_sha256 from versions where id = ?", [row["new_version_id"]])), None)
        row["evidence"] = {"raw_sha256": raw["raw_sha256"] if raw else None, "version_id": row["new_version_id"]}
    return row
