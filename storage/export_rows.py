"""The rows an export streams: changes, the list on a date, documents, each filtered in SQL.

Every function yields rows from a live cursor, so 100,000 changes never sit in memory at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from storage.flatten import CHANGE_COLUMNS, DOCUMENT_COLUMNS, LIST_COLUMNS, flatten_change
from storage.whitelist import list_on


class ExportError(ValueError):
    """A filter that cannot be applied; the message says which and why."""


@dataclass
class Filters:
    since: str | None = None
    until: str | None = None
    kinds: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    as_of: str | None = None

    def check(self) -> Filters:
        for name in ("since", "until", "as_of"):
            value = getattr(self, name)
            if value:
                try:
                    dt.date.fromisoformat(value[:10])
                except ValueError:
                    raise ExportError(f"--{name.replace('_', '-')} must be a date like 2026-04-28, "
                                      f"not {value!r}") from None
        return self


def _until_bound(day: str) -> str:
    """An inclusive end: a bare date covers the whole day."""
    return day + "T99" if len(day) == 10 else day


def _kind_clause(kinds: list[str], params: list[Any]) -> str:
    parts = []
    for kind in kinds:
        if kind.endswith(("*", ".")):
            parts.append("c.kind like ?")
            params.append(kind.rstrip("*") + "%")
        else:
            parts.append("c.kind = ?")
            params.append(kind)
    return "(" + " or ".join(parts) + ")"


def change_rows(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    sql = ("select c.*, d.title, d.canonical_url as url, d.doc_number, d.published_at from changes c "
           "left join documents d on d.id = c.document_id where 1=1")
    params: list[Any] = []
    if filters.since:
        sql += " and c.detected_at >= ?"
        params.append(filters.since)
    until = filters.until or filters.as_of
    if until:
        sql += " and c.detected_at <= ?"
        params.append(_until_bound(until))
    if filters.kinds:
        sql += " and " + _kind_clause(filters.kinds, params)
    if filters.categories:
        sql += f" and c.category in ({','.join('?' for _ in filters.categories)})"
        params += filters.categories
    cursor = db.conn.execute(sql + " order by c.id", params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield flatten_change(dict(zip(names, values, strict=True)))


def list_rows(db: Database, filters: Filters, today: str) -> Iterator[dict[str, Any]]:
    """The final list on --as-of (default today), with each entry's document."""
    day = (filters.as_of or today)[:10]
    since = filters.since[:10] if filters.since else ""
    for row in list_on(db, day):
        if row["valid_from"] >= since:
            yield {key: row.get(key) for key, _, _ in LIST_COLUMNS}


def document_rows(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    sql = "select d.*, d.canonical_url as url from documents d where 1=1"
    params: list[Any] = []
    if filters.since:
        sql += " and d.first_seen >= ?"
        params.append(filters.since)
    until = filters.until or filters.as_of
    if until:
        sql += " and d.first_seen <= ?"
        params.append(_until_bound(until))
    if filters.categories:
        sql += f" and d.category in ({','.join('?' for _ in filters.categories)})"
        params += filters.categories
    cursor = db.conn.execute(sql + " order by d.published_at desc, d.id", params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        yield {key: row.get(key) for key, _, _ in DOCUMENT_COLUMNS}


COLUMNS = {"changes": CHANGE_COLUMNS, "list": LIST_COLUMNS, "documents": DOCUMENT_COLUMNS}


def rows_for(db: Database, what: str, filters: Filters, today: str) -> Iterator[dict[str, Any]]:
    filters.check()
    if what == "changes":
        return change_rows(db, filters)
    if what == "list":
        return list_rows(db, filters, today)
    if what == "documents":
        return document_rows(db, filters)
    raise ExportError(f"unknown export {what!r}: changes, list or documents")
