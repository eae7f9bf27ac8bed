"""Render once, deliver many: one `Rendering` holds every format of a message, each built on
first use and then reused by all channels that deliver it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from notifier.alert import Alert, build_alert
from notifier.render import jsondoc
from notifier.render.html import render_digest_html, render_html
from notifier.render.markdown import render_digest_markdown, render_markdown, truncate_utf8
from notifier.render.slack import fallback_text, render_digest_slack, render_slack
from notifier.render.text import render_digest_text, render_text
from storage.kinds import kind_of

SUBJECT_CHARS = 180


class Rendering:
    """One message: a single change, a digest bundling several changes of one route, or a bundle
    of the changes one document made at once (a final list: its entries added, removed, renamed)."""

    def __init__(self, alerts: list[Alert], *, digest_route: str | None = None, bundle: bool = False) -> None:
        if not alerts:
            raise ValueError("a rendering needs at least one alert")
        self.alerts = alerts
        self.digest_route = digest_route
        self.bundle = bundle and len(alerts) > 1

    @classmethod
    def for_change(cls, payload: Mapping[str, Any]) -> Rendering:
        return cls([build_alert(payload)])

    @classmethod
    def for_digest(cls, route: str, alerts: list[Alert]) -> Rendering:
        return cls(list(alerts), digest_route=route)

    @classmethod
    def for_bundle(cls, alerts: list[Alert]) -> Rendering:
        return cls(list(alerts), bundle=True)

    @property
    def is_digest(self) -> bool:
        """Several changes in one message (a digest or a bundle): rendered as a list."""
        return self.digest_route is not None or self.bundle

    @property
    def is_test(self) -> bool:
        return all(a.kind == "test" for a in self.alerts)

    @property
    def url(self) -> str:
        return "" if self.is_digest else self.alerts[0].url

    @cached_property
    def headline(self) -> tuple[str, str]:
        if not self.is_digest:
            return self.alerts[0].headline_zh, self.alerts[0].headline_en
        n = len(self.alerts)
        if self.bundle:
            # The change that says most about the document heads the message (each kind's lead_rank).
            lead = min(self.alerts, key=lambda a: kind_of(a.kind).lead_rank)
            return f"{lead.headline_zh}（共{n}项变更）", f"{lead.headline_en} ({n} changes)"
        review = sum(a.needs_review for a in self.alerts)
        flag = f"，{review}项需要复核" if review else ""
        return (f"【汇总】regwatch 路由 {self.digest_route}：{n}项变更{flag}",
                f"regwatch digest for route {self.digest_route}: {n} change(s)")

    @property
    def subject(self) -> str:
        zh, en = self.headline
        subject = " ".join(f"{zh} — {en}".split())
        return subject if len(subject) <= SUBJECT_CHARS else subject[: SUBJECT_CHARS - 1] + "…"

    @cached_property
    def text(self) -> str:
        if self.is_digest:
            return render_digest_text(*self.headline, self.alerts)
        return render_text(self.alerts[0])

    @cached_property
    def html(self) -> str:
        if self.is_digest:
            return render_digest_html(*self.headline, self.alerts)
        return render_html(self.alerts[0])

    @cached_property
    def slack_blocks(self) -> list[dict[str, Any]]:
        if self.is_digest:
            return render_digest_slack(*self.headline, self.alerts)
        return render_slack(self.alerts[0])

    @property
    def slack_text(self) -> str:
        return fallback_text(*self.headline)

    @cached_property
    def markdown(self) -> str:
        if self.is_digest:
            return render_digest_markdown(*self.headline, self.alerts)
        return render_markdown(self.alerts[0])

    def markdown_within(self, max_bytes: int) -> str:
        return truncate_utf8(self.markdown, max_bytes, self.url)

    def json_document(self, delivery_id: str, route: str | None = None) -> dict[str, Any]:
        return jsondoc.document(self.alerts, delivery_id=delivery_id, route=route or self.digest_route,
                                digest=self.digest_route is not None, test=self.is_test)

    def json_bytes(self, delivery_id: str, route: str | None = None) -> bytes:
        return jsondoc.encode(self.json_document(delivery_id, route))
