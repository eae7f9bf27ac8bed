"""Kinds about one document: new, edited, withdrawn, restored, flapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from storage.kinds.base import ChangeKind, Details, Headline
from storage.kinds.body import Body, segments
from storage.kinds.display import authority_short, category_names, title_of
from storage.vocab import Severity

EXCERPT_CHARS = 400


@dataclass(kw_only=True)
class NewDetails(Details):
    excerpt: str | None = None


class DocumentNew(ChangeKind):
    kind = "document.new"
    zh, en = "新文件", "new document"
    lead_rank = 7
    details_type = NewDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "inspection", "authority": "SAMR",
        "title": "市场监管总局 工业和信息化部关于开展新能源汽车动力电池梯次利用产品认证工作的公告",
        "summary": "市场监管总局、工信部开展梯次利用产品自愿性认证", "published_at": "2023-03-06",
        "url": "https://www.samr.gov.cn/zw/zfxxgk/fdzdgknr/rzjgs/art/2023/art_00000000000000000000000000002023.html",
        "details": {"excerpt": "市场监管总局、工业和信息化部决定开展新能源汽车动力电池梯次利用产品自愿性认证"
                               "（以下简称梯次利用产品认证）工作。"},
    }

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: NewDetails) -> Headline:
        cat_zh, cat_en = category_names(change)
        auth_zh, auth_en = authority_short(change)
        return f"【{cat_zh}】{auth_zh}发布：{title_of(change)}", f"{auth_en} published a new {cat_en} document"

    @classmethod
    def build_body(cls, body: Body, details: NewDetails, change: Mapping[str, Any]) -> None:
        excerpt = " ".join(str(details.excerpt or "").split())
        if excerpt:
            more = "…" if len(excerpt) > EXCERPT_CHARS else ""
            body.notes.append(f"摘录 / Excerpt：{excerpt[:EXCERPT_CHARS]}{more}")


@dataclass(kw_only=True)
class EditedDetails(Details):
    diff: list[dict[str, str]] | None = None  # word diff ops, as diff.words.ops_to_json writes them
    attachments_changed: list[dict[str, Any]] | None = None  # name, old_sha256, new_sha256


class DocumentEdited(ChangeKind):
    kind = "document.edited"
    zh, en = "文件修改", "document edited"
    lead_rank = 6
    details_type = EditedDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "whitelist", "title": "工业和信息化部公告2018年第40号",
        "summary": "公告正文修改：企业名称更正", "doc_number": "工业和信息化部公告2018年第40号",
        "details": {"diff": [{"op": "equal", "old": "符合规范条件的企业名单：", "new": "符合规范条件的企业名单："},
                             {"op": "replace", "old": "荆门格林美", "new": "荆门市格林美新材料有限公司"}],
                    "attachments_changed": [{"name": "企业名单.pdf", "old_sha256": "11" * 32,
                                             "new_sha256": "22" * 32}]},
    }

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: EditedDetails) -> Headline:
        cat_zh, cat_en = category_names(change)
        _, auth_en = authority_short(change)
        return f"【{cat_zh}】{title_of(change)}：内容修改", f"{auth_en} {cat_en} document edited"

    @classmethod
    def build_body(cls, body: Body, details: EditedDetails, change: Mapping[str, Any]) -> None:
        body.text_diff = segments(details.diff)
        for att in details.attachments_changed or []:
            old, new = str(att.get("old_sha256") or "")[:12], str(att.get("new_sha256") or "")[:12]
            body.notes.append(f"附件变更 / Attachment changed：{att.get('name', '')}（{old or '—'} → {new or '—'}）")


@dataclass(kw_only=True)
class WithdrawnDetails(Details):
    http_status: int | None = None
    runs: int | None = None  # consecutive runs that answered 404/410


class DocumentWithdrawn(ChangeKind):
    kind = "document.withdrawn"
    zh, en = "文件撤下", "document withdrawn"
    default_severity = Severity.WARNING
    lead_rank = 5
    details_type = WithdrawnDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "criteria", "title": "规范条件解读（示例）", "summary": "页面已无法访问",
        "details": {"http_status": 404, "runs": 3}}

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: WithdrawnDetails) -> Headline:
        cat_zh, cat_en = category_names(change)
        _, auth_en = authority_short(change)
        status, runs = _or_unknown(details.http_status), _or_unknown(details.runs)
        return (f"【{cat_zh}】{title_of(change)}：已撤下（HTTP {status}，连续{runs}次）",
                f"{auth_en} {cat_en} document withdrawn (HTTP {status} on {runs} runs)")

    @classmethod
    def build_body(cls, body: Body, details: WithdrawnDetails, change: Mapping[str, Any]) -> None:
        status, runs = _or_unknown(details.http_status), _or_unknown(details.runs)
        body.notes.append(f"原文连续{runs}次返回 HTTP {status} / the page answered HTTP {status} on {runs} "
                          "consecutive runs")


@dataclass(kw_only=True)
class RestoredDetails(Details):
    http_status: int | None = None  # what it answered again: 200 or 304
    withdrawn_at: str | None = None  # when it had been counted as withdrawn


class DocumentRestored(ChangeKind):
    kind = "document.restored"
    zh, en = "文件恢复", "document restored"
    default_severity = Severity.WARNING
    lead_rank = 5
    details_type = RestoredDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "criteria", "title": "规范条件解读（示例）", "summary": "页面恢复访问",
        "details": {"http_status": 200, "withdrawn_at": "2026-05-02T08:00:00+00:00"}}

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: RestoredDetails) -> Headline:
        cat_zh, cat_en = category_names(change)
        _, auth_en = authority_short(change)
        status = _or_unknown(details.http_status)
        return (f"【{cat_zh}】{title_of(change)}：已恢复访问（HTTP {status}）",
                f"{auth_en} {cat_en} document restored (answers HTTP {status} again)")

    @classmethod
    def build_body(cls, body: Body, details: RestoredDetails, change: Mapping[str, Any]) -> None:
        status, since = _or_unknown(details.http_status), _or_unknown(details.withdrawn_at)
        body.notes.append(f"此前判定撤下的页面再次返回 HTTP {status}（撤下于 {since}）"
                          f" / a page counted as withdrawn answers again (withdrawn {since})")


@dataclass(kw_only=True)
class FlappingDetails(Details):
    versions_seen: list[int] | int | None = None  # the version ids seen (a count in old rows)

    @property
    def count(self) -> str:
        seen = self.versions_seen
        return str(len(seen)) if isinstance(seen, list) else _or_unknown(seen)


class DocumentFlapping(ChangeKind):
    kind = "document.flapping"
    zh, en = "内容反复变化", "document flapping"
    default_severity = Severity.WARNING
    details_type = FlappingDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": "whitelist", "title": "工作动态（示例）", "summary": "页面在已见版本之间切换",
        "details": {"versions_seen": [10, 11, 12]}}

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: FlappingDetails) -> Headline:
        cat_zh, cat_en = category_names(change)
        return (f"【{cat_zh}】{title_of(change)}：内容反复变化（已见{details.count}个版本）",
                f"{cat_en} document flapping between {details.count} versions")

    @classmethod
    def build_body(cls, body: Body, details: FlappingDetails, change: Mapping[str, Any]) -> None:
        body.notes.append(f"页面在{details.count}个已见版本之间切换，不逐次告警 / the page keeps "
                          "switching between versions seen before; not alerted each time")


def _or_unknown(value: object) -> str:
    return "?" if value is None else str(value)
