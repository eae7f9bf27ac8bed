"""The watched sites as data (sources.toml), with per-user overrides applied."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from options import SOURCE, SOURCE_ARTICLE, SOURCE_LISTING, ConfigError, check_keys, validate


class SourceError(ConfigError):
    """sources.toml or an override is malformed."""


@dataclass(frozen=True)
class Column:
    name: str
    path: str


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    authority: str
    base_url: str
    hosts: tuple[str, ...]
    schedule: str
    stale_after_hours: float
    ignore_patterns: tuple[str, ...]
    unit: Mapping[str, Any]
    listing: Mapping[str, str]
    article: Mapping[str, str]
    columns: tuple[Column, ...]
    search: Mapping[str, Any] = field(default_factory=dict)
    name_en: str = ""
    enabled: bool = True
    crawl_budget_minutes: float | None = None  # None: the [regwatch] default

    @property
    def base_host(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))

    def to_local(self, url: str) -> str:
        """Rewrite a link to any of the source's real hosts (www., wap., http or https) so that
        it is fetched from base_url; other URLs are returned unchanged (and refused later)."""
        parts = urlsplit(url)
        if parts.netloc.lower() in self.hosts or parts.netloc == self.base_host:
            base = urlsplit(self.base_url)
            return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return url

    def public_url(self, url: str) -> str:
        """The canonical public address of a page: https on the first real host."""
        parts = urlsplit(url)
        return urlunsplit(("https", self.hosts[0], parts.path, parts.query, ""))

    def allows(self, url: str) -> bool:
        return urlsplit(url).netloc == self.base_host


def _load_builtin() -> dict[str, Any]:
    text = resources.files("crawler").joinpath("sources.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_sources(overrides: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Source]:
    """Sources from sources.toml, with regwatch.toml's [sources.<id>] overrides applied."""
    data = _load_builtin()
    overrides = overrides or {}
    for source_id in overrides:
        if source_id not in data:
            raise SourceError(f"unknown source {source_id!r} in [sources]; known: {', '.join(data)}")
    out: dict[str, Source] = {}
    for source_id, raw in data.items():
        merged = {**raw, **{k: v for k, v in overrides.get(source_id, {}).items() if v is not None}}
        try:
            values = validate(f"sources.toml [{source_id}]", SOURCE, merged)
            check_keys(f"sources.toml [{source_id}.article]", SOURCE_ARTICLE, values["article"])
            check_keys(f"sources.toml [{source_id}.listing]", SOURCE_LISTING, values["listing"])
        except ConfigError as exc:
            raise SourceError(str(exc)) from None
        out[source_id] = Source(
            id=source_id,
            name=values["name"],
            name_en=values["name_en"],
            authority=values["authority"],
            base_url=values["base_url"].rstrip("/"),
            hosts=tuple(h.lower() for h in values["hosts"]),
            schedule=values["schedule"],
            stale_after_hours=values["stale_after_hours"],
            ignore_patterns=tuple(values["ignore_patterns"]),
            unit=values["unit"],
            listing=values["listing"],
            article=values["article"],
            columns=tuple(Column(c["name"], c["path"]) for c in values["columns"]),
            search=values["search"],
            enabled=values["enabled"],
            crawl_budget_minutes=values["crawl_budget_minutes"],
        )
    return out
