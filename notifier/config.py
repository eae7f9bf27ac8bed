"""The notifier's part of regwatch.toml: `[notify]`, `[channels.*]` and `[routes.*]`, checked at
load time so that a typo fails the start, not the first alert months later."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notifier.channels import Channel, build_channel
from notifier.envsubst import expand_env
from notifier.errors import ConfigError
from notifier.options import Option, validate
from notifier.render import FORMATS, Style
from notifier.render.templates import TEMPLATE_NAMES
from storage.kinds import stored_kinds
from storage.routing import DEFAULT_ROUTES, RouteFilter
from storage.vocab import CONTENT_CATEGORIES, Authority, Category, Severity

__all__ = ["ConfigError", "NotifierConfig", "NotifySettings", "expand_env", "load_toml",
           "parse_notifier_config"]

BUILTIN_LOG = "log"

NOTIFY_OPTIONS = {
    "max_attempts": Option("int", "tries before a row is dead-lettered", default=8, minimum=1),
    "backoff_base_seconds": Option("float", "first retry delay; doubles each attempt", default=30.0,
                                   minimum=0),
    "backoff_max_seconds": Option("float", "longest retry delay", default=3600.0, minimum=0),
    "lease_seconds": Option("float", "how long a worker holds claimed rows", default=120.0, minimum=0.1),
    "batch_size": Option("int", "rows claimed per pass", default=50, minimum=1),
}

ROUTE_OPTIONS = {
    "channels": Option("list", "channel names to deliver through", required=True),
    "categories": Option("list", "document categories wanted", choices=Category.values()),
    "authorities": Option("list", "authorities wanted (all when left out)", choices=Authority.values()),
    "kinds": Option("list", "change kinds wanted, 'list.*' style prefixes allowed (all when left out)"),
    "keywords": Option("list", "jieba words that must occur; end one with * for a substring match"),
    "mode": Option("str", "send each change at once, or bundle them daily", default="immediate",
                   choices=("immediate", "digest")),
    "digest_at": Option("time", "digest time, HH:MM Asia/Shanghai (digest mode only)"),
    "ops": Option("bool", "receive health alerts (source.health, outbox.dead)", default=False),
    "severities": Option("list", "only changes of these severities (all when left out)",
                         choices=Severity.values()),
    "min_severity": Option("str", "only changes of this severity or a higher one", choices=Severity.values()),
    "format": Option("str", "summary: headline, counts and the first rows; full: every row and clause "
                     "word by word (both within each channel's limits)", default="full", choices=FORMATS),
    "templates": Option("str", "folder of Jinja2 templates (email.html, message.txt, message.md) that "
                        "replace the shipped ones"),
}


@dataclass(frozen=True)
class NotifySettings:
    max_attempts: int = 8
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 120.0
    batch_size: int = 50


@dataclass
class NotifierConfig:
    """Validated notifier settings: channel instances by name and the routes that use them."""

    notify: NotifySettings = field(default_factory=NotifySettings)
    channels: dict[str, Channel] = field(default_factory=dict)
    routes: tuple[RouteFilter, ...] = DEFAULT_ROUTES
    severities: dict[str, str] = field(default_factory=dict)  # per-kind overrides, [severity]
    public_url: str = ""  # [serve] public_url: alerts link to {public_url}/-/regwatch/change/{id}

    def route_filters(self) -> list[RouteFilter]:
        """What the crawl passes to storage.changes.record_change."""
        return list(self.routes)

    def route(self, name: str) -> RouteFilter | None:
        return next((r for r in self.routes if r.name == name), None)

    def channel(self, name: str) -> Channel | None:
        return self.channels.get(name)

    def style(self, route_name: str) -> Style:
        """How a route's messages look: its format and templates, and the web UI's address."""
        route = self.route(route_name)
        if route is None:
            return Style(public_url=self.public_url)
        return Style(route.format, route.templates or None, self.public_url)

    def digest_routes(self) -> frozenset[str]:
        return frozenset(r.name for r in self.routes if r.mode == "digest")


def parse_notifier_config(cfg: Mapping[str, Any]) -> NotifierConfig:
    """Read `notify`, `channels` and `routes` from a loaded regwatch.toml; ignore other sections."""
    notify = NotifySettings(**validate("notify", NOTIFY_OPTIONS, _table(cfg, "notify")))
    if notify.backoff_max_seconds < notify.backoff_base_seconds:
        raise ConfigError("notify.backoff_max_seconds: must be at least backoff_base_seconds "
                          f"({notify.backoff_base_seconds:g})")
    channels: dict[str, Channel] = {BUILTIN_LOG: build_channel(BUILTIN_LOG, {"kind": "log"})}
    for name, settings in _table(cfg, "channels").items():
        channels[name] = build_channel(name, settings)
    route_tables = _table(cfg, "routes")
    routes = [_route(name, settings, channels) for name, settings in route_tables.items()]
    severities = severity_overrides(_table(cfg, "severity"))
    public_url = str(_table(cfg, "serve").get("public_url") or "").rstrip("/")
    if not routes:
        return NotifierConfig(notify, channels, DEFAULT_ROUTES, severities, public_url)
    if not any(r.ops for r in routes):
        name = "ops" if "ops" not in route_tables else "ops-log"
        routes.append(RouteFilter(name=name, channels=(BUILTIN_LOG,), categories=(), ops=True))
    return NotifierConfig(notify, channels, tuple(routes), severities, public_url)


def severity_overrides(table: Mapping[str, Any]) -> dict[str, str]:
    """[severity] "list.entry_added" = "warning": a user's severity for a kind, checked here."""
    known = stored_kinds()
    out = {}
    for kind, value in table.items():
        if kind not in known:
            raise ConfigError(f"severity: {kind!r} is not a change kind; kinds: {', '.join(known)}")
        if value not in Severity.values():
            raise ConfigError(f"severity.{kind}: {value!r} is not one of: {', '.join(Severity.values())}")
        out[kind] = str(value)
    return out


def _table(cfg: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = cfg.get(key) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: expected a table, got {type(value).__name__}")
    return value


def _route(name: str, settings: Mapping[str, Any], channels: Mapping[str, Channel]) -> RouteFilter:
    where = f"routes.{name}"
    values = validate(where, ROUTE_OPTIONS, settings)
    for channel in values["channels"]:
        if channel not in channels:
            raise ConfigError(f"{where}.channels: {channel!r} is not a defined channel; "
                              f"channels: {', '.join(sorted(channels))}")
    known = stored_kinds()
    for kind in values["kinds"] or ():
        prefix = kind.rstrip("*")
        if not any(k == kind or (kind.endswith("*") and k.startswith(prefix)) for k in known):
            raise ConfigError(f"{where}.kinds: {kind!r} matches no change kind; kinds: {', '.join(known)}")
    if values["mode"] == "digest" and not values["digest_at"]:
        raise ConfigError(f"{where}.digest_at: required when mode = \"digest\" (HH:MM, Asia/Shanghai)")
    if values["mode"] != "digest" and values["digest_at"]:
        raise ConfigError(f"{where}.digest_at: only used with mode = \"digest\"; this route is \"immediate\"")
    folder = values["templates"]
    if folder and not Path(folder).is_dir():
        raise ConfigError(f"{where}.templates: {folder!r} is not a folder (it may hold {', '.join(TEMPLATE_NAMES)})")
    categories = values["categories"]
    if categories is None:
        categories = () if values["ops"] else tuple(CONTENT_CATEGORIES)
    return RouteFilter(
        name=name,
        channels=values["channels"],
        categories=tuple(categories),
        authorities=values["authorities"] or (),
        kinds=values["kinds"] or (),
        keywords=values["keywords"] or (),
        ops=values["ops"],
        mode=values["mode"],
        digest_at=values["digest_at"] or "09:00",
        severities=values["severities"] or (),
        min_severity=values["min_severity"] or "",
        format=values["format"],
        templates=str(Path(folder).resolve()) if folder else "",
    )




def load_toml(path: str | Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read a regwatch.toml and expand ${ENV}; used by `python -m notifier`."""
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    return expand_env(raw, environ)
