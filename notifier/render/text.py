"""Plain text: the email text part, the log channel, and Apprise bodies."""

from __future__ import annotations

from collections.abc import Sequence

from diff.render import deleted_text, inserted_text, marked_text
from diff.words import DiffOp
from notifier.alert import Alert
from notifier.render.common import MARKS, compact
from storage.chinese import display_width, pad

RULE = "─" * 40


def text_diff(segments: Sequence[DiffOp]) -> str:
    """Word-level marks that survive any mail client: [-removed-]{+added+}."""
    return marked_text(compact(segments))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def render_text(alert: Alert) -> str:
    lines = [alert.headline_zh, alert.headline_en]
    if alert.needs_review:
        lines.append("⚠ 需要复核 / needs review")
    if alert.summary:
        lines += ["", alert.summary]
    lines.append("")
    width = max(display_width(label) for label, _ in alert.facts) if alert.facts else 0
    lines += [f"{pad(label, width)}  {value}" for label, value in alert.facts]
    if alert.entries:
        header = ["变动 / Change", "企业 / Enterprise", "省份 / Province", "类型 / Type"]
        rows = [[MARKS.get(mark, mark), e.enterprise, e.province or "", e.type] for mark, e in alert.entries]
        if not alert.marked:
            header, rows = header[1:], [r[1:] for r in rows]
        lines += ["", alert.entries_caption, *_table([header, *rows])]
    if alert.text_diff:
        legend = f"（{deleted_text('删除')}{inserted_text('新增')}）"
        lines += ["", f"正文变更 / Text changes{legend}", "  " + text_diff(alert.text_diff)]
    if alert.clauses:
        lines += ["", f"条款变更 / Clauses changed（{len(alert.clauses)}）"]
        for clause in alert.clauses:
            lines.append(f"  {clause.number or '—'}  [{clause.status}]")
            lines.append("    " + text_diff(clause.segments))
            if clause.numbers:
                lines.append("    数值 / Figures：" + "；".join(f"{a} → {b}" for a, b in clause.numbers))
    if alert.notes:
        lines += ["", *alert.notes]
    if alert.links:
        lines += ["", "链接 / Links", *[f"  {label}: {url}" for label, url in alert.links]]
    if alert.evidence:
        lines += ["", "证据 / Evidence", *[f"  {label}: {value}" for label, value in alert.evidence]]
    return "\n".join(lines).rstrip() + "\n"


def render_digest_text(title_zh: str, title_en: str, alerts: list[Alert]) -> str:
    parts = [f"{title_zh}\n{title_en}\n"]
    for i, alert in enumerate(alerts, 1):
        parts.append(f"{RULE}\n[{i}/{len(alerts)}] {render_text(alert)}")
    return "\n".join(parts)
