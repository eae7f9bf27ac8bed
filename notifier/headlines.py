"""One line of Chinese plus an English gloss for each kind of change.

Compliance staff read the Chinese; the gloss is for colleagues and tools that do not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from notifier.chinese import batch_labels

AUTHORITIES = {
    "MIIT": ("工业和信息化部", "工信部"),
    "SAMR": ("国家市场监督管理总局", "市场监管总局"),
}
CATEGORIES = {
    "whitelist": ("白名单", "white-list"),
    "criteria": ("规范条件", "criteria"),
    "inspection": ("检查规程", "inspection"),
    "penalty": ("处罚", "penalty"),
    "related": ("相关", "related"),
    "irrelevant": ("其他", "other"),
}
HEALTH_STATES = {"ok": "正常", "stale": "长时间未更新", "broken": "解析失败", "blocked": "被拦截"}
HEADLINE_TITLE_CHARS = 60

Headline = tuple[str, str]


def authority_short(change: Mapping[str, Any]) -> tuple[str, str]:
    code = str(change.get("authority") or "")
    return AUTHORITIES.get(code, (code, code))[1], code or "regulator"


def category_names(change: Mapping[str, Any]) -> tuple[str, str]:
    category = str(change.get("category") or "")
    return CATEGORIES.get(category, (category or "通知", category or "notice"))


def short(text: object, limit: int = HEADLINE_TITLE_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _details(change: Mapping[str, Any]) -> Mapping[str, Any]:
    details = change.get("details")
    return details if isinstance(details, Mapping) else {}


def _title(change: Mapping[str, Any]) -> str:
    return short(change.get("title") or change.get("summary") or change.get("entity") or "")


def _document_new(change: Mapping[str, Any]) -> Headline:
    cat_zh, cat_en = category_names(change)
    auth_zh, auth_en = authority_short(change)
    return f"【{cat_zh}】{auth_zh}发布：{_title(change)}", f"{auth_en} published a new {cat_en} document"


def _document_edited(change: Mapping[str, Any]) -> Headline:
    cat_zh, cat_en = category_names(change)
    _, auth_en = authority_short(change)
    return f"【{cat_zh}】{_title(change)}：内容修改", f"{auth_en} {cat_en} document edited"


def _document_withdrawn(change: Mapping[str, Any]) -> Headline:
    cat_zh, cat_en = category_names(change)
    _, auth_en = authority_short(change)
    d = _details(change)
    status, runs = d.get("http_status", "?"), d.get("runs", "?")
    return (f"【{cat_zh}】{_title(change)}：已撤下（HTTP {status}，连续{runs}次）",
            f"{auth_en} {cat_en} document withdrawn (HTTP {status} on {runs} runs)")


def _document_flapping(change: Mapping[str, Any]) -> Headline:
    cat_zh, cat_en = category_names(change)
    seen = _details(change).get("versions_seen", "?")
    return (f"【{cat_zh}】{_title(change)}：内容反复变化（已见{seen}个版本）",
            f"{cat_en} document flapping between {seen} versions")


def _list_proposed(change: Mapping[str, Any]) -> Headline:
    d = _details(change)
    auth_zh, auth_en = authority_short(change)
    batch_zh, batch_en = batch_labels(d.get("batch"))
    n = len(d.get("entries") or [])
    return (f"【白名单】{auth_zh}公示{batch_zh}拟公告企业名单（{n}家）",
            f"{auth_en} proposed white-list {batch_en or 'batch'} ({n} enterprises)")


def _entry_added(change: Mapping[str, Any]) -> Headline:
    d = _details(change)
    batch_zh, batch_en = batch_labels(d.get("batch"))
    return (f"【白名单】{batch_zh}新增企业：{short(d.get('enterprise'))}",
            f"White-list {batch_en or 'entry'}: enterprise added")


def _entry_removed(change: Mapping[str, Any]) -> Headline:
    d = _details(change)
    batch_zh, batch_en = batch_labels(d.get("batch"))
    where = f"（{batch_zh}）" if batch_zh else ""
    return (f"【白名单】{short(d.get('enterprise'))}移出名单{where}",
            f"Enterprise removed from the white list{f' ({batch_en})' if batch_en else ''}")


def _entry_changed(change: Mapping[str, Any]) -> Headline:
    d = _details(change)
    batch_zh, batch_en = batch_labels(d.get("batch"))
    old, new = d.get("old") or {}, d.get("new") or {}
    fields = [str(f) for f in d.get("fields") or []]
    if old.get("enterprise") != new.get("enterprise"):
        what = f"{short(old.get('enterprise'), 30)} → {short(new.get('enterprise'), 30)}"
    else:
        what = short(new.get("enterprise") or old.get("enterprise"))
    return (f"【白名单】{batch_zh}企业信息变更：{what}",
            f"White-list {batch_en or 'entry'}: entry changed ({', '.join(fields) or 'details'})")


def _criteria_changed(change: Mapping[str, Any]) -> Headline:
    clauses = _details(change).get("clauses") or []
    counts: dict[str, int] = {}
    for clause in clauses:
        status = str(clause.get("status") or "changed")
        counts[status] = counts.get(status, 0) + 1
    gloss = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no clause details"
    return (f"【规范条件】{_title(change)}：{len(clauses)}条条款变更",
            f"Criteria changed: {len(clauses)} clause(s) ({gloss})")


SUPPLIER_EVENTS = {
    "proposed": ("拟列入公示名单", "proposed for the white list"),
    "listed": ("列入公告名单", "listed in a final announcement"),
    "dropped": ("公示后未列入公告名单", "dropped between proposal and final list"),
    "revoked": ("被撤销公告资格", "revoked"),
    "renamed": ("企业名称变更", "renamed on the list"),
    "criteria_changed": ("所适用的规范条件变更", "its criteria changed"),
}


def _supplier(change: Mapping[str, Any]) -> Headline:
    d = _details(change)
    event = str(change.get("kind", "")).removeprefix("supplier.")
    zh, en = SUPPLIER_EVENTS.get(event, (event, event))
    who = short(d.get("supplier") or d.get("name_en") or d.get("enterprise"), 30)
    ids = [(f"编号 {d['supplier_id']}", f"supplier {d['supplier_id']}") if d.get("supplier_id") else None,
           (f"合同 {d['contract_ref']}", f"contract {d['contract_ref']}") if d.get("contract_ref") else None]
    refs = [r for r in ids if r]
    tag_zh = f"（{'，'.join(r[0] for r in refs)}）" if refs else ""
    tag_en = f" ({', '.join(r[1] for r in refs)})" if refs else ""
    name_en = str(d.get("name_en") or "")
    label = name_en if name_en.isascii() and name_en else "on your watchlist"
    return f"【供应商】{who}{tag_zh}{zh}", f"Supplier {label}{tag_en}: {en}"


def _source_health(change: Mapping[str, Any]) -> Headline:
    d = _details(change)
    source, state = str(d.get("source") or change.get("source_id") or "?"), str(d.get("state") or "?")
    state_zh = "已恢复" if state == "ok" else HEALTH_STATES.get(state, state)
    gloss = "recovered" if state == "ok" else f"is {state}"
    return f"【运维】数据源 {source} {state_zh}", f"Source {source} {gloss}"


def _outbox_dead(change: Mapping[str, Any]) -> Headline:
    d = _details(change)
    channel, route, attempts = d.get("channel", "?"), d.get("route", "?"), d.get("attempts", "?")
    return (f"【运维】告警投递失败：渠道 {channel}（路由 {route}，已尝试{attempts}次）",
            f"Alert delivery failed for good on channel {channel} (route {route}, {attempts} attempts)")


def _test(change: Mapping[str, Any]) -> Headline:
    route = _details(change).get("route", "?")
    return f"【测试】regwatch 测试消息（路由 {route}）", f"regwatch test message for route {route}"


HEADLINES: dict[str, Callable[[Mapping[str, Any]], Headline]] = {
    "document.new": _document_new,
    "document.edited": _document_edited,
    "document.withdrawn": _document_withdrawn,
    "document.flapping": _document_flapping,
    "list.proposed": _list_proposed,
    "list.entry_added": _entry_added,
    "list.entry_removed": _entry_removed,
    "list.entry_changed": _entry_changed,
    "criteria.changed": _criteria_changed,
    **{f"supplier.{event}": _supplier for event in SUPPLIER_EVENTS},
    "source.health": _source_health,
    "outbox.dead": _outbox_dead,
    "test": _test,
}


def headline(change: Mapping[str, Any]) -> Headline:
    make = HEADLINES.get(str(change.get("kind")))
    if make is None:
        return f"【变更】{short(change.get('summary'))}", f"Change of kind {change.get('kind')}"
    return make(change)
