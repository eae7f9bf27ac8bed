"""Markdown for the Chinese IM robots (DingTalk, WeCom, Feishu), which render a small subset:
headings, bold, links, lists and quotes, but no tables. Sizes are capped per platform.

Text from the web goes through `inert_markdown`: markdown and tag characters and @ become their
full-width forms and bare URLs are broken, so content can never make a link, an image, a tag
such as WeCom's <font>, or a mention; only `md_link` (our own links) makes links.
"""

from __future__ import annotations

from collections.abc import Sequence

from diff.words import DiffOp
from notifier.render.common import compact, inert_markdown, safe_url

TRUNCATED = "\n\n…内容过长，已截断 / truncated"


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
