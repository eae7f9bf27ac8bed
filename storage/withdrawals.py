"""Withdrawals are evidence, not arithmetic.

A document is withdrawn only on its own 404/410 on N consecutive runs while the site is
otherwise healthy (other articles of the source answered in the same run). When more than
`suspect_share` of the watched documents would go at once, none is withdrawn: they are held
as `suspect`, and the crawl reports a health problem instead. A withdrawn document that answers
again is restored, with a `document.restored` change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from storage.changes import iso, record_change, utcnow
from storage.db import immediate, update_row
from storage.kinds.documents import DocumentRestored, DocumentWithdrawn
from storage.routing import DEFAULT_ROUTES, RouteFilter
from storage.vocab import CONTENT_CATEGORIES, RELEVANT_CATEGORIES, Severity

WATCHED_CLOSELY = CONTENT_CATEGORIES  # re-checked on every run: the share is taken of these
RELEVANT = RELEVANT_CATEGORIES
LIVE_LIKE = ("live", "suspect")


@dataclass
class MissingOutcome:
    """What one run's 404/410s came to: the changes written, and a problem for the health record."""

    change_ids: list[int] = field(default_factory=list)
    problem: str | None = None


def _display(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"title": row["title"], "url": row["canonical_url"], "doc_number": row["doc_number"],
            "published_at": row["published_at"], "stage": row["stage"]}


def record_missing_run(db: Database, source_id: str, missing: Mapping[str, int], *, answered: int,
                       withdraw_after: int, suspect_share: float, baseline: bool = False,
                       routes: Sequence[RouteFilter] = DEFAULT_ROUTES) -> MissingOutcome:
    """Fold in one run's 404/410s (doc_key → status). `answered` counts this run's articles
    that answered 200 or 304: with none, the site is not healthy and nothing is counted."""
    outcome = MissingOutcome()
    if not missing:
        return outcome
    if answered == 0:
        outcome.problem = (f"{len(missing)} documents answered 404/410 and no article answered normally: "
                           "a site fault is assumed and nothing is counted towards withdrawal")
        return outcome
    now = iso(utcnow())
    with immediate(db):
        marks = ",".join("?" * len(missing))
        rows = [dict(r) for r in db.query(
            f"select * from documents where source_id = ? and doc_key in ({marks})", [source_id, *missing])]
        due = []
        for row in rows:
            if row["status"] not in LIVE_LIKE:
                continue
            runs = int(row["missing_runs"] or 0) + 1
            db.table("documents").update(row["id"], {"missing_runs": runs})
            if runs >= withdraw_after:
                due.append((row, runs))
        watched = db.execute(
            f"select count(*) from documents where source_id = ? and status in ('live', 'suspect') "
            f"and category in ({','.join('?' * len(WATCHED_CLOSELY))})", [source_id, *map(str, WATCHED_CLOSELY)]
        ).fetchone()[0]
        if due and len(due) > suspect_share * max(watched, 1):
            for row, _ in due:
                db.table("documents").update(row["id"], {"status": "suspect"})
            outcome.problem = (f"{len(due)} of {watched} watched documents would be withdrawn at once "
                               f"(more than {suspect_share:.0%}): held as suspect for review, none withdrawn")
            return outcome
        for row, runs in due:
            db.table("documents").update(row["id"], {"status": "withdrawn", "withdrawn_at": now})
            if baseline or row["category"] not in RELEVANT:
                continue
            status = missing[row["doc_key"]]
            outcome.change_ids.append(record_change(db, {
                "kind": DocumentWithdrawn.kind, "source_id": row["source_id"], "document_id": row["id"],
                "category": row["category"], "authority": row["authority"], "severity": Severity.WARNING,
                "summary": f"文件已撤下（HTTP {status}，连续{runs}次）：{row['title']}",
                "details": {"http_status": status, "runs": runs}, **_display(row),
            }, routes))
    return outcome


def mark_answering(db: Database, doc_key: str, http_status: int, *, baseline: bool = False,
                   routes: Sequence[RouteFilter] = DEFAULT_ROUTES, now: str | None = None) -> int | None:
    """The document answered 200 or 304: it is live. One that had been withdrawn is restored
    with a change (a suspect one was never announced as gone, so it returns quietly)."""
    now = now or iso(utcnow())
    with immediate(db):
        row = next(iter(db.query("select * from documents where doc_key = ?", [doc_key])), None)
        if row is None:
            return None
        update_row(db, "documents", row["id"], {"status": "live", "missing_runs": 0, "last_seen": now,
                                                "withdrawn_at": None})
        if row["status"] != "withdrawn" or baseline or row["category"] not in RELEVANT:
            return None
        return record_change(db, {
            "kind": DocumentRestored.kind, "source_id": row["source_id"], "document_id": row["id"],
            "category": row["category"], "authority": row["authority"], "severity": Severity.WARNING,
            "summary": f"已撤下的文件恢复访问（HTTP {http_status}）：{row['title']}",
            "details": {"http_status": http_status, "withdrawn_at": row["withdrawn_at"]}, **_display(row),
        }, routes)
