"""The channels and routes regwatch.toml asks for, built from its `[notify]`, `[channels.*]` and
`[routes.*]` sections at load time, so that a typo fails the start, not the first alert months later.

The keys are declared in `options.declared` (channel kinds declare theirs on their class); this
module adds the checks that need the registries: channel names, change kinds, categories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notifier.channels import Channel, build_channel
from notifier.render import Style
from notifier.render.templates import TEMPLATE_NAMES
from options import NOTIFY, ROUTE, SERVE, ConfigError, validate
from storage.kinds import stored_kinds
from storage.routing import DEFAULT_ROUTES, RouteFilter
from storage.vocab import CONTENT_CATEGORIES, Authority, Category, Severity

__all__ = ["NotifierConfig", "NotifySettings", "parse_notifier_config"]

BUILTIN_LOG = "log"


@dataclass(frozen=True)
class NotifySettings:
    """The [notify] section; its defaults are the declared ones (options.declared.NOTIFY)."""

    max_attempts: int
    backoff_base_seconds: float
    backoff_max_seconds: float
    lease_seconds: float
    batch_size: int

    @classmethod
    def parse(cls, section: Mapping[str, Any]) -> NotifySettings:
        settings = cls(**validate("notify", NOTIFY, section))
        if settings.backoff_max_seconds < settings.backoff_base_seconds:
            raise ConfigError("notify.backoff_max_seconds: must be at least backoff_base_seconds "
                              f"({settings.backoff_base_seconds:g})")
        return settings


@dataclass
class NotifierConfig:
    """Validated notifier settings: channel instances by name and the routes that use them."""

    notify: NotifySettings = field(default_factory=lambda: NotifySettings.parse({}))
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
    """Build from a loaded regwatch.toml (`options.Config.raw`); other sections are ignored."""
    notify = NotifySettings.parse(_table(cfg, "notify"))
    channels: dict[str, Channel] = {BUILTIN_LOG: build_channel(BUILTIN_LOG, {"kind": "log"})}
    for name, settings in _table(cfg, "channels").items():
        channels[name] = build_channel(name, settings)
    route_tables = _table(cfg, "routes")
    routes = [_route(name, settings, channels) for name, settings in route_tables.items()]
    severities = severity_overrides(_table(cfg, "severity"))
    public_url = str(validate("serve", SERVE, _table(cfg, "serve"))["public_url"] or "").rstrip("/")
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


def _one_of(where: str, values: tuple[str, ...] | None, allowed: tuple[str, ...]) -> None:
    bad = [v for v in values or () if v not in allowed]
    if bad:
        raise ConfigError(f"{where}: {bad[0]!r} is not one of: {', '.join(allowed)}")


def _route(name: str, settings: Mapping[str, Any], channels: Mapping[str, Channel]) -> RouteFilter:
    where = f"routes.{name}"
    values = validate(where, ROUTE, settings)
    for channel in values["channels"]:
        if channel not in channels:
            raise ConfigError(f"{where}.channels: {channel!r} is not a defined channel; "
                              f"channels: {', '.join(sorted(channels))}")
    _one_of(f"{where}.categories", values["categories"], Category.values())
    _one_of(f"{where}.authorities", values["authorities"], Authority.values())
    known = stored_kinds()
    for kind in values["kinds"] or ():
        prefix = kind.rstrip("*")
        if not any(k == kind or (kind.endswith("*") and k.startswith(prefix)) for k in known):
            raise ConfigError(f"{where}.kinds: {kind!r} matches no change kind; kinds: {', '.join(known)}")
    if values["mode"] == "digest" and not values["digest_at"]:
        raise ConfigError(f"{where}.digest_at: required when mode = \"digest\" (HH:MM, Asia/Shanghai)")
    if values["mode"] != "digest" and values["digest_at"]:
        raise ConfigError(f"{where}.digest_at: only used with mode = \"digest\"; this route is \"immediate\"")
    _one_of(f"{where}.severities", values["severities"], Severity.values())
    folder = values["templates"]
    if folder and not Path(folder).is_dir():
        raise ConfigError(f"{where}.templates: {folder!r} is not a folder (it may hold {', '.join(TEMPLATE_NAMES)})")
    owner = values["owner_channel"] or ""
    if owner and (owner not in channels or channels[owner].kind != "email"):
        raise ConfigError(f"{where}.owner_channel: {owner!r} is not a defined email channel")
    if owner and not values["watchlist"]:
        raise ConfigError(f"{where}.owner_channel: only used with watchlist = true")
    categories = values["categories"]
    if categories is None:
        categories = () if values["ops"] or values["watchlist"] else tuple(CONTENT_CATEGORIES)
    optional = {"digest_at": values["digest_at"]} if values["digest_at"] else {}
    return RouteFilter(
        name=name,
        channels=values["channels"],
        categories=tuple(categories),
        authorities=values["authorities"] or (),
        kinds=values["kinds"] or (),
        keywords=values["keywords"] or (),
        ops=values["ops"],
        review=values["review"],
        mode=values["mode"],
        severities=values["severities"] or (),
        min_severity=values["min_severity"] or "",
        format=values["format"],
        templates=str(Path(folder).resolve()) if folder else "",
        watchlist=values["watchlist"],
        owner_channel=owner,
        **optional,
    )
