"""The alert as neutral data, built once per change; every format renders from it.

Nothing here escapes or formats: strings stay exactly as they came from the web, and each
renderer escapes for its own target. That keeps escaping in one place per format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from notifier.chinese import batch_labels, beijing_time, zh_date
from notifier.headlines import AUTHORITIES, HEALTH_STATES, category_names, headline

SEVERITIES = {"info": "一般 / info", "warning": "注意 / warning", "critical": "重要 / critical"}
STAGES = {"公示": "公示 / proposed", "公告": "公告 / final"}
CLAUSE_STATUS = {"changed": "修改 / changed", "added": "新增 / added", "removed": "删除 / removed",
                 "moved": "移动 / moved"}
EXCERPT_CHARS = 400
ENTRY_TYPES = {"unspecified": "未区分 / unspecified", "both": "梯次利用、再生利用"}


@dataclass(frozen=True)
class Segment:
    """One piece of a word-level diff: op is equal, insert, delete or replace."""

    op: str
    old: str = ""
    new: str = ""


@dataclass(frozen=True)
class EntryRow:
    """A white-list row; mark is '+' added, '-' removed, 'old'/'new' for a change, '' as listed."""

    mark: str
    enterprise: str
    province: str
    type: str


@dataclass(frozen=True)
class Clause:
    number: str
    status: str
    segments: tuple[Segment, ...]
    numbers: tuple[tuple[str, str], ...] = ()


@dataclass
class Alert:
    kind: str
    headline_zh: str
    headline_en: str
    payload: Mapping[str, Any]
    needs_review: bool = False
    summary: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    entries_caption: str = ""
    entries: list[EntryRow] = field(default_factory=list)
    text_diff: list[Segment] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.payload.get("url") or "")

    @property
    def marked(self) -> bool:
        """Whether the entry rows carry change marks (a 公示 list has none)."""
        return any(e.mark for e in self.entries)


def segments(diff: object) -> list[Segment]:
    out = []
    for op in diff if isinstance(diff, list) else []:
        if isinstance(op, Mapping):
            out.append(Segment(str(op.get("op") or "equal"), str(op.get("old") or ""),
                               str(op.get("new") or "")))
    return out


def _entry(mark: str, row: Mapping[str, Any] | None) -> EntryRow:
    row = row or {}
    kind = str(row.get("type") or "")
    return EntryRow(mark, str(row.get("enterprise") or ""), str(row.get("province") or ""),
                    ENTRY_TYPES.get(kind, kind))


def _details(change: Mapping[str, Any]) -> Mapping[str, Any]:
    details = change.get("details")
    return details if isinstance(details, Mapping) else {}


def build_alert(change: Mapping[str, Any]) -> Alert:
    zh, en = headline(change)
    alert = Alert(kind=str(change.get("kind")), headline_zh=zh, headline_en=en, payload=change,
                  needs_review=bool(change.get("suspect")), summary=str(change.get("summary") or ""))
    alert.facts = _common_facts(change)
    _DETAIL_BUILDERS.get(alert.kind, lambda a, d: None)(alert, _details(change))
    alert.links = _links(change)
    alert.evidence = _evidence(change)
    return alert


def _common_facts(change: Mapping[str, Any]) -> list[tuple[str, str]]:
    facts = []
    if change.get("title"):
        facts.append(("标题 / Title", " ".join(str(change["title"]).split())))
    code = str(change.get("authority") or "")
    if code:
        facts.append(("发布机关 / Authority", f"{AUTHORITIES.get(code, (code,))[0]} ({code})"))
    if change.get("category"):
        zh, en = category_names(change)
        facts.append(("类别 / Category", f"{zh} / {en}"))
    if change.get("doc_number"):
        facts.append(("文号 / Doc number", str(change["doc_number"])))
    if change.get("stage"):
        facts.append(("阶段 / Stage", STAGES.get(str(change["stage"]), str(change["stage"]))))
    if change.get("published_at"):
        facts.append(("发布日期 / Published", zh_date(change["published_at"])))
    if change.get("detected_at"):
        facts.append(("发现时间 / Detected", beijing_time(change["detected_at"])))
    severity = str(change.get("severity") or "info")
    facts.append(("级别 / Severity", SEVERITIES.get(severity, severity)))
    return facts


def _batch_fact(alert: Alert, d: Mapping[str, Any]) -> None:
    zh, en = batch_labels(d.get("batch"))
    if zh:
        alert.facts.append(("批次 / Batch", f"{zh} / {en}"))


def _document_new(alert: Alert, d: Mapping[str, Any]) -> None:
    excerpt = " ".join(str(d.get("excerpt") or "").split())
    if excerpt:
        more = "…" if len(excerpt) > EXCERPT_CHARS else ""
        alert.notes.append(f"摘录 / Excerpt：{excerpt[:EXCERPT_CHARS]}{more}")


def _document_edited(alert: Alert, d: Mapping[str, Any]) -> None:
    alert.text_diff = segments(d.get("diff"))
    for att in d.get("attachments_changed") or []:
        old, new = str(att.get("old_sha256") or "")[:12], str(att.get("new_sha256") or "")[:12]
        alert.notes.append(f"附件变更 / Attachment changed：{att.get('name', '')}（{old or '—'} → {new or '—'}）")


def _document_withdrawn(alert: Alert, d: Mapping[str, Any]) -> None:
    status, runs = d.get("http_status", "?"), d.get("runs", "?")
    alert.notes.append(f"原文连续{runs}次返回 HTTP {status} / the page answered HTTP {status} on {runs} "
                       "consecutive runs")


def _document_flapping(alert: Alert, d: Mapping[str, Any]) -> None:
    alert.notes.append(f"页面在{d.get('versions_seen', '?')}个已见版本之间切换，不逐次告警 / the page keeps "
                       "switching between versions seen before; not alerted each time")


def _list_proposed(alert: Alert, d: Mapping[str, Any]) -> None:
    _batch_fact(alert, d)
    if d.get("deadline"):
        alert.facts.append(("公示截止 / Comments until", zh_date(d["deadline"])))
    entries = d.get("entries") or []
    alert.entries_caption = f"拟公告企业 / Proposed enterprises（{len(entries)}）"
    alert.entries = [_entry("", e) for e in entries]


def _entry_added(alert: Alert, d: Mapping[str, Any]) -> None:
    _batch_fact(alert, d)
    alert.entries_caption = "新增企业 / Enterprise added"
    alert.entries = [_entry("+", d)]
    if d.get("reason"):
        alert.notes.append(f"依据 / Basis：{d['reason']}")


def _entry_removed(alert: Alert, d: Mapping[str, Any]) -> None:
    _batch_fact(alert, d)
    alert.entries_caption = "移出企业 / Enterprise removed"
    alert.entries = [_entry("-", d)]
    if d.get("reason"):
        alert.notes.append(f"原因 / Reason：{d['reason']}")


def _entry_changed(alert: Alert, d: Mapping[str, Any]) -> None:
    _batch_fact(alert, d)
    fields = "、".join(str(f) for f in d.get("fields") or [])
    alert.entries_caption = f"企业信息变更 / Entry changed（{fields or '—'}）"
    alert.entries = [_entry("old", d.get("old")), _entry("new", d.get("new"))]


def _criteria_changed(alert: Alert, d: Mapping[str, Any]) -> None:
    against = d.get("against") or {}
    if against:
        label = " ".join(str(x) for x in (against.get("title"), against.get("doc_number")) if x)
        alert.facts.append(("对比版本 / Compared with", label))
    for clause in d.get("clauses") or []:
        status = str(clause.get("status") or "changed")
        diff = segments(clause.get("diff"))
        if not diff:
            old, new = str(clause.get("old") or ""), str(clause.get("new") or "")
            diff = [Segment("replace" if old and new else ("delete" if old else "insert"), old, new)]
        numbers = tuple((str(p[0]), str(p[1])) for p in clause.get("numbers") or [] if len(p) == 2)
        alert.clauses.append(Clause(str(clause.get("number") or ""), status, tuple(diff), numbers))


def _supplier(alert: Alert, d: Mapping[str, Any]) -> None:
    """Name the supplier as procurement knows it: internal id, contract, owner."""
    for label, key in (("供应商 / Supplier", "supplier"), ("英文名称 / English name", "name_en"),
                       ("供应商编号 / Supplier id", "supplier_id"), ("合同 / Contract", "contract_ref"),
                       ("负责人 / Owner", "owner_email"), ("名单企业 / Listed enterprise", "enterprise")):
        if d.get(key):
            alert.facts.append((label, str(d[key])))
    _batch_fact(alert, d)
    if d.get("old_name") and d.get("new_name"):
        alert.entries_caption = "企业名称变更 / Renamed"
        alert.entries = [_entry("old", {"enterprise": d["old_name"]}), _entry("new", {"enterprise": d["new_name"]})]
    if d.get("reason"):
        alert.notes.append(f"原因 / Reason：{d['reason']}")
    alert.notes.append("请核对该供应商的合同与资质证明 / Check this supplier's contract and qualification evidence.")


def _source_health(alert: Alert, d: Mapping[str, Any]) -> None:
    state, previous = str(d.get("state") or "?"), str(d.get("previous") or "?")
    alert.facts.append(("数据源 / Source", str(d.get("source") or alert.payload.get("source_id") or "?")))
    alert.facts.append(("状态 / State", f"{HEALTH_STATES.get(previous, previous)} ({previous}) → "
                                        f"{HEALTH_STATES.get(state, state)} ({state})"))
    if d.get("reason"):
        alert.notes.append(f"原因 / Reason：{d['reason']}")


def _outbox_dead(alert: Alert, d: Mapping[str, Any]) -> None:
    for label, key in (("渠道 / Channel", "channel"), ("路由 / Route", "route"),
                       ("尝试次数 / Attempts", "attempts"), ("投递队列编号 / Outbox id", "outbox_id")):
        alert.facts.append((label, str(d.get(key, "?"))))
    if d.get("last_error"):
        alert.notes.append(f"最后错误 / Last error：{d['last_error']}")


def _test(alert: Alert, d: Mapping[str, Any]) -> None:
    alert.notes.append("这是一条测试消息，用于确认渠道配置可用。/ This is a test message: the channel works.")


_DETAIL_BUILDERS = {
    "document.new": _document_new,
    "document.edited": _document_edited,
    "document.withdrawn": _document_withdrawn,
    "document.flapping": _document_flapping,
    "list.proposed": _list_proposed,
    "list.entry_added": _entry_added,
    "list.entry_removed": _entry_removed,
    "list.entry_changed": _entry_changed,
    "criteria.changed": _criteria_changed,
    **{kind: _supplier for kind in ("supplier.proposed", "supplier.listed", "supplier.dropped", "supplier.revoked",
                                    "supplier.renamed", "supplier.criteria_changed")},
    "source.health": _source_health,
    "outbox.dead": _outbox_dead,
    "test": _test,
}


def _links(change: Mapping[str, Any]) -> list[tuple[str, str]]:
    links = []
    if change.get("url"):
        links.append(("原文 / Original", str(change["url"])))
    for att in change.get("attachments") or []:
        if isinstance(att, Mapping) and att.get("url"):
            links.append((f"附件 / Attachment：{att.get('name') or att['url']}", str(att["url"])))
    return links


def _evidence(change: Mapping[str, Any]) -> list[tuple[str, str]]:
    ev = change.get("evidence") or {}
    out = []
    if isinstance(ev, Mapping):
        for label, key in (("原始页面 SHA-256 / raw page", "raw_sha256"),
                           ("正文哈希 / content hash", "content_hash"), ("版本 / version", "version_id")):
            if ev.get(key) not in (None, ""):
                out.append((label, str(ev[key])))
    for att in change.get("attachments") or []:
        if isinstance(att, Mapping) and att.get("sha256"):
            out.append((f"附件 SHA-256 / attachment：{att.get('name') or ''}", str(att["sha256"])))
    if change.get("id") is not None:
        out.append(("变更编号 / change id", str(change["id"])))
    return out
