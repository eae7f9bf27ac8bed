"""The one reader of config files: TOML, ${ENV} expansion, and regwatch.toml's own sections checked.

`regwatch` (regwatch/config.py) and the standalone notifier (`python -m notifier`) both load
regwatch.toml here; the rules file and sources.toml are read with `read_toml` too.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from options.base import ConfigError, refuse_credentials, validate
from options.declared import GENERAL, SOURCE_OVERRIDE, TOP_LEVEL, WATCHLIST
from options.envsubst import expand_env

DEFAULT_CONFIG = "regwatch.toml"


@dataclass
class Config:
    """A loaded regwatch.toml: [regwatch] with defaults filled in, the [sources.<id>] overrides,
    and the whole file (env-expanded) for the notifier's [notify], [channels] and [routes]."""

    path: Path | None
    general: dict[str, Any]
    sources: dict[str, dict[str, Any]]
    raw: dict[str, Any] = field(default_factory=dict)
    watchlist: dict[str, Any] = field(default_factory=lambda: validate("watchlist", WATCHLIST, {}))

    @property
    def database(self) -> str:
        return str(self.general["database"])

    @property
    def blobs(self) -> str:
        return str(self.general["blobs"])


def read_toml(path: str | Path, environ: Mapping[str, str] | None = None, *, expand: bool = True,
              error: type[ConfigError] = ConfigError) -> dict[str, Any]:
    """Parse a TOML file (and expand ${ENV} in it); any failure is one line of `error`."""
    try:
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    return expand_env(data, environ) if expand else data


def load_config(path: str | Path | None = None, *, environ: Mapping[str, str] | None = None,
                required: bool = False) -> Config:
    """Load regwatch.toml (or the defaults when it is absent), expand ${ENV}, validate every key.

    Environment overrides: REGWATCH_CONFIG, REGWATCH_DB, REGWATCH_BLOBS, REGWATCH_<SOURCE>_BASE_URL.
    """
    environ = os.environ if environ is None else environ
    explicit = path is not None or "REGWATCH_CONFIG" in environ
    cfg_path: Path | None = Path(path or environ.get("REGWATCH_CONFIG") or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if cfg_path is not None and cfg_path.exists():
        data = read_toml(cfg_path, expand=False)
    elif explicit or required:
        raise ConfigError(f"config file {cfg_path} does not exist (run 'regwatch init' to write one)")
    else:
        cfg_path = None
    for key in data:
        if key not in TOP_LEVEL:
            raise ConfigError(f"unknown section [{key}]; allowed sections: {', '.join(TOP_LEVEL)}")
    data = expand_env(data, environ)
    general = validate("regwatch", GENERAL, data.get("regwatch", {}))
    if environ.get("REGWATCH_DB"):
        general["database"] = environ["REGWATCH_DB"]
    if environ.get("REGWATCH_BLOBS"):
        general["blobs"] = environ["REGWATCH_BLOBS"]
    watchlist = validate("watchlist", WATCHLIST, data.get("watchlist", {}))
    if watchlist["report"] != "off" and not watchlist["report_channel"]:
        raise ConfigError("watchlist.report_channel: required when report is daily or weekly")
    return Config(path=cfg_path, general=general, sources=_source_overrides(data, environ), raw=data,
                  watchlist=watchlist)


def _source_overrides(data: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    raw_sources = data.get("sources", {})
    if not isinstance(raw_sources, dict):
        raise ConfigError("[sources] must be a table of [sources.<id>] sections")
    sources: dict[str, dict[str, Any]] = {}
    for source_id, section in raw_sources.items():
        if not isinstance(section, dict):
            raise ConfigError(f"sources.{source_id} must be a table")
        if "platform" in section:
            # A whole source definition (a `page` source, say), declared by SOURCE: the crawler's
            # load_sources validates it, and regwatch.config does so at load time.
            sources[source_id] = dict(section)
            continue
        checked = validate(f"sources.{source_id}", SOURCE_OVERRIDE, section)
        sources[source_id] = {k: v for k, v in checked.items() if k in section}
    for key, value in environ.items():
        match = re.fullmatch(r"REGWATCH_([A-Z0-9_]+)_BASE_URL", key)
        if match and value:
            refuse_credentials(value, key)
            sources.setdefault(match.group(1).lower(), {})["base_url"] = value
    return sources
