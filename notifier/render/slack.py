"""Slack Block Kit within Slack's limits: at most 50 blocks, 3000 characters per section text,
150 per header. Long diffs are split into several sections, then cut with a link to the original.

Slack mrkdwn treats <, > and & as control characters (<!channel> pings everyone), so every
string from the web is escaped to entities before it enters a block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from diff.words import DiffOp
from notifier.alert import Alert
from notifier.render.common import MARKS, compact, inert_text, no_autolink, safe_url

MAX_BLOCKS = 50
SECTION_CHARS = 3000
HEADER_CHARS = 150
FIELD_CHARS = 2000
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10

Block = dict[str, Any]


def esc_url(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc(text: object) -> str:
    """Content for mrkdwn: entities for & < > (so no <!channel>, <!here> or <url|label>), a
    full-width @, and bare URLs broken so that Slack does not link them."""
    return no_autolink(esc_url(text).replace("@", "＠"))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_link(label: str, url: str) -> str:
    href = safe_url(url)
    if href is None:
        return f"{esc(label)}: {esc(url)}"
    return f"<{esc_url(href).replace('|', '%7C')}|{esc(label).replace('|', '｜')}>"


def slack_diff(segments: Sequence[DiffOp]) -> str:
    """~struck~ for removed words, *bold* for added ones, spaced so CJK text keeps the marks."""
    parts = []
    for seg in compact(segments):
        old, new = " ".join(seg.old.split()), " ".join(seg.new.split())
        if seg.op == "equal":
            parts.append(esc(old or new))
            continue
        if seg.op in ("delete", "replace") and old:
            parts.append(f" ~{esc(old)}~ ")
        if seg.op in ("insert", "replace") and new:
            parts.append(f" *{esc(new)}* ")
    return "".join(parts)


def chunks(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """Split on line ends where possible, so that no section text passes Slack's limit."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            out.append(current)
            current = line
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def sections(text: str) -> list[Block]:
    return [section(part) for part in chunks(text)]


def context(texts: list[str]) -> Block:
    elements = [{"type": "mrkdwn", "text": clip(t, SECTION_CHARS)} for t in texts[:MAX_CONTEXT_ELEMENTS]]
    return {"type": "context", "elements": elements}


def header(text: str) -> Block:
    text = inert_text(" ".join(text.split()))
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_CHARS)}}


def alert_blocks(alert: Alert) -> list[Block]:
    gloss = esc(alert.headline_en) + ("  ⚠ *需要复核 / needs review*" if alert.needs_review else "")
    blocks = [header(alert.headline_zh), context([gloss])]
    if alert.summary:
        blocks += sections(esc(alert.summary))
    fields = [{"type": "mrkdwn", "text": clip(f"*{esc(k)}*\n{esc(v)}", FIELD_CHARS)} for k, v in alert.facts]
    for start in range(0, len(fields), MAX_FIELDS):
        blocks.append({"type": "section", "fields": fields[start:start + MAX_FIELDS]})
    if alert.entries:
        lines = [f"*{esc(alert.entries_caption)}*"]
        lines += [" · ".join(x for x in (f"`{MARKS.get(mark, mark)}`" if mark else "", esc(r.enterprise),
                                           esc(r.province or ""), esc(r.type)) if x) for mark, r in alert.entries]
        blocks += sections("\n".join(lines))
    if alert.text_diff:
        blocks += sections("*正文变更 / Text changes*\n" + slack_diff(alert.text_diff))
    for clause in alert.clauses:
        figures = ""
        if clause.numbers:
            figures = "\n数值 / Figures：" + esc("；".join(f"{a} → {b}" for a, b in clause.numbers))
        blocks += sections(f"*{esc(clause.number or '—')}* _{esc(clause.status)}_\n"
                           f"{slack_diff(clause.segments)}{figures}")
    if alert.notes:
        blocks += sections("\n".join(esc(n) for n in alert.notes))
    if alert.links:
        blocks += sections("\n".join(slack_link(label, url) for label, url in alert.links))
    if alert.evidence:
        blocks.append(context([f"{esc(k)}: `{esc(v)}`" for k, v in alert.evidence]))
    return blocks


def fit(blocks: list[Block], url: str, more: str = "") -> list[Block]:
    """Cut to Slack's block limit, ending with a notice that links to the full text."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    hidden = len(blocks) - (MAX_BLOCKS - 1)
    target = slack_link("查看原文 / see the original", url) if safe_url(url or "") else "完整内容见邮件或 webhook"
    notice = more or f"…内容过长，另有 {hidden} 段未显示 / truncated: {hidden} more blocks not shown. {target}"
    return [*blocks[: MAX_BLOCKS - 1], section(notice)]


def render_slack(alert: Alert) -> list[Block]:
    return fit(alert_blocks(alert), alert.url)


def render_digest_slack(title_zh: str, title_en: str, alerts: list[Alert]) -> list[Block]:
    blocks = [header(title_zh), context([esc(title_en)])]
    room = MAX_BLOCKS - len(blocks) - 1
    for i, alert in enumerate(alerts[:room], 1):
        lines = [f"*{i}. {esc(alert.headline_zh)}*", esc(alert.headline_en)]
        if alert.needs_review:
            lines.append("⚠ *需要复核 / needs review*")
        if alert.summary:
            lines.append(esc(clip(alert.summary, 500)))
        if alert.url:
            lines.append(slack_link("原文 / Original", alert.url))
        blocks.append(section(clip("\n".join(lines), SECTION_CHARS)))
    if len(alerts) > room:
        rest = len(alerts) - room
        blocks.append(section(f"…另有 {rest} 项变更未显示，完整内容见邮件或 webhook / {rest} more changes not shown"))
    return blocks


def fallback_text(headline_zh: str, headline_en: str) -> str:
    """The notification text Slack shows where blocks cannot be displayed."""
    return esc(f"{headline_zh} — {headline_en}")
