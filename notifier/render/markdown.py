"""Markdown for the Chinese IM robots (DingTalk, WeCom, Feishu), which render a small subset:
headings, bold, links, lists and quotes, but no tables. Sizes are capped per platform.

Text from the web goes through `inert_markdown`: markdown and tag characters and @ become their
full-width forms and bare URLs are broken, so content can never make a link, an image, a tag
such as WeCom's <font>, or a mention; only `md_link` (our own links) makes links.
"""

from __future__ import annotations

from collections.abc import Sequence

from diff.words import DiffOp
from notifier.alert import Alert
from notifier.render.common import compact, inert_markdown, safe_url

TRUNCATED = "\n\n…内容过长，已截断 / truncated"
MD_MARKS = {"+": "【新增 added】", "-": "【移出 removed】", "old": "【旧 old】", "new": "【新 new】"}


def md(text: object) -> str:
    return inert_markdown(text)


def md_link(label: str, url: str) -> str:
    href = safe_url(url)
    label = md(label).replace("[", "［").replace("]", "］")
    if href is None:
        return f"{label}: {md(url)}"
    return f"[{label}]({href.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def md_diff(segments: Sequence[DiffOp]) -> str:
    parts = []
    for seg in compact(segments):
        old, new = md(" ".join(seg.old.split())), md(" ".join(seg.new.split()))
        if seg.op == "equal":
            parts.append(old or new)
            continue
        if seg.op in ("delete", "replace") and old:
            parts.append(f" ~~{old}~~ ")
        if seg.op in ("insert", "replace") and new:
            parts.append(f" **{new}** ")
    return "".join(parts)


def render_markdown(alert: Alert) -> str:
    lines = [f"### {md(alert.headline_zh)}", md(alert.headline_en)]
    if alert.needs_review:
        lines.append("> ⚠ **需要复核 / needs review**")
    if alert.summary:
        lines += ["", md(alert.summary)]
    lines.append("")
    lines += [f"- **{md(k)}**：{md(v)}" for k, v in alert.facts]
    if alert.entries:
        lines += ["", f"**{md(alert.entries_caption)}**"]
        for change, r in alert.entries:
            mark = MD_MARKS.get(change, change)
            extra = "，".join(x for x in (r.province, r.type) if x)
            lines.append(f"- {md(mark)}{md(r.enterprise)}" + (f"（{md(extra)}）" if extra else ""))
    if alert.text_diff:
        lines += ["", "**正文变更 / Text changes**", md_diff(alert.text_diff)]
    if alert.clauses:
        lines += ["", f"**条款变更 / Clauses changed（{len(alert.clauses)}）**"]
        for clause in alert.clauses:
            figures = ""
            if clause.numbers:
                figures = "（数值 / Figures：" + md("；".join(f"{a} → {b}" for a, b in clause.numbers)) + "）"
            lines.append(f"- **{md(clause.number or '—')}** [{md(clause.status)}] {md_diff(clause.segments)}"
                         f"{figures}")
    if alert.notes:
        lines += ["", *[md(n) for n in alert.notes]]
    if alert.links:
        lines += ["", *[f"- {md_link(label, url)}" for label, url in alert.links]]
    if alert.evidence:
        lines += ["", *[f"> {md(k)}: {md(v)}" for k, v in alert.evidence]]
    return "\n".join(lines).strip() + "\n"


def render_digest_markdown(title_zh: str, title_en: str, alerts: list[Alert]) -> str:
    lines = [f"### {md(title_zh)}", md(title_en)]
    for i, alert in enumerate(alerts, 1):
        lines += ["", f"#### {i}. {md(alert.headline_zh)}", md(alert.headline_en)]
        if alert.needs_review:
            lines.append("> ⚠ **需要复核 / needs review**")
        if alert.summary:
            lines.append(md(alert.summary))
        if alert.url:
            lines.append(md_link("原文 / Original", alert.url))
    return "\n".join(lines).strip() + "\n"


def truncate_utf8(text: str, max_bytes: int, url: str = "") -> str:
    """Fit a platform's byte limit by whole lines, ending with a notice and the original link."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    tail = TRUNCATED + (f"\n{md_link('查看原文 / see the original', url)}" if safe_url(url or "") else "")
    budget = max_bytes - len(tail.encode("utf-8"))
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        size = len(line.encode("utf-8")) + 1
        if used + size > budget:
            break
        kept.append(line)
        used += size
    if not kept:  # a single enormous line: cut it by characters
        cut = text.encode("utf-8")[: max(0, budget)].decode("utf-8", "ignore")
        kept = [cut]
    return "\n".join(kept) + tail
