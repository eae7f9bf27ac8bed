"""Health per part of a source: each column page, each column's listing API, the search API
and each attachment kind, so an alert can say *what* failed, not only that something did.

A part that answered, but with zero rows where its last good run had rows, is degraded: a
listing that suddenly yields nothing is a failure, never content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from storage.vocab import Health

# Parts whose row count is compared with their last good run (listings and search results).
_COUNTED = ("listing API ", "search API")


@dataclass(frozen=True)
class PartChange:
    part: str
    state: str
    previous: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"part": self.part, "state": self.state, "previous": self.previous, "reason": self.reason}


def part_rows(db: Database, source_id: str) -> list[dict[str, Any]]:
    return list(db.query("select * from source_parts where source_id = ? order by part", [source_id]))


def update_parts(db: Database, source_id: str, parts: Mapping[str, Mapping[str, Any]],
                 now_iso: str) -> tuple[dict[str, str], list[PartChange]]:
    """Store this run's state of each part it touched; return those states and the changes.

    Parts this run did not reach (a listing API behind a failed column page) keep their state.
    """
    stored = {r["part"]: r for r in part_rows(db, source_id)}
    states: dict[str, str] = {}
    changes: list[PartChange] = []
    for name, run in parts.items():
        row = stored.get(name) or {}
        state, reason, rows = str(run["state"]), str(run.get("reason") or ""), int(run.get("rows") or 0)
        last_rows = row.get("last_rows") or 0
        if state == Health.OK and name.startswith(_COUNTED) and rows == 0 and last_rows > 0:
            state = Health.DEGRADED.value
            reason = f"answered with 0 rows where its last good run had {last_rows}"
        previous = row.get("health") or Health.OK.value
        update: dict[str, Any] = {"source_id": source_id, "part": name, "health": state, "reason": reason,
                                  "last_run_at": now_iso}
        if state == Health.OK:
            update.update({"last_good_at": now_iso, "last_rows": rows})
        if state != previous or not row:
            update["since"] = now_iso
        db.table("source_parts").upsert(update, pk=("source_id", "part"))
        states[name] = state
        if state != previous:
            changes.append(PartChange(name, state, previous, reason))
    return states, changes
