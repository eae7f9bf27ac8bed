"""Which routes a change goes to. Pure data and matching, so the crawl can queue alerts
in the same transaction as the change without importing the notifier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from diff.text import segment
from storage.kinds import ChangeKind
from storage.vocab import CONTENT_CATEGORIES, Category, Severity, lookup


@dataclass(frozen=True)
class RouteFilter:
    """The matching half of a route: which changes it wants, and through which channels."""

    name: str
    channels: tuple[str, ...]
    categories: tuple[str, ...] = tuple(CONTENT_CATEGORIES)
    authorities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    ops: bool = False
    review: bool = False  # also low-confidence classifications (needs_review), irrelevant ones included
    mode: str = "immediate"
    digest_at: str = "09:00"
    severities: tuple[str, ...] = ()  # only these severities (all when empty)
    min_severity: str = ""  # only this severity or a higher one
    format: str = "full"  # "full" or "summary": how much of each message the route's channels show
    templates: str = ""  # a folder of Jinja2 templates overriding the shipped ones
    watchlist: bool = False  # receives supplier.* alerts (and only those unless categories are set)
    owner_channel: str = ""  # an email channel that also sends each supplier alert to its owner
    extra: Mapping[str, Any] = field(default_factory=dict)

    def _wanted_kind_and_authority(self, change: Mapping[str, Any]) -> bool:
        kind = str(change.get("kind", ""))
        if self.kinds and not any(kind == k or kind.startswith(k.rstrip("*")) for k in self.kinds):
            return False
        return not self.authorities or change.get("authority") in self.authorities

    def wants_severity(self, value: object) -> bool:
        """The same severity the change was stored with decides (for a list announcement, the
        highest of its changes: `message_severity`); an unknown value counts as info."""
        severity = lookup(Severity, value) or Severity.INFO
        if self.severities and severity.value not in self.severities:
            return False
        floor = lookup(Severity, self.min_severity)
        return floor is None or severity.rank >= floor.rank

    def matches(self, change: Mapping[str, Any]) -> bool:
        kind = str(change.get("kind", ""))
        declared = ChangeKind.registry.get(kind)
        if declared is not None and declared.for_operators:
            return self.ops and self.wants_severity(change.get("severity"))
        if declared is not None and declared.for_watchlist:
            return self.watchlist
        if self.review and change.get("needs_review"):
            return self._wanted_kind_and_authority(change)
        if self.ops and not self.categories:
            return False
        category = change.get("category") or Category.IRRELEVANT
        if category == Category.IRRELEVANT or category not in self.categories:
            return False
        if self.kinds and not any(kind == k or kind.startswith(k.rstrip("*")) for k in self.kinds):
            return False
        if self.authorities and change.get("authority") not in self.authorities:
            return False
        if not self.wants_severity(change.get("message_severity") or change.get("severity")):
            return False
        if self.keywords:
            return keywords_match(self.keywords, _searchable(change))
        return True


def _searchable(change: Mapping[str, Any]) -> str:
    parts = [str(change.get("summary") or ""), str(change.get("title") or "")]
    details = change.get("details")
    if isinstance(details, str):
        parts.append(details)
    elif details is not None:
        import json

        parts.append(json.dumps(details, ensure_ascii=False))
    return "\n".join(parts)


def keywords_match(keywords: Iterable[str], text: str) -> bool:
    """Keywords match whole jieba words, so 电池 does not fire inside 蓄电池.

    A keyword ending in '*' matches as a plain substring, for users who want that.
    """

    words = None
    for keyword in keywords:
        if keyword.endswith("*"):
            if keyword[:-1] and keyword[:-1] in text:
                return True
            continue
        if words is None:
            words = set(segment(text))
        wanted = segment(keyword)
        if wanted and all(w in words for w in wanted):
            return True
    return False


DEFAULT_ROUTES = (RouteFilter(name="default", channels=("log",)),
                  RouteFilter(name="ops", channels=("log",), categories=(), ops=True))


def routes_for(change: Mapping[str, Any], routes: Iterable[RouteFilter]) -> list[RouteFilter]:
    return [r for r in routes if r.matches(change)]


def iter_routes(raw: Iterable[dict[str, Any]]) -> list[RouteFilter]:
    """Route filters from plain dicts (as passed through Scrapy settings)."""
    out = []
    for r in raw:
        r = dict(r)
        for key in ("channels", "categories", "authorities", "kinds", "keywords", "severities"):
            if key in r:
                r[key] = tuple(r[key])
        out.append(RouteFilter(**r))
    return out or list(DEFAULT_ROUTES)
