"""The white list on one day, as verification needs it: who is listed, proposed, revoked,
dropped after its 公示, or renamed — each row with the document that says so.

Read once per verification run, so that checking thousands of suppliers costs one pass over
`list_entries`, not one query per supplier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlite_utils import Database

# A 公示 name and a 公告 name of the same batch this close are one enterprise, corrected.
CORRECTION_DISTANCE = 2


@dataclass
class ListView:
    """Rows of `list_entries` by what they mean on `day`. Each row carries `state`."""

    day: str
    listed: list[dict[str, Any]] = field(default_factory=list)
    proposed: list[dict[str, Any]] = field(default_factory=list)
    revoked: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    renamed: dict[str, dict[str, Any]] = field(default_factory=dict)  # old normalised name → new row
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)

    def document(self, document_id: int | None) -> dict[str, Any]:
        return self.documents.get(int(document_id), {}) if document_id else {}

    def all_rows(self) -> list[dict[str, Any]]:
        return [*self.listed, *self.proposed, *self.revoked, *self.dropped, *self.removed]


def load_list_view(db: Database, day: str) -> ListView:
    """Classify every list entry as of `day` (YYYY-MM-DD)."""
    view = ListView(day)
    view.documents = {r["id"]: r for r in db.query(
        "select id, title, doc_number, canonical_url, published_at, stage, batch from documents "
        "where category = 'whitelist'")}
    rows = [dict(r) for r in db.query("select * from list_entries where valid_from <= ? order by id", [day])]
    live = [r for r in rows if r["valid_to"] is None or r["valid_to"] > day]
    ended = [r for r in rows if r["valid_to"] is not None and r["valid_to"] <= day]
    final_by_doc: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        if r["stage"] == "公告":
            final_by_doc.setdefault(r["document_id"], []).append(r)
    listed_names = set()
    for r in live:
        if r["stage"] == "公告":
            view.listed.append({**r, "state": "listed"})
            listed_names.add(r["normalized_name"])
        else:
            view.proposed.append({**r, "state": "proposed"})
    by_id = {r["id"]: r for r in view.listed}
    for r in ended:
        if r["normalized_name"] in listed_names:
            continue
        reason = r["end_reason"] or ""
        if reason == "revoked":
            view.revoked.append({**r, "state": "revoked"})
        elif reason == "renamed" or (r["stage"] == "公示" and reason == "final list published"):
            successor = _successor(r, final_by_doc.get(r["ended_by_document_id"], []))
            if successor is not None and successor["normalized_name"] == r["normalized_name"]:
                continue  # confirmed by its 公告 under the same name, then ended there
            if successor is not None:
                view.renamed[r["normalized_name"]] = by_id.get(successor["id"], {**successor, "state": "ended"})
            elif r["stage"] == "公示":
                view.dropped.append({**r, "state": "dropped"})
        elif r["stage"] == "公告" and reason != "superseded by a new version":
            view.removed.append({**r, "state": "removed"})
    return view


def _successor(row: dict[str, Any], finals: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The 公告 row that continues a 公示 or renamed row: the same name, or the rename's new name,
    or a correction within CORRECTION_DISTANCE characters in the same province."""
    same = [f for f in finals if f["normalized_name"] == row["normalized_name"]]
    if same:
        return same[0]
    if row["end_reason"] == "renamed":
        fresh = [f for f in finals if f["valid_from"] == row["valid_to"] and f["batch"] == row["batch"]
                 and f["province"] == row["province"]]
        return fresh[0] if len(fresh) == 1 else None
    close = [f for f in finals if f["province"] == row["province"]
             and Levenshtein.distance(f["normalized_name"], row["normalized_name"],
                                      score_cutoff=CORRECTION_DISTANCE + 1) <= CORRECTION_DISTANCE]
    return close[0] if len(close) == 1 else None
