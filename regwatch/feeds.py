"""Atom feeds of changes (RFC 4287): all changes, per category, per severity.

One renderer serves the live feed in the web UI and `export --format atom`. Entry ids are tag URIs
built from the change id, so they never change between runs; the content is the alert's HTML
(summary, facts, enterprise table, clause diff), escaped once more as Atom `type="html"` requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from notifier.alert import build_alert
from notifier.render import Rendering

FEED_TAG = "tag:regwatch,2026"
AUTHOR = "regwatch"
ATOM_NS = "http://www.w3.org/2005/Atom"


def feed_id(scope: str = "all") -> str:
    return f"{FEED_TAG}:feed/{scope}"


def entry_id(change_id: int) -> str:
    return f"{FEED_TAG}:change/{int(change_id)}"


def _time(value: Any) -> str:
    """An RFC 3339 time with an offset, as Atom requires."""
    text = str(value or "")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC).isoformat(timespec="seconds")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def _entry(change: dict[str, Any], base_url: str) -> str:
    alert = build_alert(change)
    title = f"{alert.headline_zh} — {alert.headline_en}"
    parts = ["<entry>", f"<id>{entry_id(change['id'])}</id>", f"<title>{escape(title)}</title>",
             f"<updated>{_time(change.get('detected_at'))}</updated>"]
    if change.get("published_at"):
        parts.append(f"<published>{_time(change['published_at'])}</published>")
    if base_url:
        page = f"{base_url}/-/regwatch/change/{int(change['id'])}"
        parts.append(f'<link rel="alternate" type="text/html" href={quoteattr(page)}/>')
    url = str(change.get("url") or "")
    if url.startswith(("http://", "https://")):
        parts.append(f"<link rel=\"related\" href={quoteattr(url)}/>")
    for term in (change.get("kind"), change.get("category"), change.get("severity")):
        if term:
            parts.append(f"<category term={quoteattr(str(term))}/>")
    parts.append(f"<summary>{escape(str(change.get('summary') or title))}</summary>")
    parts.append(f'<content type="html">{escape(Rendering([alert]).html_fragment)}</content>')
    parts.append("</entry>")
    return "\n".join(parts)


def atom_chunks(changes: Iterable[dict[str, Any]], *, scope: str = "all", title: str = "regwatch",
                base_url: str = "", updated: str | None = None) -> Iterator[str]:
    """The feed, piece by piece: header first, then one entry per change (newest first is the caller's
    choice). `updated` is the newest change's time, so an unchanged feed is byte-identical."""
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield f'<feed xmlns="{ATOM_NS}" xml:lang="zh-CN">\n'
    yield f"<id>{feed_id(scope)}</id>\n<title>{escape(title)}</title>\n"
    yield f"<updated>{_time(updated) if updated else '1970-01-01T00:00:00+00:00'}</updated>\n"
    yield f"<author><name>{AUTHOR}</name></author>\n<generator>regwatch</generator>\n"
    if base_url:
        self_url = f"{base_url}/-/regwatch/feed/{scope}.atom"
        yield f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>\n'
    for change in changes:
        yield _entry(change, base_url) + "\n"
    yield "</feed>\n"


def feed_title(category: str | None, severity: str | None) -> tuple[str, str]:
    """The feed's scope (for its id and URL) and a human title."""
    if category:
        return f"category/{category}", f"regwatch — {category} changes"
    if severity:
        return f"severity/{severity}", f"regwatch — {severity} changes"
    return "all", "regwatch — all changes"
