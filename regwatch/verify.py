"""Check suppliers against the white list, with the evidence a compliance file needs.

Each supplier gets one status: listed, probable (a person must confirm; the reason says why),
proposed (公示 only), dropped (in a 公示, not in its 公告), revoked (撤销/取消), removed (ended
otherwise) or not_found. The list is read once into indexes, so a file of thousands of
suppliers costs one pass over the list plus one lookup per supplier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from diff.english import EnglishIndex, is_english
from diff.names import NameIndex, name_core, normalize_name, split_site_suffix
from regwatch.app import today_shanghai
from regwatch.supplierfile import read_supplier_args
from storage.listview import ListView, load_list_view

__all__ = ["FIELDS", "Verifier", "read_supplier_args", "verify_names"]

FIELDS = ("supplier", "status", "matched_name", "score", "how", "reason", "candidates", "batch", "doc_number",
          "published", "url", "evidence_sha256", "since", "listed_url", "removed_on", "removed_by",
          "removed_url", "entry_id", "warning")
PROBABLE_AT = 0.75
AMBIGUOUS_CORE = 4  # a short name of up to this many characters may fit several enterprises
STATE_ORDER = {"listed": 0, "proposed": 1, "revoked": 2, "dropped": 3, "removed": 4}


@dataclass
class Found:
    """One verdict before it is dressed with its evidence."""

    status: str
    row: dict[str, Any] | None
    score: float = 0.0
    how: str = ""
    reason: str = ""
    candidates: tuple[tuple[str, float], ...] = ()


class Verifier:
    """The list of one day, indexed for many lookups."""

    def __init__(self, view: ListView) -> None:
        self.view = view
        self.exact: dict[str, dict[str, Any]] = {}
        for row in sorted(view.all_rows(), key=lambda r: (STATE_ORDER[r["state"]], -int(r["id"]))):
            self.exact.setdefault(row["normalized_name"], row)
        self.rows_by_name: dict[str, dict[str, Any]] = {}
        for row in self.exact.values():
            self.rows_by_name.setdefault(row["enterprise"], row)
        names = list(self.rows_by_name)
        self.index = NameIndex(names)
        self.cores = [(n, name_core(n), name_core(n.split("市", 1)[-1])) for n in names]
        self.bigrams: dict[str, set[int]] = {}  # two characters of a core → the names whose core has them
        for i, (_n, c1, c2) in enumerate(self.cores):
            for core in {c1, c2}:
                for k in range(len(core) - 1):
                    self.bigrams.setdefault(core[k:k + 2], set()).add(i)
        self._english: EnglishIndex | None = None

    @classmethod
    def load(cls, db: Database, day: str) -> Verifier:
        return cls(load_list_view(db, day))

    @property
    def english(self) -> EnglishIndex:
        if self._english is None:
            self._english = EnglishIndex(self.rows_by_name)
        return self._english

    def find(self, name: str) -> Found:
        if is_english(name):
            return self._english_name(name)
        base, site = split_site_suffix(name)
        key = normalize_name(base)
        note = f"（{site}） read as a site of the registered name" if site else ""
        row = self.exact.get(key)
        if row is not None:
            return Found(row["state"], row, 1.0, "exact" + (", site suffix" if site else ""), note)
        renamed = self.view.renamed.get(key)
        if renamed is not None:
            return Found(renamed.get("state", "listed"), renamed, 1.0, "renamed",
                         f"listed under its new name {renamed['enterprise']} since {renamed['valid_from']}")
        return self._fuzzy(base)

    def _fuzzy(self, name: str) -> Found:
        ranked = {m: (score, how) for m, score, how in self.index.best(name, limit=5, min_score=0.5)}
        core = name_core(name)
        if 2 <= len(core) <= AMBIGUOUS_CORE:
            for i in sorted(self.bigrams.get(core[:2], ())):
                full, c1, c2 = self.cores[i]
                if full not in ranked and (core in c1 or core in c2):
                    ranked[full] = (0.9, "short_form")
        if not ranked:
            return Found("not_found", None)
        order = sorted(ranked.items(), key=lambda kv: (-kv[1][0], STATE_ORDER[self.rows_by_name[kv[0]]["state"]]))
        candidates = tuple((m, s) for m, (s, _) in order)
        top, (score, how) = order[0]
        row = self.rows_by_name[top]
        short = [m for m, (_s, h) in order if h == "short_form"]
        if how == "short_form" and len(short) > 1:
            return Found("probable", row, score, "short form, ambiguous",
                         f"{name} is a short name that fits {len(short)} enterprises: {'、'.join(short)}; "
                         "confirm which one is the supplier", candidates)
        if how == "short_form":
            if row["state"] in ("revoked", "dropped"):
                return Found(row["state"], row, score, "short form",
                             f"{name} reads as a short form of {top}", candidates)
            return Found("probable", row, score, "short form",
                         f"{name} reads as a short form of {top}, not its registered name", candidates)
        if score >= PROBABLE_AT:
            return Found("probable", row, score, "fuzzy",
                         f"the names differ (similarity {score:.2f}); a typo or an older name of {top}?", candidates)
        return Found("not_found", None, 0.0, "", "", candidates)

    def _english_name(self, name: str) -> Found:
        matches = self.english.best(name, limit=5)
        if not matches:
            return Found("not_found", None, 0.0, "english", "no listed enterprise fits this English name")
        top = matches[0]
        row = self.rows_by_name[top.name]
        candidates = tuple((m.name, m.score) for m in matches)
        rivals = [m for m in matches[1:] if m.score == top.score]
        if top.certain and not rivals:
            status = row["state"]
            reason = f"the pinyin of {top.name} with its place and every word of the name"
        else:
            status = "probable"
            reason = top.reason or "an English rendering"
            if rivals:
                reason += f"; equally close: {'、'.join(m.name for m in rivals)}"
        return Found(status, row, top.score, top.how, reason, candidates)

    def verify(self, name: str) -> dict[str, Any]:
        return self.dress(name, self.find(name))

    def dress(self, name: str, found: Found) -> dict[str, Any]:
        """The output row: the verdict plus batch, document, URL and evidence hash."""
        out: dict[str, Any] = dict.fromkeys(FIELDS)
        out.update(supplier=name, status=found.status, score=round(found.score, 4), how=found.how or None,
                   reason=found.reason or None,
                   candidates="; ".join(f"{m} ({s:.2f})" for m, s in found.candidates[:8]) or None)
        row = found.row
        if row is None:
            return out
        doc = self.view.document(row.get("document_id"))
        out.update(matched_name=row["enterprise"], batch=row["batch"], doc_number=doc.get("doc_number"),
                   published=(doc.get("published_at") or "")[:10] or None, url=doc.get("canonical_url"),
                   listed_url=doc.get("canonical_url"), evidence_sha256=row.get("evidence_sha256"),
                   since=row.get("valid_from"), entry_id=row.get("id"))
        if found.status in ("revoked", "dropped", "removed") or row.get("state") in ("revoked", "dropped", "removed"):
            ended = self.view.document(row.get("ended_by_document_id"))
            out.update(removed_on=row.get("valid_to"), removed_by=ended.get("doc_number") or ended.get("title"),
                       removed_url=ended.get("canonical_url"))
            out["url"] = ended.get("canonical_url") or out["url"]
            if not out["reason"]:
                out["reason"] = {"revoked": "revoked (撤销/取消)",
                                 "dropped": f"in the 公示 of batch {row['batch']}, not in its 公告"}.get(
                    row["state"], row.get("end_reason"))
        return out


def verify_names(db: Database, names: list[str], *, as_of: str | None = None) -> list[dict[str, Any]]:
    """One status per supplier: listed, probable, proposed, dropped, revoked, removed, not_found;
    or unknown where it would be not_found but a source was never read successfully."""
    verifier = Verifier.load(db, as_of or today_shanghai())
    rows = [verifier.verify(name) for name in names]
    unread = unread_sources(db)
    if unread:
        # "Not found" in a database that never read the list is no answer: say so.
        warning = (f"no good crawl of {', '.join(unread)} in this database yet; "
                   "not_found cannot be told apart from never read")
        rows = [{**row, "status": "unknown", "warning": warning} if row["status"] == "not_found" else row
                for row in rows]
    return rows


def unread_sources(db: Database) -> list[str]:
    """Sources this database has no good crawl of ('any source' when none was ever crawled)."""
    rows = list(db.query("select id, last_good_run_at from sources order by id"))
    if not rows:
        return ["any source"]
    return [r["id"] for r in rows if not r["last_good_run_at"]]
