"""Render once, deliver many: one `Rendering` holds every format of a message, each built on
first use and then reused by the channel that delivers it.

A message is summary first (notifier/summary.py): one per announcement, however many changes it
made. Each format is fitted to its channel's limits (notifier/limits.py) by showing fewer whole
table rows, never by cutting inside a name, and never by splitting the message.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from notifier import limits
from notifier.alert import Alert, build_alert
from notifier.render import jsondoc
from notifier.render.markdown import truncate_utf8
from notifier.render.slack import fallback_text, render_summary_slack
from notifier.render.templates import EMAIL_HTML, MESSAGE_MD, MESSAGE_TEXT, SUMMARY_HTML, render
from notifier.summary import Summary, build_summary
from storage.kinds import ClauseRow, TableRow

SUBJECT_CHARS = 180
SUMMARY_ROWS = 10  # rows a `format = "summary"` route shows before "and N more"
FORMATS = ("full", "summary")
CSV_NAME = "regwatch-enterprises.csv"


@dataclass(frozen=True)
class Style:
    """How a route wants its messages: `full` or `summary`, its own templates, the web UI's address."""

    format: str = "full"
    templates: str | None = None
    public_url: str = ""


@dataclass(frozen=True)
class View:
    """One document of a message as far as one channel shows it: the first `rows`, whether
    clauses are shown word by word, and how many rows did not fit."""

    s: Summary
    rows: list[TableRow]
    hidden: int
    detail: bool
    clauses: list[ClauseRow]
    hidden_clauses: int


class Rendering:
    """One message: a single change, a bundle of the changes one document made at once (a final
    list: its entries confirmed, dropped, renamed), or a digest of a route's changes."""

    def __init__(self, alerts: list[Alert], *, digest_route: str | None = None, bundle: bool = False,
                 style: Style | None = None) -> None:
        if not alerts:
            raise ValueError("a rendering needs at least one alert")
        self.alerts = alerts
        self.digest_route = digest_route
        self.bundle = bundle and len(alerts) > 1
        self.style = style or Style()

    @classmethod
    def for_change(cls, payload: Mapping[str, Any], style: Style | None = None) -> Rendering:
        return cls([build_alert(payload)], style=style)

    @classmethod
    def for_digest(cls, route: str, alerts: list[Alert], style: Style | None = None) -> Rendering:
        return cls(list(alerts), digest_route=route, style=style)

    @classmethod
    def for_bundle(cls, alerts: list[Alert], style: Style | None = None) -> Rendering:
        return cls(list(alerts), bundle=True, style=style)

    @property
    def is_digest(self) -> bool:
        return self.digest_route is not None

    @property
    def is_test(self) -> bool:
        return all(a.kind == "test" for a in self.alerts)

    @cached_property
    def summaries(self) -> list[Summary]:
        """One per document: a digest groups its changes by the document version that made them."""
        if not self.is_digest:
            return [build_summary(self.alerts, public_url=self.style.public_url)]
        groups: dict[Any, list[Alert]] = {}
        for alert in self.alerts:
            p = alert.payload
            key = (p.get("document_id"), p.get("new_version_id")) if p.get("document_id") is not None \
                and p.get("new_version_id") is not None else ("change", p.get("id"), id(alert))
            groups.setdefault(key, []).append(alert)
        return [build_summary(group, public_url=self.style.public_url) for group in groups.values()]

    @property
    def url(self) -> str:
        """Where the whole message can be read: the change's page, else the original document."""
        if self.is_digest:
            return ""
        s = self.summaries[0]
        return s.full_view[1] if s.full_view else self.alerts[0].url

    @cached_property
    def headline(self) -> tuple[str, str]:
        if not self.is_digest:
            return self.summaries[0].headline_zh, self.summaries[0].headline_en
        n, docs = len(self.alerts), len(self.summaries)
        review = sum(a.needs_review for a in self.alerts)
        flag = f"，{review}项需要复核" if review else ""
        return (f"【汇总】regwatch 路由 {self.digest_route}：{docs}份文件，{n}项变更{flag}",
                f"regwatch digest for route {self.digest_route}: {n} change(s) in {docs} document(s)")

    @property
    def severity(self) -> str:
        return max((s.severity for s in self.summaries), key=lambda v: v.rank).value

    @property
    def subject(self) -> str:
        zh, en = self.headline
        subject = " ".join(f"{zh} — {en}".split())
        return subject if len(subject) <= SUBJECT_CHARS else subject[: SUBJECT_CHARS - 1] + "…"

    # -- views and fitting --------------------------------------------------------------------

    @property
    def total_rows(self) -> int:
        return max((len(s.rows) for s in self.summaries), default=0)

    def views(self, rows: int | None = None, detail: bool | None = None, clauses: int | None = None) -> list[View]:
        """Each document showing at most `rows` table rows and `clauses` clauses (all when None;
        a summary route shows the first rows and no word diffs)."""
        summary = self.style.format == "summary"
        if rows is None:
            rows = SUMMARY_ROWS if summary else self.total_rows
        if detail is None:
            detail = not summary
        out = []
        for s in self.summaries:
            n = len(s.clauses) if clauses is None else clauses
            out.append(View(s, s.rows[:rows], max(0, len(s.rows) - rows), detail, s.clauses[:n],
                            max(0, len(s.clauses) - n)))
        return out

    def context(self, views: list[View], attachment: str = "") -> dict[str, Any]:
        return {"messages": views, "headline_zh": self.headline[0], "headline_en": self.headline[1],
                "digest": self.is_digest, "severity": self.severity, "attachment": attachment}

    def fitted(self, make: Callable[[list[View]], Any], size: Callable[[Any], int], limit: int) -> tuple[Any, int]:
        """The fullest rendering within `limit`: all rows the style allows, else the most whole
        rows that fit, then without word-level clause diffs. Returns it and the rows shown."""
        most = max(len(v.rows) for v in self.views())
        for detail in ((True, False) if self.views()[0].detail else (False,)):
            if size(make(self.views(most, detail))) <= limit:
                return make(self.views(most, detail)), most
            if size(make(self.views(0, detail))) <= limit:
                rows = largest(partial(self._fits, make, size, limit, detail), most)
                return make(self.views(rows, detail)), rows
        clauses = max(len(s.clauses) for s in self.summaries)
        kept = largest(lambda n: size(make(self.views(0, False, n))) <= limit, clauses)
        return make(self.views(0, False, kept)), 0

    def _fits(self, make: Callable[[list[View]], Any], size: Callable[[Any], int], limit: int, detail: bool,
              rows: int) -> bool:
        return size(make(self.views(rows, detail))) <= limit

    # -- the formats -------------------------------------------------------------------------

    @cached_property
    def email(self) -> tuple[str, str, bytes | None]:
        """(text, html, csv): the HTML within the webmail clipping size, the text showing the same
        rows; a list longer than a summary's rows (or cut to fit) also travels whole as a CSV."""
        def make(views: list[View]) -> str:
            return render(EMAIL_HTML, self.context(views, CSV_NAME), self.style.templates)

        html, shown = self.fitted(make, lambda t: len(t.encode("utf-8")), limits.EMAIL_HTML_BYTES)
        attach = self.total_rows > SUMMARY_ROWS or any(len(s.rows) > shown for s in self.summaries)
        if not attach:
            html = render(EMAIL_HTML, self.context(self.views(shown), ""), self.style.templates)
        text = render(MESSAGE_TEXT, self.context(self.views(shown), CSV_NAME if attach else ""), self.style.templates)
        return text, html, (self.csv_bytes() if attach else None)

    @property
    def text(self) -> str:
        return render(MESSAGE_TEXT, self.context(self.views()), self.style.templates)

    @property
    def html(self) -> str:
        return self.email[1]

    def text_within(self, max_bytes: int) -> str:
        """Plain text whose JSON-encoded form stays within `max_bytes`."""
        def make(views: list[View]) -> str:
            return render(MESSAGE_TEXT, self.context(views), self.style.templates)

        text, _ = self.fitted(make, json_size, max_bytes)
        return text if json_size(text) <= max_bytes else truncate_utf8(text, max_bytes * 2 // 3, self.url)

    @property
    def html_fragment(self) -> str:
        """The HTML body without the page around it (the web UI's Atom feed embeds it)."""
        return render(SUMMARY_HTML, self.context(self.views()), self.style.templates)

    @cached_property
    def markdown(self) -> str:
        return render(MESSAGE_MD, self.context(self.views()), self.style.templates)

    def markdown_within(self, max_bytes: int) -> str:
        """Markdown whose JSON-encoded form stays within `max_bytes` (what the robots count)."""
        def make(views: list[View]) -> str:
            return render(MESSAGE_MD, self.context(views), self.style.templates)

        text, _ = self.fitted(make, json_size, max_bytes)
        # Even the bare summary is too long (huge notes): cut between lines, with a link.
        return text if json_size(text) <= max_bytes else truncate_utf8(text, max_bytes * 2 // 3, self.url)

    @cached_property
    def slack_blocks(self) -> list[dict[str, Any]]:
        def make(views: list[View]) -> list[dict[str, Any]]:
            return render_summary_slack(self.headline, views, self.is_digest)

        blocks, _ = self.fitted(make, len, limits.SLACK_BLOCKS)
        return blocks[: limits.SLACK_BLOCKS]

    @property
    def slack_text(self) -> str:
        return fallback_text(*self.headline)

    def csv_bytes(self) -> bytes:
        """Every row of every document, for the email attachment (UTF-8 with BOM, for Excel)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["企业 enterprise", "省份 province", "类型 type", "情况 what happened", "outcome",
                         "备注 note", "文号 doc number", "原文 url", "变更 change id"])
        for s in self.summaries:
            doc = next((v for k, v in s.evidence if k.startswith("文号")), "")
            for r in s.rows:
                writer.writerow([r.enterprise, r.province, r.type, r.outcome.zh, r.outcome.value, r.note, doc,
                                 s.evidence_url, r.change_id if r.change_id is not None else ""])
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    def json_document(self, delivery_id: str, route: str | None = None) -> dict[str, Any]:
        return jsondoc.document(self.alerts, delivery_id=delivery_id, route=route or self.digest_route,
                                digest=self.digest_route is not None, test=self.is_test,
                                summaries=self.summaries)

    def json_bytes(self, delivery_id: str, route: str | None = None) -> bytes:
        return jsondoc.encode(self.json_document(delivery_id, route))


def largest(fits: Callable[[int], bool], most: int) -> int:
    """The largest n in 0..most for which fits(n) holds, fits being monotonic (0 when none)."""
    low, high = 0, most
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def json_size(text: str) -> int:
    """Bytes of `text` inside a JSON body as the channels send it (ensure_ascii=False)."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8"))
