"""regwatch.toml as the application sees it: the one loader (options.load_config) plus the
notifier's channels and routes built from it, and the starter file `regwatch init` writes.

Every key is declared once in `options.declared`; this module adds nothing to the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import options
from crawler.sources import SourceError, load_sources
from notifier.routes import NotifierConfig, parse_notifier_config
from options import DEFAULT_CONFIG, ConfigError

__all__ = ["DEFAULT_CONFIG", "STARTER_CONFIG", "Config", "ConfigError", "load_config"]


@dataclass
class Config(options.Config):
    """The loaded configuration, with the notifier's view of it."""

    def notifier(self) -> NotifierConfig:
        """Channels and routes, validated: a typo in them fails here, before anything runs."""
        return parse_notifier_config(self.raw)


def load_config(path: str | Path | None = None, *, environ: Mapping[str, str] | None = None,
                required: bool = False) -> Config:
    """Load and validate regwatch.toml (or the defaults); see options.load_config."""
    loaded = options.load_config(path, environ=environ, required=required)
    if any("platform" in section for section in loaded.sources.values()):
        _check_definitions(loaded.sources)
    return Config(path=loaded.path, general=loaded.general, sources=loaded.sources, raw=loaded.raw,
                  watchlist=loaded.watchlist)


def _check_definitions(sources: dict[str, dict[str, Any]]) -> None:
    """Source definitions fail at load time, with one line naming the key, not mid-crawl."""

    try:
        load_sources(sources)
    except SourceError as exc:
        raise ConfigError(f"[sources]: {exc}") from None


STARTER_CONFIG = """\
# regwatch configuration. Secrets come from the environment: ${NAME} is replaced on load.

[regwatch]
database = "regwatch.db"
blobs = "regwatch-blobs"
# user_agent = "Mozilla/5.0 (compatible; regwatch/0.1.0)"
download_delay = 2.0

# Point a source somewhere else (a proxy, or the local replica) or change its schedule:
# [sources.miit]
# base_url = "http://127.0.0.1:8001"
# schedule = "*/30 * * * *"

# [channels.compliance-mail]
# kind = "email"
# host = "smtp.example.com"
# port = 587
# security = "starttls"
# username = "${SMTP_USER}"
# password = "${SMTP_PASSWORD}"
# from = "regwatch@example.com"
# to = ["compliance@example.com"]

# [routes.compliance]
# channels = ["compliance-mail"]
# categories = ["whitelist", "criteria"]   # left out: whitelist, criteria, inspection and penalty
# mode = "immediate"
"""
