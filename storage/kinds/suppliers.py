"""Kinds about a user's watched suppliers: a list or criteria change that touched one of them.

They go to the routes with `watchlist = true` and to the supplier's owner, never to the content
routes, and always as critical: procurement must act on each. The alert names the supplier as
procurement knows it (internal id, contract, owner), not only as the list spells it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from storage.kinds.base import ChangeKind, Details, Headline
from storage.kinds.body import Body, entry_row
from storage.kinds.display import short
from storage.vocab import Severity

_REVOCATION_URL = "https://www.miit.gov.cn/jgsj/jns/wjfb/art/2026/art_00000000000000000000000000000036.html"


@dataclass(kw_only=True)
class SupplierDetails(Details):
    event: str | None = None  # proposed, listed, dropped, revoked, renamed, criteria_changed
    watch_id: int | None = None
    supplier: str | None = None  # the supplier's name as the user gave it
    name_en: str | None = None
    supplier_id: str | None = None
    contract_ref: str | None = None
    owner_email: str | None = None
    enterprise: str | None = None  # as the list spells it
    batch: int | str | None = None
    reason: str | None = None
    old_name: str | None = None  # renamed only
    new_name: str | None = None
    source_change_id: int | None = None  # the list or criteria change behind this alert
    source_kind: str | None = None


def _sample(event: str, event_zh: str) -> dict[str, Any]:
    """All sample names are synthetic (示例)."""
    details: dict[str, Any] = {
        "event": event, "watch_id": 7, "supplier": "示例再生资源有限公司",
        "name_en": "Shili Renewable Resources Co., Ltd.",
        "supplier_id": "SUP-0042", "contract_ref": "PO-2026-17", "owner_email": "buyer@example.com",
        "enterprise": "示例再生资源有限公司", "batch": 2, "source_change_id": 40, "source_kind": "list.entry_removed",
        "reason": "撤销（示例）"}
    if event == "renamed":
        details.update(old_name="示例再生资源有线公司", new_name="示例再生资源有限公司")
    return {"category": "whitelist", "stage": "公告", "url": _REVOCATION_URL, "entity": "示例再生资源有限公司",
            "title": "关于撤销部分企业行业规范条件公告资格的公告（示例）",
            "summary": f"【供应商】示例再生资源有限公司（编号 SUP-0042，合同 PO-2026-17）{event_zh}",
            "details": details}


class SupplierKind(ChangeKind):
    """Base of the supplier.* kinds (no kind of its own)."""

    default_severity = Severity.CRITICAL
    for_watchlist = True
    details_type = SupplierDetails
    lead_rank = 1
    event_zh: str = ""
    event_en: str = ""

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: SupplierDetails) -> Headline:
        who = short(details.supplier or details.name_en or details.enterprise, 30)
        refs = [(f"编号 {details.supplier_id}", f"supplier {details.supplier_id}") if details.supplier_id else None,
                (f"合同 {details.contract_ref}", f"contract {details.contract_ref}") if details.contract_ref else None]
        found = [r for r in refs if r]
        tag_zh = f"（{'，'.join(r[0] for r in found)}）" if found else ""
        tag_en = f" ({', '.join(r[1] for r in found)})" if found else ""
        name_en = details.name_en or ""
        label = name_en if name_en and name_en.isascii() else "on your watchlist"
        return f"【供应商】{who}{tag_zh}{cls.event_zh}", f"Supplier {label}{tag_en}: {cls.event_en}"

    @classmethod
    def build_body(cls, body: Body, details: SupplierDetails, change: Mapping[str, Any]) -> None:
        for label, value in (("供应商 / Supplier", details.supplier), ("英文名称 / English name", details.name_en),
                             ("供应商编号 / Supplier id", details.supplier_id),
                             ("合同 / Contract", details.contract_ref), ("负责人 / Owner", details.owner_email),
                             ("名单企业 / Listed enterprise", details.enterprise)):
            if value:
                body.facts.append((label, str(value)))
        body.batch_fact(details.batch)
        if details.old_name and details.new_name:
            body.entries_caption = "企业名称变更 / Renamed"
            body.entries = [entry_row("old", {"enterprise": details.old_name}),
                            entry_row("new", {"enterprise": details.new_name})]
        if details.reason:
            body.notes.append(f"原因 / Reason：{details.reason}")
        body.notes.append("请核对该供应商的合同与资质证明 / Check this supplier's contract and qualification evidence.")


class SupplierProposed(SupplierKind):
    kind = "supplier.proposed"
    zh, en = "供应商拟列入名单", "supplier proposed"
    event_zh, event_en = "拟列入公示名单", "proposed for the white list"
    sample = _sample("proposed", "拟列入公示名单")


class SupplierListed(SupplierKind):
    kind = "supplier.listed"
    zh, en = "供应商列入名单", "supplier listed"
    event_zh, event_en = "列入公告名单", "listed in a final announcement"
    sample = _sample("listed", "列入公告名单")


class SupplierDropped(SupplierKind):
    kind = "supplier.dropped"
    zh, en = "供应商公示后未列入", "supplier dropped"
    event_zh, event_en = "公示后未列入公告名单", "dropped between proposal and final list"
    sample = _sample("dropped", "公示后未列入公告名单")


class SupplierRevoked(SupplierKind):
    kind = "supplier.revoked"
    zh, en = "供应商被撤销资格", "supplier revoked"
    event_zh, event_en = "被撤销公告资格", "revoked"
    sample = _sample("revoked", "被撤销公告资格")


class SupplierRenamed(SupplierKind):
    kind = "supplier.renamed"
    zh, en = "供应商名称变更", "supplier renamed"
    event_zh, event_en = "企业名称变更", "renamed on the list"
    sample = _sample("renamed", "企业名称变更")


class SupplierCriteriaChanged(SupplierKind):
    kind = "supplier.criteria_changed"
    zh, en = "供应商适用的规范条件变更", "supplier's criteria changed"
    event_zh, event_en = "所适用的规范条件变更", "its criteria changed"
    sample: ClassVar[dict[str, Any]] = {
        **_sample("criteria_changed", "所适用的规范条件变更"), "category": "criteria",
        "title": "新能源汽车废旧动力电池综合利用行业规范条件（2026年修订征求意见稿）（示例）"}
