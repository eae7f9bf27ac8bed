"""Pieces every format shares: shortening long unchanged text in a diff, safe links, row marks."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from diff.words import DiffOp

CONTEXT_CHARS = 40


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


# Characters that let text from the web act in a chat client. Replaced by their full-width
# forms, which read the same to a person and mean nothing to the client.
_MENTION_CHARS = str.maketrans({"@": "＠", "<": "＜", ">": "＞"})
_MARKDOWN_CHARS = str.maketrans({"[": "［", "]": "］", "(": "（", ")": "）", "*": "＊", "_": "＿", "~": "～",
                                 "`": "｀", "#": "＃", "|": "｜", "!": "！"})


def no_mentions(text: object) -> str:
    """No @all / @所有人 / <at …> / <!channel> / <!here> / <@user> from content can notify anyone."""
    return str(text).translate(_MENTION_CHARS)


def no_autolink(text: object) -> str:
    """A URL inside content stays text: clients auto-link bare URLs, and links are ours to build."""
    return str(text).replace("://", "：//").replace("www.", "www．")


def inert_markdown(text: object) -> str:
    """Content for a markdown chat (DingTalk, WeCom, Feishu): no link, image, emphasis, heading,
    quote, tag or mention can be made from it."""
    return no_autolink(no_mentions(text).translate(_MARKDOWN_CHARS))


def inert_text(text: object) -> str:
    """Plain text for a chat client that still auto-links and parses mentions in it."""
    return no_autolink(no_mentions(text))
