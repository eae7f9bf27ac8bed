"""The replica's timeline, as data: what each state publishes and which changes it should produce.

State N shows everything of the states up to N. State 0 is the history (the baseline a first crawl
seeds from); states 1–5 each add one step:

1. MIIT publishes the 公示 of white-list batch 6.
2. The batch-6 公告: one proposed enterprise dropped, one name corrected.
3. A draft revision of the criteria (征求意见稿) with thresholds changed in exactly two clauses.
4. SAMR publishes an inspection protocol; MIIT revokes two enterprises of earlier batches.
5. SAMR publishes a penalty schedule; elsewhere only noise (visit counters, page chrome, a PDF
   re-exported with the same text).

Public functions: `expected_changes(state)`, `documents(state)`, `current_list(state)`, `noise(state)`.
"""

from __future__ import annotations

from typing import Any

MAX_STATE = 5

# Publication dates (Beijing) of each step.
STATE_DATES: dict[int, str] = {
    1: "2026-10-09",
    2: "2026-10-30",
    3: "2026-11-05",
    4: "2026-11-12",
    5: "2026-11-20",
}

# Document keys (see replica.catalog) introduced by each state, relevant or not.
STATE_DOCUMENTS: dict[int, tuple[str, ...]] = {
    1: ("batch6-gongshi", "miit-wjgs-liion-14", "miit-bldhd-1010"),
    2: ("batch6-gonggao",),
    3: ("criteria-2026-draft",),
    4: ("samr-inspection-protocol", "miit-revocation-2026"),
    5: ("samr-penalty-schedule",),
}

# State 2: how the batch-6 公告 differs from its 公示.
BATCH6_DROPPED = "宜宾示例晟达电源科技有限责任公司"
BATCH6_DROP_REASON = "列入第六批公示名单，但未列入第六批公告名单"
BATCH6_CORRECTION = {
    "old_name": "贵阳示例新程资源循环利用有线公司",
    "new_name": "贵阳示例新程资源循环利用有限公司",
    "reason": "公告更正了公示名单中的企业名称（有线公司→有限公司）",
}
BATCH6_DEADLINE = "2026-10-22"

# State 3: the clause edits of the draft revision against the 2024年本 (exactly two clauses).
CRITERIA_DRAFT_TITLE = "新能源汽车废旧动力电池综合利用行业规范条件（2026年修订征求意见稿）"
CRITERIA_DRAFT_DEADLINE = "2026-12-05"
CRITERIA_DRAFT_EDITS: tuple[dict[str, Any], ...] = (
    {
        "clause": "六（一）1",
        "path": ["六、", "（一）", "1."],
        "subject": "杂质铝含量",
        "old_value": "1.5%",
        "new_value": "1%",
        "old_text": "杂质铝含量低于1.5%",
        "new_text": "杂质铝含量低于1%",
    },
    {
        "clause": "八（三）",
        "path": ["八、", "（三）"],
        "subject": "工艺废水循环利用率",
        "old_value": "90%",
        "new_value": "95%",
        "old_text": "工艺废水循环利用率应达90%以上",
        "new_text": "工艺废水循环利用率应达95%以上",
    },
)

# State 4: enterprises of earlier batches whose listing MIIT revokes (both synthetic).
REVOCATIONS: tuple[dict[str, Any], ...] = (
    {
        "enterprise": "西宁示例拓源循环科技有限公司",
        "batch": 2,
        "reason": "未按要求报送年度自查报告，经整改后仍不符合规范条件要求",
    },
    {
        "enterprise": "包头示例润禾电源科技有限责任公司",
        "batch": 5,
        "reason": "企业已停产超过一年，不再具备规范条件要求的生产能力",
    },
)

# State 5: the noise. The batch-5 list PDF is re-exported (same text, other bytes); the page
# chrome (navigation, footer, MakeTime) changes on every article page.
REEXPORTED_ATTACHMENT_KEY = "batch5-gonggao"
CHROME_CHANGE_STATE = 5
CHROME_CHANGE_TIME = "2026-11-20 08:00"


def _check(state: int) -> None:
    if not 0 <= state <= MAX_STATE:
        raise ValueError(f"state must be 0..{MAX_STATE}, got {state}")


def _doc(key: str):
    from replica.catalog import catalog

    return catalog().by_key[key]


def _proposed_batch6() -> list[str]:
    return [e.enterprise for e in _doc("batch6-gongshi").entries]


def expected_changes(state: int) -> list[dict[str, Any]]:
    """The changes a correct pipeline records for the step state-1 → state; [] for state 0.

    Only relevant documents yield `document.new` (irrelevant ones are stored but never alerted).
    At state 2 every proposed enterprise gets exactly one outcome: confirmed (`list.entry_added`),
    renamed (`list.entry_changed`, now listed under the new name) or dropped (`list.entry_removed`).
    """
    _check(state)
    if state == 0:
        return []
    changes: list[dict[str, Any]] = []
    for key in STATE_DOCUMENTS[state]:
        doc = _doc(key)
        if doc.category != "irrelevant":
            changes.append(
                {"kind": "document.new", "site": doc.site, "art_id": doc.art_id, "category": doc.category,
                 "title": doc.title}
            )
    if state == 1:
        gongshi = _doc("batch6-gongshi")
        changes.append(
            {"kind": "list.proposed", "batch": 6, "art_id": gongshi.art_id, "enterprises": _proposed_batch6(),
             "deadline": BATCH6_DEADLINE}
        )
    elif state == 2:
        gonggao = _doc("batch6-gonggao")
        for name in _proposed_batch6():
            if name == BATCH6_DROPPED:
                changes.append({"kind": "list.entry_removed", "batch": 6, "enterprise": name,
                                "art_id": gonggao.art_id, "reason": BATCH6_DROP_REASON})
            elif name == BATCH6_CORRECTION["old_name"]:
                changes.append({"kind": "list.entry_changed", "batch": 6, "art_id": gonggao.art_id,
                                "enterprise": BATCH6_CORRECTION["new_name"], **BATCH6_CORRECTION})
            else:
                changes.append({"kind": "list.entry_added", "batch": 6, "enterprise": name,
                                "art_id": gonggao.art_id, "reason": "第六批公告确认公示名单"})
    elif state == 3:
        draft, final = _doc("criteria-2026-draft"), _doc("criteria-2024")
        changes.append(
            {"kind": "criteria.changed", "art_id": draft.art_id, "against_art_id": final.art_id,
             "clauses": [dict(edit) for edit in CRITERIA_DRAFT_EDITS]}
        )
    elif state == 4:
        revocation = _doc("miit-revocation-2026")
        for item in REVOCATIONS:
            changes.append({"kind": "list.entry_removed", "art_id": revocation.art_id, **item})
    return changes


def noise(state: int) -> list[dict[str, Any]]:
    """What changes at this step but must not alert (beyond visit counters, which always move)."""
    _check(state)
    if state != CHROME_CHANGE_STATE:
        return []
    pdf = _doc(REEXPORTED_ATTACHMENT_KEY).attachments[0]
    return [
        {"what": "page chrome", "detail": "navigation, footer and MakeTime change on every article page"},
        {"what": "attachment re-exported", "url_path": pdf.url_path, "detail": "same text, different bytes"},
    ]


def document_dict(doc, state: int) -> dict[str, Any]:
    """Ground truth for one document, as a crawler should extract it."""
    from replica.sites import SITES

    return {
        "site": doc.site,
        "art_id": doc.art_id,
        "key": doc.key,
        "paths": doc.paths,
        "columns": list(doc.columns),
        "listed_in": [[doc.site, c] for c in doc.columns] + [list(fc) for fc in doc.foreign_columns],
        "url": f"https://{SITES[doc.site].host}{doc.paths[0]}",
        "title": doc.title,
        "category": doc.category,
        "stage": doc.stage,
        "doc_number": doc.doc_number,
        "published": doc.published,
        "pubdate_meta": doc.pubdate_meta,
        "signed_date": doc.signed_date,
        "authority": doc.authority,
        "batch": doc.batch,
        "list_action": doc.list_action,
        "deadline": doc.deadline,
        "entries": [e.as_dict() for e in doc.entries],
        "attachments": [{"url_path": a.url_path, "ext": a.ext, "name": a.name} for a in doc.attachments],
        "state": doc.state,
        "synthetic": doc.synthetic,
    }


def documents(state: int, scale: int = 0) -> list[dict[str, Any]]:
    """Every document visible at `state` (with `scale` filler articles per column), newest first."""
    from replica.catalog import catalog
    from replica.scale import filler_documents

    _check(state)
    docs = [d for d in catalog().documents if d.state <= state]
    if scale:
        docs += filler_documents(scale)
    docs.sort(key=lambda d: (d.published, d.art_id), reverse=True)
    return [document_dict(d, state) for d in docs]


def current_list(state: int) -> list[dict[str, Any]]:
    """The white list after `state`: every enterprise of a final 公告, minus revocations."""
    from replica.catalog import catalog

    _check(state)
    revoked = {r["enterprise"] for r in REVOCATIONS} if state >= 4 else set()
    result = []
    for doc in catalog().documents:
        if doc.state <= state and doc.list_action == "final":
            for entry in doc.entries:
                if entry.enterprise not in revoked:
                    result.append({"enterprise": entry.enterprise, "province": entry.province,
                                   "type": entry.type, "batch": doc.batch})
    result.sort(key=lambda e: (e["batch"], e["enterprise"]))
    return result
