"""Check suppliers against the white list, with the evidence a compliance file needs."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from storage.vocab import Outcome

NAME_COLUMNS = ("企业名称", "供应商", "供应商名称", "单位名称", "公司名称", "name", "supplier", "enterprise", "company")


def read_supplier_args(args: list[str]) -> list[str]:
    """Each argument is a name, or a .csv/.xlsx/.txt file of names (a name column, else the first)."""
    names: list[str] = []
    for arg in args:
        path = Path(arg)
        if path.suffix.lower() in (".csv", ".xlsx", ".txt") and path.is_file():
            names.extend(_names_from_file(path))
        elif path.suffix.lower() in (".csv", ".xlsx", ".txt"):
            raise ValueError(f"supplier file {arg} does not exist")
        else:
            names.append(arg)
    return [n for n in (x.strip() for x in names) if n]


def _names_from_rows(rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    header = [str(c or "").strip().lower() for c in rows[0]]
    for wanted in NAME_COLUMNS:
        if wanted.lower() in header:
            col = header.index(wanted.lower())
            return [str(r[col] or "") for r in rows[1:] if len(r) > col]
    return [str(r[0] or "") for r in rows if r]


def _names_from_file(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return path.read_text("utf-8-sig").splitlines()
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        return _names_from_rows(list(csv.reader(io.StringIO(text))))
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    rows = [[("" if c is None else str(c)) for c in row] for row in wb.active.iter_rows(values_only=True)]
    return _names_from_rows(rows)


def _evidence(db: Database, row: dict[str, Any]) -> dict[str, Any]:
    doc = db["documents"].get(row["document_id"]) if row.get("document_id") else {}
    return {"batch": row["batch"], "doc_number": doc.get("doc_number"), "url": doc.get("canonical_url"),
            "evidence_sha256": row.get("evidence_sha256"), "since": row.get("valid_from")}


def verify_names(db: Database, names: list[str], *, as_of: str | None = None,
                 probable_at: float = 0.75) -> list[dict[str, Any]]:
    """One status per supplier: listed, probable (needs review), proposed, removed, not_found."""
    from diff.names import best_matches, normalize_name, short_form_match
    from regwatch.app import today_shanghai
    from storage.whitelist import list_on

    day = as_of or today_shanghai()
    listed = list_on(db, day)
    proposed = [r for r in db.query(
        "select * from list_entries where stage = '公示' and valid_from <= ? and (valid_to is null or valid_to > ?)",
        [day, day])]
    ended = list(db.query(
        "select * from list_entries where stage = '公告' and valid_to is not null and valid_to <= ? "
        "and end_reason = 'revoked' order by valid_to desc", [day]))
    out = []
    for name in names:
        key = normalize_name(name)
        row: dict[str, Any] = {"supplier": name, "status": "not_found", "matched_name": None, "score": 0.0,
                               "batch": None, "doc_number": None, "url": None, "evidence_sha256": None}
        exact = next((r for r in listed if r["normalized_name"] == key), None)
        if exact is not None:
            out.append({**row, "status": "listed", "what": Outcome.LISTED.value,
                        "matched_name": exact["enterprise"], "score": 1.0,
                        **_evidence(db, exact)})
            continue
        removed = next((r for r in ended if r["normalized_name"] == key
                        or short_form_match(key, r["normalized_name"])), None)
        if removed is not None:
            doc = db["documents"].get(removed["ended_by_document_id"]) if removed["ended_by_document_id"] else {}
            out.append({**row, "status": "removed", "what": Outcome.REVOKED.value,
                        "matched_name": removed["enterprise"], "score": 1.0,
                        **_evidence(db, removed), "removed_on": removed["valid_to"],
                        "removed_by": doc.get("doc_number") or doc.get("title"),
                        "removed_url": doc.get("canonical_url")})
            continue
        short = next((r for r in listed if short_form_match(key, r["normalized_name"])), None)
        if short is not None:
            out.append({**row, "status": "probable", "matched_name": short["enterprise"], "score": 0.9,
                        "how": "short form", **_evidence(db, short)})
            continue
        pending = next((r for r in proposed if r["normalized_name"] == key
                        or short_form_match(key, r["normalized_name"])), None)
        if pending is not None:
            out.append({**row, "status": "proposed", "what": Outcome.PROPOSED.value,
                        "matched_name": pending["enterprise"], "score": 1.0,
                        **_evidence(db, pending)})
            continue
        candidates = {r["enterprise"]: r for r in listed}
        best = best_matches(name, list(candidates), limit=1)
        if best and best[0][1] >= probable_at:
            match, score, how = best[0]
            out.append({**row, "status": "probable", "matched_name": match, "score": round(float(score), 3),
                        "how": how, **_evidence(db, candidates[match])})
            continue
        out.append(row)
    return out
