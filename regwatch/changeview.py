"""One stored change as the payload the notifier renders: the change row, its document, the
version's evidence and attachments. The web UI's change page and the Atom feed read it here."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

CHANGE_SQL = """select c.*, d.title, d.canonical_url as url, d.doc_number, d.published_at, d.stage,
                       d.signed_date, d.art_id
                from changes c left join documents d on d.id = c.document_id"""


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def attachments_of(conn: sqlite3.Connection, version_id: int | None) -> list[dict[str, Any]]:
    if not version_id:
        return []
    return list(_rows(conn, "select id, url, file_name as name, media_type, sha256, size, parse_status "
                            "from attachments where version_id = ? order by id", [version_id]))


def payload(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any]:
    """Decode details and add the evidence the alert renderers show."""
    change = dict(row)
    try:
        change["details"] = json.loads(change.get("details") or "{}")
    except ValueError:
        change["details"] = {}
    version_id = change.get("new_version_id") or change.get("old_version_id")
    evidence: dict[str, Any] = {"version_id": version_id}
    if version_id:
        found = conn.execute("select raw_sha256, content_hash, fetched_at from versions where id = ?",
                             [version_id]).fetchone()
        if found:
            evidence.update(raw_sha256=found[0], content_hash=found[1], fetched_at=found[2])
    change["evidence"] = evidence
    change["attachments"] = attachments_of(conn, version_id)
    return change


def load_change(conn: sqlite3.Connection, change_id: int) -> dict[str, Any] | None:
    found = next(_rows(conn, CHANGE_SQL + " where c.id = ?", [change_id]), None)
    return payload(conn, found) if found else None


def iter_changes(conn: sqlite3.Connection, *, category: str | None = None, severity: str | None = None,
                 since: str | None = None, until: str | None = None, kinds: list[str] | None = None,
                 newest_first: bool = False, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Changes as payloads, filtered in SQL, streamed from the cursor."""
    sql = CHANGE_SQL + " where 1=1"
    params: list[Any] = []
    for column, value in (("c.category", category), ("c.severity", severity)):
        if value:
            sql += f" and {column} = ?"
            params.append(value)
    if since:
        sql += " and c.detected_at >= ?"
        params.append(since)
    if until:
        sql += " and c.detected_at <= ?"
        params.append(until + "T99" if len(until) == 10 else until)
    if kinds:
        sql += " and (" + " or ".join("c.kind like ?" if k.endswith("*") else "c.kind = ?" for k in kinds) + ")"
        params += [k.rstrip("*") + "%" if k.endswith("*") else k for k in kinds]
    sql += " order by c.id desc" if newest_first else " order by c.id"
    if limit:
        sql += f" limit {int(limit)}"
    # a second cursor for the per-row evidence, so the outer one streams undisturbed
    for row in _rows(conn, sql, params):
        yield payload(conn, row)
