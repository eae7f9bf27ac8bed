"""Slack Block Kit within Slack's limits: at most 50 blocks, 3000 characters per section text,
150 per header (notifier/limits.py). Long text is split into several sections; a message with
too many blocks shows fewer table rows (notifier/render).

Slack mrkdwn treats <, > and & as control characters (<!channel> pings everyone), so every
string from the web is escaped to entities before it enters a block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from diff.words import DiffOp
from notifier.limits import SLACK_HEADER_CHARS, SLACK_SECTION_CHARS
from notifier.render.common import compact, inert_text, no_autolink, safe_url

if TYPE_CHECKING:
    from notifier.render import View

SECTION_CHARS = SLACK_SECTION_CHARS
HEADER_CHARS = SLACK_HEADER_CHARS
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


def summary_blocks(view: View, digest: bool) -> list[Block]:
    """One document, summary first: headline, severity and counts, facts, the table as lines
    (Slack has no tables), "and N more", clauses, notes, links, evidence once."""
    s = view.s
    top = f"*{esc(s.severity.label)}*" + ("  ⚠ *需要复核 / needs review*" if s.needs_review else "")
    if s.counts:
        top += "  ·  " + esc(s.counts_line)
    blocks = [header(s.headline_zh) if not digest else section(f"*{esc(s.headline_zh)}*"),
              context([esc(s.headline_en), top])]
    fields = [{"type": "mrkdwn", "text": clip(f"*{esc(k)}*\n{esc(v)}", FIELD_CHARS)} for k, v in s.facts]
    for start in range(0, len(fields), MAX_FIELDS):
        blocks.append({"type": "section", "fields": fields[start:start + MAX_FIELDS]})
    if s.rows:
        lines = [f"*企业 / Enterprises（{len(s.rows)}）*"]
        lines += [f"`{esc(r.outcome.zh)} {esc(r.outcome.en)}` {esc(r.enterprise)} · {esc(r.province)} · {esc(r.type)}"
                  + (f" _{esc(r.note)}_" if r.note else "") for r in view.rows]
        if view.hidden:
            where = f" {slack_link(*s.full_view)}" if s.full_view else ""
            lines.append(f"…另有 {view.hidden} 家未列出 / and {view.hidden} more{where}")
        blocks += sections("\n".join(lines))
    if s.clauses:
        lines = [f"*条款变更 / Clauses changed（{len(s.clauses)}）*"]
        for c in s.clauses:
            figures = esc("；".join(f"{a} → {b}" for a, b in c.numbers))
            line = f"*{esc(c.number or '—')}* _{esc(c.status)}_ {figures}"
            lines.append(line + (f"\n{slack_diff(c.segments)}" if view.detail else ""))
        blocks += sections("\n".join(lines))
    if s.text_diff and view.detail:
        blocks += sections("*正文变更 / Text changes*\n" + slack_diff(s.text_diff))
    if s.notes:
        blocks += sections("\n".join(esc(n) for n in s.notes))
    links = [slack_link(label, url) for label, url in s.links]
    if s.full_view:
        links.append(slack_link(*s.full_view))
    elif s.show_command:
        links.append(f"完整内容 / Full details: `{esc(s.show_command)}`")
    if links:
        blocks += sections("\n".join(links))
    evidence = [f"{esc(k)}: `{esc(v)}`" for k, v in s.evidence if not k.startswith("原文")]
    if evidence:
        blocks.append(context(evidence))
    return blocks


def render_summary_slack(headline: tuple[str, str], views: list[View], digest: bool) -> list[Block]:
    """The whole message as blocks; the caller fits it under MAX_BLOCKS by showing fewer rows."""
    blocks: list[Block] = []
    if digest:
        blocks += [header(headline[0]), context([esc(headline[1])])]
    for i, view in enumerate(views):
        if i:
            blocks.append({"type": "divider"})
        blocks += summary_blocks(view, digest)
    return blocks


def fallback_text(headline_zh: str, headline_en: str) -> str:
    """The notification text Slack shows where blocks cannot be displayed."""
    return esc(f"{headline_zh} — {headline_en}")
