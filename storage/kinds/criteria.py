"""The criteria (规范条件 or its 管理办法) changed, clause by clause."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from diff.words import DiffOp
from storage.kinds.base import ChangeKind, Details, Headline
from storage.kinds.body import Body, ClauseRow, segments
from storage.kinds.display import title_of
from storage.vocab import Severity, Stage

# Words between a subject and its figure ("杂质铝含量低于1%"): cut so the headline says "杂质铝 1.5%→1%".
_COMPARATORS = re.compile(r"(含量|应|不|低于|高于|超过|达到|达|小于|大于|少于|为|在|以上|以下|须|需|要)+$")
SUBJECT_CHARS = 10
HEADLINE_FIGURES = 3

_MIIT_ART = "https://www.miit.gov.cn/jgsj/jns/wjfb/art/2024/art_a05ad4164f20482088a97fcbff80b987.html"


@dataclass(kw_only=True)
class CriteriaDetails(Details):
    against: dict[str, Any] | None = None  # title and doc_number of the text compared with
    # number, path, status, old, new, diff (word ops), numbers ([old, new] figures)
    clauses: list[dict[str, Any]] | None = None


class CriteriaChanged(ChangeKind):
    """Critical in a final text; a warning while it is a draft for comment (征求意见).

    The sample is the 2024 征求意见稿 (2024-08-14) against the 2024年本 (2024-12-24, as quoted
    by 中国汽车报)."""

    kind = "criteria.changed"
    zh, en = "规范条件变更", "criteria changed"
    default_severity = Severity.CRITICAL
    lead_rank = 1
    details_type = CriteriaDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "criteria", "title": "新能源汽车废旧动力电池综合利用行业规范条件（2024年本）",
        "doc_number": "工业和信息化部公告2024年第42号",
        "summary": "规范条件再生利用条款：杂质铝、铜含量要求由低于1%调整为低于1.5%", "published_at": "2024-12-24",
        "url": _MIIT_ART,
        "details": {"against": {"title": "新能源汽车废旧动力电池综合利用行业规范条件（2024年本）（征求意见稿）",
                                "doc_number": ""},
                    "clauses": [{"number": "（再生利用）", "status": "changed",
                                 "old": "铜、铝回收率应不低于98%，杂质铝含量低于1%，杂质铜含量低于1%",
                                 "new": "电极粉料回收率不低于98%，杂质铝含量低于1.5%，杂质铜含量低于1.5%",
                                 "diff": [{"op": "replace", "old": "铜、铝", "new": "破碎分离后的电极粉料"},
                                          {"op": "equal", "old": "回收率", "new": "回收率"},
                                          {"op": "delete", "old": "应", "new": ""},
                                          {"op": "equal", "old": "不低于98%，杂质铝含量低于",
                                           "new": "不低于98%，杂质铝含量低于"},
                                          {"op": "replace", "old": "1%", "new": "1.5%"},
                                          {"op": "equal", "old": "，杂质铜含量低于", "new": "，杂质铜含量低于"},
                                          {"op": "replace", "old": "1%", "new": "1.5%"}],
                                 "numbers": [["1%", "1.5%"], ["1%", "1.5%"]]}]},
    }

    @classmethod
    def severity(cls, change: Mapping[str, Any]) -> Severity:
        return Severity.WARNING if change.get("stage") == Stage.DRAFT else Severity.CRITICAL

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: CriteriaDetails) -> Headline:
        """"Criteria draft changes 2 clauses: 杂质铝 1.5%→1%, 废水循环利用率 90%→95%"."""
        clauses = details.clauses or []
        draft = change.get("stage") == Stage.DRAFT
        figures = [f for f in (clause_figure(c) for c in clauses) if f][:HEADLINE_FIGURES]
        more = "…" if len([c for c in clauses if clause_figure(c)]) > HEADLINE_FIGURES else ""
        tail_zh = ("：" + "；".join(figures) + more) if figures else ""
        tail_en = (": " + ", ".join(figures) + more) if figures else ""
        n = len(clauses)
        stage_zh = "征求意见稿" if draft else ""
        what = tail_zh or f"（{title_of(change)}）"  # the title is in the facts below; figures say more
        return (f"【规范条件】{stage_zh}变更{n}条条款{what}",
                f"Criteria {'draft ' if draft else ''}changes {n} clause{'s' if n != 1 else ''}{tail_en}")

    @classmethod
    def build_body(cls, body: Body, details: CriteriaDetails, change: Mapping[str, Any]) -> None:
        against = details.against or {}
        if against:
            label = str(against.get("title") or "")
            if against.get("doc_number"):
                label += f"（{against['doc_number']}）" if label else str(against["doc_number"])
            body.facts.append(("对比版本 / Compared with", label))
        for clause in details.clauses or []:
            status = str(clause.get("status") or "changed")
            diff = segments(clause.get("diff"))
            if not diff:
                old, new = str(clause.get("old") or ""), str(clause.get("new") or "")
                diff = [DiffOp("replace" if old and new else ("delete" if old else "insert"), old, new)]
            numbers = tuple((str(p[0]), str(p[1])) for p in clause.get("numbers") or [] if len(p) == 2)
            body.clauses.append(ClauseRow(clause_label(clause), status, tuple(diff), numbers))


def clause_label(clause: Mapping[str, Any]) -> str:
    """The clause's full number as `regwatch diff` shows it (六(一)1, 八(三)), not its last part."""
    path = [str(p) for p in clause.get("path") or [] if p]
    return "".join(path) or str(clause.get("number") or "")


def clause_figure(clause: Mapping[str, Any]) -> str:
    """"杂质铝 1.5%→1%": the first changed figure of a clause and the words it is about."""
    pairs = [p for p in clause.get("numbers") or [] if len(p) == 2]
    if not pairs:
        return ""
    old, new = str(pairs[0][0]), str(pairs[0][1])
    before = ""
    for op in clause.get("diff") or []:
        if isinstance(op, Mapping) and op.get("op") != "equal" and str(op.get("old") or "").startswith(old):
            break
        if isinstance(op, Mapping):
            before += str(op.get("new") or op.get("old") or "") if op.get("op") == "equal" else ""
    subject = re.split(r"[，,。；;：:、（）()\s]", before)[-1] if before else ""
    subject = _COMPARATORS.sub("", subject)[-SUBJECT_CHARS:]
    return f"{subject} {old}→{new}".strip()
