"""The outbox state machine in SQL: claim due rows under a lease, then mark each one.

pending/failed --claim (lease)--> sent | failed (retry later) | dead
A claim happens inside BEGIN IMMEDIATE, so two workers can never lease the same row. A worker
that dies holding a lease loses it when lease_until passes; the next worker resends the row
under the same delivery id.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from storage.changes import iso

PENDING, FAILED, SENT, DEAD = "pending", "failed", "sent", "dead"

_DUE = ("status IN ('pending', 'failed') AND next_attempt_at <= :now "
        "AND (lease_until IS NULL OR lease_until <= :now)")


def retry_delay(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with 'equal jitter': half the delay fixed, half random, so retries
    after a shared outage do not all land on the receiver in the same second."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + (rng or random).uniform(0, delay / 2)


def _marks(ids: Iterable[int]) -> tuple[str, list[int]]:
    ids = list(ids)
    return ",".join("?" * len(ids)), ids


def claim_due(db: Database, *, now: datetime, owner: str, lease_seconds: float, limit: int,
              digest_routes: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Lease up to `limit` due rows (plus every due row of a digest route+channel among them,
    so a digest is never split) and return them, oldest first."""
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("claim_due must not run inside an open transaction")
    params = {"now": iso(now)}
    digest_routes = frozenset(digest_routes)
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute(f"SELECT id, route, channel, bundle FROM outbox WHERE {_DUE} "
                            "ORDER BY next_attempt_at, id LIMIT :limit", {**params, "limit": limit}).fetchall()
        ids = {row[0] for row in rows}
        for route, channel in {(r[1], r[2]) for r in rows if r[1] in digest_routes}:
            more = conn.execute(f"SELECT id FROM outbox WHERE {_DUE} AND route = :route AND channel = :channel",
                                {**params, "route": route, "channel": channel}).fetchall()
            ids.update(r[0] for r in more)
        for route, channel, bundle in {(r[1], r[2], r[3]) for r in rows if r[3] and r[1] not in digest_routes}:
            _whole_bundle(conn, ids, route, channel, bundle, params["now"])
        claimed: list[dict[str, Any]] = []
        if ids:
            marks, values = _marks(sorted(ids))
            until = iso(now + timedelta(seconds=lease_seconds))
            conn.execute(f"UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN ({marks})",
                         [owner, until, *values])
            cursor = conn.execute(f"SELECT * FROM outbox WHERE id IN ({marks}) ORDER BY next_attempt_at, id",
                                  values)
            names = [d[0] for d in cursor.description]
            claimed = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return claimed


def _whole_bundle(conn: Any, ids: set[int], route: str, channel: str, bundle: str, now: str) -> None:
    """A bundle's undelivered rows are claimed together or not at all: all of them join the
    claim, unless another worker holds a lease on any of them, in which case none does."""
    members = conn.execute("SELECT id, lease_until FROM outbox WHERE route = ? AND channel = ? AND bundle = ? "
                           "AND status IN ('pending', 'failed')", [route, channel, bundle]).fetchall()
    if any(lease and lease > now for _, lease in members):
        ids.difference_update(m[0] for m in members)
    else:
        ids.update(m[0] for m in members)


def bundle_members(db: Database, route: str, channel: str, bundle: str) -> list[dict[str, Any]]:
    """Every row of a bundle, delivered or not, in outbox order: what a split is computed over."""
    return list(db.query("SELECT id, created_at FROM outbox WHERE route = ? AND channel = ? AND bundle = ? "
                         "ORDER BY id", [route, channel, bundle]))


def renew(db: Database, ids: Iterable[int], owner: str, until: datetime) -> None:
    marks, values = _marks(ids)
    if values:
        db.execute(f"UPDATE outbox SET lease_until = ? WHERE lease_owner = ? AND id IN ({marks})",
                   [iso(until), owner, *values])


def mark_sent(db: Database, row_id: int, now: datetime) -> None:
    """Delivered: recorded even if our lease lapsed meanwhile, because the send did happen."""
    db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
               "lease_owner = NULL, lease_until = NULL WHERE id = ? AND status != 'sent'", [iso(now), row_id])


def mark_failed(db: Database, row_id: int, owner: str, error: str, next_at: datetime, *, dead: bool) -> bool:
    """Record a failed attempt; False when the row is no longer ours (another worker took it)."""
    cursor = db.execute(
        "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
        "lease_owner = NULL, lease_until = NULL "
        "WHERE id = ? AND lease_owner = ? AND status IN ('pending', 'failed')",
        [DEAD if dead else FAILED, error, iso(next_at), row_id, owner])
    return cursor.rowcount == 1


def release(db: Database, ids: Iterable[int], owner: str, next_at: datetime) -> None:
    """Hand back rows that were never tried (their channel failed earlier in the pass)."""
    marks, values = _marks(ids)
    if values:
        db.execute(f"UPDATE outbox SET lease_owner = NULL, lease_until = NULL, next_attempt_at = ? "
                   f"WHERE lease_owner = ? AND id IN ({marks}) AND status IN ('pending', 'failed')",
                   [iso(next_at), owner, *values])
