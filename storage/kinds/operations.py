"""Kinds for the operators: a source's health, an alert that could not be delivered, a test message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from storage.kinds.base import ChangeKind, Details, Headline
from storage.kinds.body import Body
from storage.vocab import Health, Severity, lookup

_HEALTH_SEVERITY = {Health.BROKEN: Severity.CRITICAL, Health.BLOCKED: Severity.CRITICAL,
                    Health.DEGRADED: Severity.WARNING, Health.FAILED: Severity.WARNING,
                    Health.STALE: Severity.WARNING, Health.OK: Severity.INFO}


@dataclass(kw_only=True)
class HealthDetails(Details):
    source: str | None = None
    state: str | None = None  # a storage.vocab.Health value
    previous: str | None = None
    reason: str | None = None
    part: str | None = None  # the parts whose state changed, failing ones first ("column 公告")
    parts: list[dict[str, str]] | None = None  # each: part, state, previous, reason


def _state_zh(state: str) -> str:
    known = lookup(Health, state)
    return known.zh if known else state


class SourceHealth(ChangeKind):
    """Critical when a source is broken or blocked, a warning when it is degraded, failed or
    stale (the watch is not working), info on recovery."""

    kind = "source.health"
    zh, en = "数据源状态", "source health"
    for_operators = True
    details_type = HealthDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": None, "authority": None, "document_id": None, "evidence": {},
        "summary": "数据源被拦截：HTTP 412",
        "details": {"source": "miit", "state": "blocked", "previous": "ok", "part": "listing API 公告",
                    "reason": "HTTP 412 with a JavaScript cookie challenge on 3 consecutive requests",
                    "parts": [{"part": "listing API 公告", "state": "blocked", "previous": "ok",
                               "reason": "Ruishu-style challenge (HTTP 412)"}]},
    }

    @classmethod
    def severity(cls, change: Mapping[str, Any]) -> Severity:
        state = lookup(Health, getattr(cls.details(change), "state", None))
        return _HEALTH_SEVERITY[state] if state else Severity.WARNING

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: HealthDetails) -> Headline:
        source = str(details.source or change.get("source_id") or "?")
        state = str(details.state or "?")
        state_zh = "已恢复" if state == Health.OK else _state_zh(state)
        gloss = "recovered" if state == Health.OK else f"is {state}"
        part = f"（{details.part}）" if details.part else ""
        # The gloss stays ASCII: a column's Chinese name is in the Chinese headline only.
        part_en = ("" if not details.part else f" ({details.part})" if details.part.isascii()
                   else f" ({len(details.parts or []) or 1} part(s): see the Chinese line)")
        return f"【运维】数据源 {source} {state_zh}{part}", f"Source {source} {gloss}{part_en}"

    @classmethod
    def build_body(cls, body: Body, details: HealthDetails, change: Mapping[str, Any]) -> None:
        state, previous = str(details.state or "?"), str(details.previous or "?")
        body.facts.append(("数据源 / Source", str(details.source or change.get("source_id") or "?")))
        body.facts.append(("状态 / State", f"{_state_zh(previous)} ({previous}) → {_state_zh(state)} ({state})"))
        for part in details.parts or []:
            body.facts.append((f"部分 / Part：{part.get('part', '?')}",
                               f"{_state_zh(str(part.get('previous')))} → {_state_zh(str(part.get('state')))}"
                               + (f"：{part['reason']}" if part.get("reason") else "")))
        if details.reason:
            body.notes.append(f"原因 / Reason：{details.reason}")


@dataclass(kw_only=True)
class DeadDetails(Details):
    outbox_id: int | None = None
    channel: str | None = None
    route: str | None = None
    attempts: int | None = None
    last_error: str | None = None
    change_id: int | None = None


class OutboxDead(ChangeKind):
    """Critical: an alert someone relies on will never arrive."""

    kind = "outbox.dead"
    zh, en = "告警投递失败", "alert undeliverable"
    for_operators = True
    default_severity = Severity.CRITICAL
    details_type = DeadDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": None, "authority": None, "source_id": None, "document_id": None, "evidence": {},
        "summary": "告警投递失败",
        "details": {"outbox_id": 17, "channel": "team-slack", "route": "compliance", "attempts": 8,
                    "last_error": "Slack answered HTTP 404: no_service"},
    }

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: DeadDetails) -> Headline:
        channel, route = details.channel or "?", details.route or "?"
        attempts = "?" if details.attempts is None else details.attempts
        return (f"【运维】告警投递失败：渠道 {channel}（路由 {route}，已尝试{attempts}次）",
                f"Alert delivery failed for good on channel {channel} (route {route}, {attempts} attempts)")

    @classmethod
    def build_body(cls, body: Body, details: DeadDetails, change: Mapping[str, Any]) -> None:
        for label, value in (("渠道 / Channel", details.channel), ("路由 / Route", details.route),
                             ("尝试次数 / Attempts", details.attempts),
                             ("投递队列编号 / Outbox id", details.outbox_id)):
            body.facts.append((label, "?" if value is None else str(value)))
        if details.last_error:
            body.notes.append(f"最后错误 / Last error：{details.last_error}")


@dataclass(kw_only=True)
class ChannelTestDetails(Details):
    route: str | None = None


class ChannelTest(ChangeKind):
    """`python -m notifier --test ROUTE`: sent to check a channel, never stored."""

    kind = "test"
    zh, en = "测试消息", "test message"
    stored = False
    details_type = ChannelTestDetails
    sample: ClassVar[dict[str, Any]] = {
        "category": None, "authority": None, "source_id": None, "document_id": None, "evidence": {},
        "summary": "regwatch 测试消息：路由 compliance 的渠道可以送达 / test message for route compliance",
        "details": {"route": "compliance"}}

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: ChannelTestDetails) -> Headline:
        route = details.route or "?"
        return f"【测试】regwatch 测试消息（路由 {route}）", f"regwatch test message for route {route}"

    @classmethod
    def build_body(cls, body: Body, details: ChannelTestDetails, change: Mapping[str, Any]) -> None:
        body.notes.append("这是一条测试消息，用于确认渠道配置可用。/ This is a test message: the channel works.")
