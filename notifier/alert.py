"""The alert as neutral data, built once per change; every format renders from it.

Nothing here escapes or formats: strings stay exactly as they came from the web, and each
renderer escapes for its own target. That keeps escaping in one place per format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from diff.words import DiffOp
from storage.chinese import beijing_time, zh_date
from storage.kinds import Body, ClauseRow, EntryRow, kind_of
from storage.vocab import Authority, Category, Severity, Stage, lookup


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
    text_diff: list[DiffOp] = field(default_factory=list)
    clauses: list[ClauseRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.payload.get("url") or "")

    @property
    def marked(self) -> bool:
        """Whether the entry rows carry change marks (a 公示 list has none)."""
        return any(mark for mark, _ in self.entries)


def build_alert(change: Mapping[str, Any]) -> Alert:
    """The alert for a stored change; its kind (storage/kinds) supplies the headline and body."""
    kind = kind_of(change.get("kind"))
    details = kind.details(change)
    zh, en = kind.headline(change, details)
    body = Body(facts=_common_facts(change))
    kind.build_body(body, details, change)
    return Alert(kind=kind.kind, headline_zh=zh, headline_en=en, payload=change,
                 needs_review=bool(change.get("suspect") or change.get("needs_review")),
                 summary=str(change.get("summary") or ""),
                 facts=body.facts, entries_caption=body.entries_caption, entries=body.entries,
                 text_diff=body.text_diff, clauses=body.clauses, notes=body.notes,
                 links=_links(change), evidence=_evidence(change))


def _label(value: object, known: Category | Stage | Severity | None) -> str:
    return known.label if known else str(value)


def _common_facts(change: Mapping[str, Any]) -> list[tuple[str, str]]:
    facts = []
    if change.get("title"):
        facts.append(("标题 / Title", " ".join(str(change["title"]).split())))
    code = str(change.get("authority") or "")
    if code:
        authority = lookup(Authority, code)
        facts.append(("发布机关 / Authority", f"{authority.zh if authority else code} ({code})"))
    if change.get("category"):
        facts.append(("类别 / Category", _label(change["category"], lookup(Category, change["category"]))))
    if change.get("doc_number"):
        facts.append(("文号 / Doc number", str(change["doc_number"])))
    if change.get("stage"):
        facts.append(("阶段 / Stage", _label(change["stage"], lookup(Stage, change["stage"]))))
    if change.get("published_at"):
        facts.append(("发布日期 / Published", zh_date(change["published_at"])))
    if change.get("detected_at"):
        facts.append(("发现时间 / Detected", beijing_time(change["detected_at"])))
    severity = change.get("severity") or Severity.INFO
    facts.append(("级别 / Severity", _label(severity, lookup(Severity, severity))))
    return facts


def _links(change: Mapping[str, Any]) -> list[tuple[str, str]]:
    links = []
    if change.get("url"):
        links.append(("原文 / Original", str(change["url"])))
    for att in change.get("attachments") or []:
        if isinstance(att, Mapping) and att.get("url"):
            links.append((f"附件 / Attachment：{attachment_name(att)}", str(att["url"])))
    return links


def attachment_name(att: Mapping[str, Any]) -> str:
    """The file name without a leading "附件：" the site put there (no "附件：附件：")."""
    name = str(att.get("name") or att.get("url") or "")
    return re.sub(r"^\s*附件\s*\d*\s*[：:]\s*", "", name) or name


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
            out.append(("附件 SHA-256 / attachment", f"{att['sha256']}（{attachment_name(att)}）"))
    if change.get("id") is not None:
        out.append(("变更编号 / change id", str(change["id"])))
    return out
