"""Kinds about the white list: a 公示 proposed, and entries added, removed or changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from storage.chinese import batch_labels, zh_date
from storage.kinds.base import ChangeKind, Details, Headline
from storage.kinds.body import Body, TableRow, entry_row, table_row
from storage.kinds.display import authority_short, short
from storage.vocab import Outcome, Severity, Stage

_BATCH4_URL = "https://www.miit.gov.cn/zwgk/wjgs/art/2022/art_00000000000000000000000000000004.html"
_BATCH1_URL = "https://www.miit.gov.cn/zwgk/zcwj/wjfb/gg/art/2018/art_00000000000000000000000000000040.html"


@dataclass(kw_only=True)
class ProposedDetails(Details):
    batch: int | str | None = None
    stage: str | None = None
    deadline: str | None = None  # the end of the comment period, ISO date
    entries: list[dict[str, Any]] | None = None  # enterprise, province, type


class ListProposed(ChangeKind):
    """Batch 4 公示 names are the press short names printed on 2022-11-16 (libattery.ofweek.com)."""

    kind = "list.proposed"
    zh, en = "公示拟列入名单", "proposed"
    default_severity = Severity.WARNING
    lead_rank = 0
    details_type = ProposedDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "whitelist", "stage": "公示",
        "title": "关于拟公告符合《新能源汽车废旧动力蓄电池综合利用行业规范条件》企业名单（第四批）的公示",
        "summary": "工信部公示第四批拟公告企业名单", "published_at": "2022-11-16", "url": _BATCH4_URL,
        "attachments": [{"url": "https://www.miit.gov.cn/cms_files/filemanager/2022/fj4.xlsx",
                         "name": "附件：拟公告企业名单（第四批）.xlsx", "sha256": "5c" * 32}],
        "details": {"batch": 4, "stage": "公示", "deadline": "2022-11-30", "entries": [
            {"enterprise": "天津巴特瑞", "province": "天津市", "type": "梯次利用"},
            {"enterprise": "北汽鹏龙沧州", "province": "河北省", "type": "梯次利用"},
            {"enterprise": "江苏华友能源", "province": "江苏省", "type": "梯次利用"},
            {"enterprise": "湖南邦普汽车循环", "province": "湖南省", "type": "梯次利用"},
        ]},
    }

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: ProposedDetails) -> Headline:
        auth_zh, auth_en = authority_short(change)
        batch_zh, batch_en = batch_labels(details.batch)
        n = len(details.entries or [])
        return (f"【白名单】{auth_zh}公示{batch_zh}拟公告企业名单（{n}家）",
                f"{auth_en} proposed white-list {batch_en or 'batch'} ({n} enterprises)")

    @classmethod
    def build_body(cls, body: Body, details: ProposedDetails, change: Mapping[str, Any]) -> None:
        body.batch_fact(details.batch)
        if details.deadline:
            body.facts.append(("公示截止 / Comments until", zh_date(details.deadline)))
        entries = details.entries or []
        body.entries_caption = f"拟公告企业 / Proposed enterprises（{len(entries)}）"
        body.entries = [entry_row("", e) for e in entries]

    @classmethod
    def rows(cls, change: Mapping[str, Any], details: ProposedDetails) -> list[TableRow]:
        return [table_row(Outcome.PROPOSED, e) for e in details.entries or []]


@dataclass(kw_only=True)
class EntryDetails(Details):
    batch: int | str | None = None
    enterprise: str | None = None
    province: str | None = None
    type: str | None = None
    reason: str | None = None
    revoked_on: str | None = None  # set for a revocation (撤销/取消)

    def row(self) -> dict[str, Any]:
        return {"enterprise": self.enterprise, "province": self.province, "type": self.type}


class EntryAdded(ChangeKind):
    """Batch 1 is 工业和信息化部公告2018年第40号."""

    kind = "list.entry_added"
    zh, en = "列入名单（新列入或公示后确认）", "listed or confirmed"
    lead_rank = 4
    details_type = EntryDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "whitelist", "stage": "公告", "title": "工业和信息化部公告2018年第40号",
        "doc_number": "工业和信息化部公告2018年第40号", "summary": "第一批公告：衢州华友钴新材料有限公司列入名单",
        "published_at": "2018-09-05", "url": _BATCH1_URL,
        "details": {"batch": 1, "enterprise": "衢州华友钴新材料有限公司", "province": "浙江省",
                    "type": "unspecified", "reason": "工业和信息化部公告2018年第40号"},
    }

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: EntryDetails) -> Headline:
        batch_zh, batch_en = batch_labels(details.batch)
        outcome = cls.outcome(details)
        return (f"【白名单】{batch_zh}{outcome.zh}：{short(details.enterprise)}",
                f"White-list {batch_en or 'entry'}: enterprise {outcome.en}")

    @classmethod
    def outcome(cls, details: EntryDetails) -> Outcome:
        return Outcome.CONFIRMED if str(details.reason or "").startswith("confirmed") else Outcome.LISTED

    @classmethod
    def rows(cls, change: Mapping[str, Any], details: EntryDetails) -> list[TableRow]:
        return [table_row(cls.outcome(details), details.row())]

    @classmethod
    def build_body(cls, body: Body, details: EntryDetails, change: Mapping[str, Any]) -> None:
        body.batch_fact(details.batch)
        body.entries_caption = f"{cls.outcome(details).label} / Enterprise"
        body.entries = [entry_row("+", details.row())]
        if details.reason:
            body.notes.append(f"依据 / Basis：{details.reason}")


class EntryRemoved(ChangeKind):
    """Critical when a final list or a revocation removes it; a warning when a 公示 drops it."""

    kind = "list.entry_removed"
    zh, en = "撤出公示、公示后未列入或撤销", "withdrawn from proposal, dropped after 公示, or revoked"
    default_severity = Severity.CRITICAL
    lead_rank = 2
    details_type = EntryDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "whitelist", "stage": "公告",
        "title": "关于撤销部分企业行业规范条件公告资格的公告（示例）", "summary": "示例再生资源有限公司被撤销公告资格",
        "details": {"batch": 2, "enterprise": "示例再生资源有限公司", "province": "示例省", "type": "再生利用",
                    "reason": "revoked (撤销/取消)", "revoked_on": "2026-11-13"},
    }

    @classmethod
    def severity(cls, change: Mapping[str, Any]) -> Severity:
        return Severity.WARNING if change.get("stage") == Stage.PROPOSED else Severity.CRITICAL

    @classmethod
    def outcome(cls, change: Mapping[str, Any], details: EntryDetails) -> Outcome:
        """Revoked from the list, withdrawn from a 公示, or dropped between 公示 and 公告."""
        if details.revoked_on or str(details.reason or "").startswith("revoked"):
            return Outcome.REVOKED
        return Outcome.WITHDRAWN if change.get("stage") == Stage.PROPOSED else Outcome.DROPPED

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: EntryDetails) -> Headline:
        batch_zh, batch_en = batch_labels(details.batch)
        where = f"（{batch_zh}）" if batch_zh else ""
        outcome = cls.outcome(change, details)
        return (f"【白名单】{outcome.zh}：{short(details.enterprise)}{where}",
                f"White-list: enterprise {outcome.en}{f' ({batch_en})' if batch_en else ''}")

    @classmethod
    def rows(cls, change: Mapping[str, Any], details: EntryDetails) -> list[TableRow]:
        return [table_row(cls.outcome(change, details), details.row())]

    @classmethod
    def build_body(cls, body: Body, details: EntryDetails, change: Mapping[str, Any]) -> None:
        body.batch_fact(details.batch)
        body.entries_caption = f"{cls.outcome(change, details).label} / Enterprise"
        body.entries = [entry_row("-", details.row())]
        if details.reason:
            body.notes.append(f"原因 / Reason：{details.reason}")


@dataclass(kw_only=True)
class EntryChangedDetails(Details):
    batch: int | str | None = None
    old: dict[str, Any] | None = None  # enterprise, province, type before
    new: dict[str, Any] | None = None  # and after
    fields: list[str] | None = None  # which of them changed
    reason: str | None = None


class EntryChanged(ChangeKind):
    kind = "list.entry_changed"
    zh, en = "更名或信息变更", "renamed or changed"
    lead_rank = 3
    details_type = EntryChangedDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "whitelist", "stage": "公告", "title": "符合行业规范条件企业名单（第六批）（示例）",
        "summary": "示例企业名称变更",
        "details": {"batch": 6, "fields": ["enterprise"],
                    "old": {"enterprise": "示例梯次能源有限公司", "province": "示例省", "type": "梯次利用"},
                    "new": {"enterprise": "示例梯次新能源科技有限公司", "province": "示例省", "type": "梯次利用"}},
    }

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: EntryChangedDetails) -> Headline:
        batch_zh, batch_en = batch_labels(details.batch)
        old, new = details.old or {}, details.new or {}
        fields = [str(f) for f in details.fields or []]
        if old.get("enterprise") != new.get("enterprise"):
            what = f"{short(old.get('enterprise'), 30)} → {short(new.get('enterprise'), 30)}"
        else:
            what = short(new.get("enterprise") or old.get("enterprise"))
        outcome = cls.outcome(details)
        return (f"【白名单】{batch_zh}{outcome.zh}：{what}",
                f"White-list {batch_en or 'entry'}: enterprise {outcome.en} ({', '.join(fields) or 'details'})")

    @classmethod
    def outcome(cls, details: EntryChangedDetails) -> Outcome:
        old, new = details.old or {}, details.new or {}
        return Outcome.RENAMED if old.get("enterprise") != new.get("enterprise") else Outcome.CHANGED

    @classmethod
    def rows(cls, change: Mapping[str, Any], details: EntryChangedDetails) -> list[TableRow]:
        old, new = details.old or {}, details.new or {}
        outcome = cls.outcome(details)
        if outcome is Outcome.RENAMED:
            note = f"原名 / renamed from {old.get('enterprise')}"
        else:
            note = "；".join(f"{f}: {old.get(f)} → {new.get(f)}" for f in details.fields or [] if f != "enterprise")
        return [table_row(outcome, new or old, note)]

    @classmethod
    def build_body(cls, body: Body, details: EntryChangedDetails, change: Mapping[str, Any]) -> None:
        body.batch_fact(details.batch)
        fields = "、".join(str(f) for f in details.fields or [])
        body.entries_caption = f"企业信息变更 / Entry changed（{fields or '—'}）"
        body.entries = [entry_row("old", details.old), entry_row("new", details.new)]
