"""The SQL behind the web pages. Each function takes a read-only sqlite3 connection (Datasette's
`execute_fn` hands one over) and returns plain rows, so the pages stay thin and testable."""

from __future__ import annotations

import sqlite3
from typing import Any

from diff.names import normalize_name
from regwatch.changeview import iter_changes
from storage import whitelist
from storage.kinds import headline


def rows(conn: sqlite3.Connection, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor]


def list_on(conn: sqlite3.Connection, day: str, type_: str = "", province: str = "",
            batch: str = "") -> list[dict[str, Any]]:
    return whitelist.list_on(conn, day, type_=type_, province=province,
                             batch=int(batch) if batch.isdigit() else None)


def list_choices(conn: sqlite3.Connection) -> dict[str, list[Any]]:
    """The values the list page's filters offer."""
    def distinct(column: str) -> list[Any]:
        return [r[0] for r in conn.execute(
            f"select distinct {column} from list_entries where {column} is not null order by {column}")]
    return {"types": distinct("type"), "provinces": distinct("province"), "batches": distinct("batch")}


def timeline(conn: sqlite3.Connection, *, kind: str = "", severity: str = "", source: str = "", since: str = "",
             until: str = "", limit: int = 200) -> list[dict[str, Any]]:
    """Changes newest first, each with its headline as a sentence in Chinese and English."""
    out = []
    for change in iter_changes(conn, severity=severity or None, since=since or None, until=until or None,
                               kinds=[kind] if kind else None, newest_first=True, limit=None if source else limit):
        if source and change.get("source_id") != source:
            continue
        change["sentence_zh"], change["sentence_en"] = headline(change)
        out.append(change)
        if len(out) >= limit:
            break
    return out


def timeline_choices(conn: sqlite3.Connection) -> dict[str, list[str]]:
    def distinct(column: str) -> list[str]:
        return [r[0] for r in conn.execute(f"select distinct {column} from changes where {column} is not null "
                                           f"order by {column}")]
    return {"kinds": distinct("kind"), "severities": distinct("severity"), "sources": distinct("source_id")}


def enterprise_history(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """Every list entry (batches, stages, endings) and every change that names the enterprise."""
    key = normalize_name(name)
    entries = rows(conn, """select e.*, d.doc_number, d.title, d.canonical_url as url, x.doc_number as ended_doc_number,
                                   x.canonical_url as ended_url
                            from list_entries e left join documents d on d.id = e.document_id
                            left join documents x on x.id = e.ended_by_document_id
                            where e.normalized_name = ? or e.enterprise = ? order by e.valid_from, e.id""", [key, name])
    names = sorted({e["enterprise"] for e in entries} | {name})
    marks = ",".join("?" for _ in names)
    changes = rows(conn, f"select c.id, c.detected_at, c.kind, c.summary from changes c where c.entity in ({marks}) "
                         "order by c.id", names)
    return {"entries": entries, "changes": changes, "names": names}


def enterprise_names(conn: sqlite3.Connection, prefix: str, limit: int = 50) -> list[str]:
    return [r[0] for r in conn.execute("select distinct enterprise from list_entries where enterprise like ? "
                                       "order by enterprise limit ?", [f"%{prefix}%", limit])]


def sources(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    found = rows(conn, "select * from sources order by id")
    for source in found:
        source["runs"] = rows(conn, "select started_at, finished_at, status, pages, items, requests, errors, message "
                                    "from crawl_runs where source_id = ? order by id desc limit 5", [source["id"]])
    return found


def evidence_file(conn: sqlite3.Connection, sha256: str) -> tuple[str, str] | None:
    """A stored blob's download name and media type, if regwatch keeps it as evidence."""
    found = conn.execute("select file_name, media_type from attachments where sha256 = ? limit 1", [sha256]).fetchone()
    if found:
        return found[0] or f"{sha256}.bin", found[1] or "application/octet-stream"
    if conn.execute("select 1 from versions where raw_sha256 = ? limit 1", [sha256]).fetchone():
        return f"{sha256}.html", "text/html"
    return None


def related_changes(conn: sqlite3.Connection, change: dict[str, Any]) -> list[dict[str, Any]]:
    """The other changes the same document made at the same time (a final list: dropped, renamed, added)."""
    if not change.get("document_id"):
        return []
    found = rows(conn, "select c.*, d.title from changes c left join documents d on d.id = c.document_id "
                       "where c.document_id = ? and c.id != ? and c.new_version_id is ? order by c.id",
                 [change["document_id"], change["id"], change.get("new_version_id")])
    for row in found:
        row["details"] = None
        row["sentence_zh"], row["sentence_en"] = headline(row)
    return found
