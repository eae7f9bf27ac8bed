"""The watched sites as data (sources.toml), with per-user overrides applied."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from crawler.page_source import PageSourceError, validate_page_source
from options import SOURCE, SOURCE_ARTICLE, SOURCE_LISTING, ConfigError, check_keys, validate


class SourceError(ConfigError):
    """sources.toml or an override is malformed."""


@dataclass(frozen=True)
class Column:
    name: str
    path: str
    watch: str = "listing"  # page sources: "page" watches this address as a whole
    body: str = ""  # for watch = "page": the part of the page to watch


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
    platform: str = "hanweb"
    unverified: str = ""  # where the selectors came from, until someone confirms them live

    @property
    def base_host(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))

    def url_from(self, page_url: str, href: str) -> str:
        """An address relative to a page of this source (paging templates, links)."""
        return urljoin(page_url, href)

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


def _read(name: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{name} is not valid TOML: {exc}") from None


def _load_builtin() -> dict[str, Any]:
    """sources.toml, then every sources.d/*.toml (shipped commented out: a definition there
    counts once a user uncomments it)."""
    package = resources.files("crawler")
    data = _read("sources.toml", package.joinpath("sources.toml").read_text("utf-8"))
    folder = package.joinpath("sources.d")
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".toml"):
                continue
            parsed = _read(f"sources.d/{entry.name}", entry.read_text("utf-8"))
            # Blocks are written as [sources.<id>] so that they paste into regwatch.toml unchanged.
            for source_id, raw in parsed.get("sources", parsed).items():
                if source_id in data:
                    raise SourceError(f"sources.d/{entry.name} redefines source {source_id!r}")
                data[source_id] = raw
    return data


def is_definition(section: Mapping[str, Any]) -> bool:
    """A [sources.<id>] section in regwatch.toml that defines a source (it names its platform),
    as against one that only overrides base_url, enabled or schedule."""
    return "platform" in section


def _build(source_id: str, merged: Mapping[str, Any]) -> Source:
    """One source from its merged definition, checked against options.SOURCE and its platform."""
    try:
        values = validate(f"sources.toml [{source_id}]", SOURCE, merged)
        if values["platform"] == "hanweb":
            check_keys(f"sources.toml [{source_id}.article]", SOURCE_ARTICLE, values["article"])
            check_keys(f"sources.toml [{source_id}.listing]", SOURCE_LISTING, values["listing"])
    except ConfigError as exc:
        raise SourceError(str(exc)) from None
    if values["platform"] == "page":
        try:
            validate_page_source(source_id, values)
        except PageSourceError as exc:
            raise SourceError(str(exc)) from None
    hosts = tuple(h.lower() for h in values["hosts"]) or (urlsplit(values["base_url"]).netloc.lower(),)
    return Source(
        id=source_id,
        name=values["name"],
        name_en=values["name_en"],
        authority=values["authority"],
        base_url=values["base_url"].rstrip("/"),
        hosts=hosts,
        schedule=values["schedule"],
        stale_after_hours=values["stale_after_hours"],
        ignore_patterns=tuple(values["ignore_patterns"]),
        unit=values["unit"],
        listing=values["listing"],
        article=values["article"],
        columns=tuple(Column(c["name"], c["path"], c.get("watch", "listing"), c.get("body", ""))
                      for c in values["columns"]),
        search=values["search"],
        enabled=values["enabled"],
        crawl_budget_minutes=values["crawl_budget_minutes"],
        platform=values["platform"],
        unverified=values["unverified"],
    )


def load_sources(overrides: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Source]:
    """Sources from sources.toml and sources.d/, with regwatch.toml's [sources.<id>] applied:
    an override of base_url, enabled or schedule, or a whole new definition (one that names
    its `platform`)."""
    data = _load_builtin()
    overrides = overrides or {}
    for source_id, section in overrides.items():
        if source_id not in data and not is_definition(section):
            raise SourceError(f"unknown source {source_id!r} in [sources]; known: {', '.join(data)} "
                              "(a new source names its platform)")
    out: dict[str, Source] = {}
    for source_id, raw in data.items():
        merged = {**raw, **{k: v for k, v in overrides.get(source_id, {}).items() if v is not None}}
        out[source_id] = _build(source_id, merged)
    for source_id, section in overrides.items():
        if source_id not in data:
            out[source_id] = _build(source_id, section)
    return out
