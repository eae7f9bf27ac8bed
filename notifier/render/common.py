"""Pieces every format shares: shortening long unchanged text in a diff, safe links, row marks."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from diff.words import DiffOp

CONTEXT_CHARS = 40
MARKS = {"+": "+ 新增", "-": "- 移出", "old": "旧 old", "new": "新 new", "": ""}


def compact(segments: Sequence[DiffOp]) -> list[DiffOp]:
    """Keep changed words whole and trim long unchanged runs to some context on each side."""
    out = []
    last = len(segments) - 1
    for i, seg in enumerate(segments):
        text = seg.old or seg.new
        if seg.op != "equal" or len(text) <= 2 * CONTEXT_CHARS + 1:
            out.append(seg)
            continue
        head = "" if i == 0 else text[:CONTEXT_CHARS]
        tail = "" if i == last else text[-CONTEXT_CHARS:]
        out.append(DiffOp("equal", f"{head}…{tail}", f"{head}…{tail}"))
    return out


def safe_url(url: str) -> str | None:
    """Only http(s) links are made clickable: a javascript: URL from a page stays plain text."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None
