"""Replay plans: per source, the requests of its last quiet crawl and the answers they got.

A crawl is quiet when it stored nothing new, wrote no change and left the source's documents and
backfill progress as it found them (`state_key` is the same before and after). Given the same
configuration (`config_key`), the same stored state and the same answers from the site, the spider
makes the same requests and decides the same things, so the next run may first re-issue the plan's
requests cheaply (crawler/replay.py) and skip Scrapy when every answer is the recorded one.

The plan is dropped by any crawl that is not quiet, and is void as soon as the state it was
recorded against changes (a new document, a counter, an edited category, a progress row).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from storage.db import immediate

# The columns of a source's documents that decide what its next crawl requests and how it reads
# the answers (titles decide paging, categories and statuses the re-checks, validators the headers,
# counters the withdrawals). Bookkeeping that every run rewrites (last_seen) is left out.
_DOCUMENT_STATE = """
    select d.doc_key, d.title, d.listed_title, d.category, d.status, d.urls, d.canonical_url,
           d.complete, d.withdrawn_at, d.missing_runs, d.current_version_id,
           json_extract(d.classification, '$.needs_review'), v.etag, v.last_modified
    from documents d left join versions v on v.id = d.current_version_id
    where d.source_id = ? order by d.doc_key
"""
_ATTACHMENT_STATE = """
    select d.doc_key, a.url, a.sha256, a.etag, a.last_modified from attachments a
    join documents d on d.current_version_id = a.version_id
    where d.source_id = ? order by d.doc_key, a.id
"""
_PROGRESS_STATE = """
    select listing, remaining, total, complete from listing_progress where source_id = ? order by listing
"""


def state_key(db: Database, source_id: str) -> str:
    """A hash of everything stored that a crawl of the source reads to decide its requests."""
    h = hashlib.sha256()
    for sql in (_DOCUMENT_STATE, _ATTACHMENT_STATE, _PROGRESS_STATE):
        h.update(b"\x1e")
        for row in db.execute(sql, [source_id]).fetchall():
            h.update(json.dumps(list(row), default=str).encode())
    return h.hexdigest()


def recheck_due_at(db: Database, source_id: str, days: float, now: datetime) -> str | None:
    """When the set of withdrawn documents a crawl still re-checks (those withdrawn within `days`)
    next shrinks: the first end of a re-check window after `now`, or None when none is open."""
    rows = db.execute("select withdrawn_at from documents where source_id = ? and status = 'withdrawn' "
                      "and withdrawn_at is not null", [source_id]).fetchall()
    ends = [datetime.fromisoformat(r[0]) + timedelta(days=days) for r in rows]
    open_ends = [end for end in ends if end >= now]
    return min(open_ends).isoformat() if open_ends else None


def save_plan(db: Database, source_id: str, *, recorded_at: str, config_key: str, state: str,
              recheck_due: str | None, requests: list[dict[str, Any]], parts: dict[str, Any],
              pages: int) -> None:
    with immediate(db):
        db.table("replay_plans").upsert({
            "source_id": source_id, "recorded_at": recorded_at, "config_key": config_key, "state_key": state,
            "recheck_due_at": recheck_due, "requests": json.dumps(requests, ensure_ascii=False),
            "parts": json.dumps(parts, ensure_ascii=False), "pages": pages,
        }, pk="source_id")


def drop_plan(db: Database, source_id: str) -> None:
    with immediate(db):
        db.execute("delete from replay_plans where source_id = ?", [source_id])


def load_plan(db: Database, source_id: str) -> dict[str, Any] | None:
    row = db.execute("select recorded_at, config_key, state_key, recheck_due_at, requests, parts, pages "
                     "from replay_plans where source_id = ?", [source_id]).fetchone()
    if row is None:
        return None
    return {"recorded_at": row[0], "config_key": row[1], "state_key": row[2], "recheck_due_at": row[3],
            "requests": json.loads(row[4]), "parts": json.loads(row[5]), "pages": int(row[6] or 0)}


def source_is_healthy(db: Database, source_id: str) -> bool:
    """The source and every one of its parts are `ok`: a good run then changes no health state."""
    row = db.execute("select health from sources where id = ?", [source_id]).fetchone()
    if row is None or row[0] != "ok":
        return False
    failing = db.execute("select count(*) from source_parts where source_id = ? and health != 'ok'",
                         [source_id]).fetchone()[0]
    return int(failing) == 0
