"""The white list as a time series: proposals, final lists, revocations, and their diffs.

`list_entries` rows are never deleted. A row is valid from `valid_from` until `valid_to`
(exclusive; NULL = still valid), so "the list on date D" is one query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from diff.entities import ListEntry, diff_entries
from diff.names import normalize_name, short_form_match
from storage.kinds.lists import EntryAdded, EntryChanged, EntryRemoved, ListProposed
from storage.model import IncomingDocument
from storage.vocab import Outcome, Stage


@dataclass
class ListChange:
    kind: str
    summary: str
    entity: str | None
    details: dict[str, Any]
    suspect: bool = False


@dataclass
class ListOutcome:
    changes: list[ListChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _entry_dict(e: Any) -> dict[str, Any]:
    def get(key: str) -> Any:
        return e.get(key) if isinstance(e, dict) else getattr(e, key, None)

    return {"enterprise": get("enterprise"), "province": get("province"), "type": get("type")}


def current_entries(db: Database, *, stage: str = Stage.FINAL, batch: int | None = None) -> list[dict[str, Any]]:
    sql = "select * from list_entries where valid_to is null and stage = ?"
    params: list[Any] = [stage]
    if batch is not None:
        sql += " and batch = ?"
        params.append(batch)
    return list(db.query(sql + " order by batch, id", params))


def list_on(db: Database | sqlite3.Connection, day: str, *, include_proposed: bool = False, type_: str = "",
            province: str = "", batch: int | None = None) -> list[dict[str, Any]]:
    """The list as it stood on `day` (YYYY-MM-DD): the entries valid that day, each with its document's
    number, title and URL. The one query behind `list`, `export --what list` and the web UI's list."""
    conn = db.conn if isinstance(db, Database) else db
    stages = (Stage.FINAL, Stage.PROPOSED) if include_proposed else (Stage.FINAL,)
    sql = f"""select e.*, d.doc_number, d.title, d.canonical_url as url
              from list_entries e left join documents d on d.id = e.document_id
              where e.stage in ({",".join("?" for _ in stages)}) and e.valid_from <= ?
              and (e.valid_to is null or e.valid_to > ?)"""
    params: list[Any] = [*(str(s) for s in stages), day, day]
    if type_:
        sql += " and e.type like ?"
        params.append(f"%{type_}%")
    if province:
        sql += " and e.province = ?"
        params.append(province)
    if batch is not None:
        sql += " and e.batch = ?"
        params.append(batch)
    cursor = conn.execute(sql + " order by e.batch, e.id", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


@dataclass(frozen=True)
class Dating:
    """When list entries count from: the publication day, or, for an in-place edit found later,
    the day regwatch first observed it (never backdated to the publication)."""

    day: str  # valid_from (and valid_to of what it replaces), YYYY-MM-DD, Beijing time
    published_on: str | None = None
    observed_at: str | None = None
    dated_by: str = "published"  # or "observed"


def _insert(db: Database, entries: Sequence[ListEntry], doc: IncomingDocument, document_id: int,
            version_id: int, stage: str, day: str, dating: Dating | None = None) -> None:

    dating = dating or Dating(day)
    db.table("list_entries").insert_all(
        {
            "published_on": dating.published_on,
            "observed_at": dating.observed_at,
            "dated_by": dating.dated_by,
            "enterprise": e.enterprise,
            "normalized_name": normalize_name(e.enterprise),
            "province": e.province,
            "type": e.type,
            "batch": doc.batch,
            "stage": stage,
            "document_id": document_id,
            "version_id": version_id,
            "evidence_sha256": _evidence(doc),
            "valid_from": day,
        }
        for e in entries
    )


def _evidence(doc: IncomingDocument) -> str:
    for a in doc.attachments:
        if a.parse_status == "ok" and a.tables and a.sha256:
            return a.sha256
    return doc.raw_sha256


def _close(db: Database, ids: Sequence[int], day: str, document_id: int, reason: str) -> None:
    for entry_id in ids:
        db.table("list_entries").update(entry_id, {"valid_to": day, "ended_by_document_id": document_id,
                                             "end_reason": reason})


def apply_list_document(db: Database, doc: IncomingDocument, document_id: int, version_id: int,
                        day: str, *, suspect_share: float, previous_entries: list[dict[str, Any]] | None = None,
                        dating: Dating | None = None) -> ListOutcome:
    """Fold one white-list document into the time series and say what changed.

    previous_entries: for an edited document, the entries its previous version contributed.
    dating: how `day` was chosen (publication, or observation of an in-place edit).
    """

    out = ListOutcome()
    if doc.list_kind == "revocation":
        return _revocation(db, doc, document_id, day, suspect_share)
    if doc.list_kind == "rename":
        return _renames(db, doc, document_id, version_id, day)
    if doc.entries is None:
        out.problems.append(doc.list_problem or "the list could not be read; entries kept as they were")
        return out
    if not doc.entries:
        out.problems.append("the list in this document is empty; entries kept as they were")
        return out
    stage = (Stage.PROPOSED if doc.list_kind == "proposed" else Stage.FINAL).value
    if previous_entries is not None:
        old = previous_entries
        _close(db, [r["id"] for r in previous_entries], day, document_id, "superseded by a new version")
    elif stage == Stage.FINAL:
        old = current_entries(db, stage=Stage.PROPOSED, batch=doc.batch)
        _close(db, [r["id"] for r in old], day, document_id, "final list published")
    else:
        old = None
    _insert(db, doc.entries, doc, document_id, version_id, stage, day, dating)
    batch = doc.batch
    if old is None:
        entries = [_entry_dict(e) for e in doc.entries]
        which = f"第{batch}批" if batch else ""
        out.changes.append(ListChange(
            kind=ListProposed.kind,
            summary=f"公示{which}拟公告企业名单（{len(entries)}家）",
            entity=None,
            details={"batch": batch, "stage": Stage.PROPOSED.value, "deadline": doc.deadline, "entries": entries},
        ))
        return out
    diff = diff_entries([_entry_dict(r) for r in old], list(doc.entries))
    base = len(current_entries(db)) + len(old)
    suspect = bool(base) and len(diff.removed) > suspect_share * base
    was = Stage.PROPOSED.value if previous_entries is None else "上一版本"
    gone = Outcome.WITHDRAWN if stage == Stage.PROPOSED else Outcome.DROPPED
    for e in diff.removed:
        e = _entry_dict(e)
        out.changes.append(ListChange(
            kind=EntryRemoved.kind, entity=e["enterprise"], suspect=suspect,
            summary=f"第{batch}批{gone.zh}：{e['enterprise']}（{was}中有，{stage}中无）",
            details={"batch": batch, **e, "reason": f"listed in the {was} but not in the {stage}"}))
    renamed = {id(new_e) for _, new_e, _ in diff.changed}
    really_new = {id(e) for e in diff.added}
    proposed_names = {r.get("normalized_name") for r in old}
    for e in doc.entries:
        # A final list puts every enterprise that is not a corrected one onto the list: confirmed
        # from its 公示, or new. An edited version only adds what the previous version lacked.
        if id(e) in renamed or (previous_entries is not None and id(e) not in really_new):
            continue
        confirmed = normalize_name(e.enterprise) in proposed_names
        d = _entry_dict(e)
        out.changes.append(ListChange(
            kind=EntryAdded.kind, entity=d["enterprise"],
            summary=f"第{batch}批{stage}名单列入：{d['enterprise']}" + ("（公示后确认）" if confirmed else ""),
            details={"batch": batch, **d,
                     "reason": f"confirmed from the {was}" if confirmed else f"new in the {stage}"}))
    for old_e, new_e, fields in diff.changed:
        o, n = _entry_dict(old_e), _entry_dict(new_e)
        what = "、".join({"enterprise": "名称", "province": "省份", "type": "类型"}.get(f, f) for f in fields)
        out.changes.append(ListChange(
            kind=EntryChanged.kind, entity=n["enterprise"],
            summary=f"第{batch}批名单变更（{what}）：{o['enterprise']} → {n['enterprise']}",
            details={"batch": batch, "old": o, "new": n, "fields": list(fields)}))
    return out


def _renames(db: Database, doc: IncomingDocument, document_id: int, version_id: int, day: str) -> ListOutcome:
    """An announced name change: the entry ends under its old name and goes on under the new one,
    with its batch, province and type — one change, never a removal plus an addition."""

    out = ListOutcome()
    current = current_entries(db)
    for old_text, new_name in doc.renames:
        wanted = normalize_name(old_text)
        hits = [r for r in current if r["normalized_name"] and r["normalized_name"] == wanted] or \
               [r for r in current if r["normalized_name"] and len(r["normalized_name"]) >= 6
                and wanted.endswith(r["normalized_name"])]
        if len(hits) != 1:
            out.problems.append(f"name change {old_text} → {new_name} matches {len(hits)} listed enterprises; "
                                "the list is unchanged for it")
            continue
        row = hits[0]
        _close(db, [row["id"]], day, document_id, "renamed")
        renamed = ListEntry(new_name, row["province"], row["type"])
        _insert(db, [renamed], replace(doc, batch=row["batch"]), document_id, version_id, row["stage"], day)
        old = {"enterprise": row["enterprise"], "province": row["province"], "type": row["type"]}
        new = {**old, "enterprise": new_name}
        out.changes.append(ListChange(
            kind=EntryChanged.kind, entity=new_name,
            summary=f"企业名称变更（第{row['batch']}批）：{row['enterprise']} → {new_name}",
            details={"batch": row["batch"], "old": old, "new": new, "fields": ["enterprise"],
                     "reason": "renamed by announcement (名称变更)"}))
    return out


def _revocation(db: Database, doc: IncomingDocument, document_id: int, day: str,
                suspect_share: float) -> ListOutcome:
    """A revocation names enterprises; end their entries. Names come from the document's table
    where it has one, else from listed names found in its text."""

    out = ListOutcome()
    current = current_entries(db)
    named: list[dict[str, Any]] = []
    if doc.entries:
        by_name: dict[str, list[dict[str, Any]]] = {}
        for row in current:
            by_name.setdefault(row["normalized_name"], []).append(row)
        for entry in doc.entries:
            wanted = normalize_name(entry.enterprise)
            hits = by_name.get(wanted) or [r for r in current if short_form_match(wanted, r["normalized_name"])]
            if len({r["normalized_name"] for r in hits}) == 1:
                named.extend(h for h in hits if h not in named)
            else:
                out.problems.append(f"revocation names {entry.enterprise}, which matches "
                                    f"{len(hits)} listed enterprises; nothing removed for it")
    else:
        haystack = normalize_name(doc.text + "\n" + "\n".join(a.text for a in doc.attachments))
        named = [row for row in current if row["normalized_name"] and row["normalized_name"] in haystack]
    if not named:
        out.problems.append("a revocation names no enterprise on the current list; nothing removed")
        return out
    suspect = len(named) > suspect_share * max(len(current), 1)
    _close(db, [r["id"] for r in named], day, document_id, "revoked")
    for row in named:
        out.changes.append(ListChange(
            kind=EntryRemoved.kind, entity=row["enterprise"], suspect=suspect,
            summary=f"撤销规范条件企业资格：{row['enterprise']}（第{row['batch']}批）",
            details={"batch": row["batch"], "enterprise": row["enterprise"], "province": row["province"],
                     "type": row["type"], "reason": "revoked (撤销/取消)", "revoked_on": day}))
    return out
