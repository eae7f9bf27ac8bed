"""regwatch.toml plus the environment: settings declared as data, validated on load.

Every key a user may write is declared below with its type, default and help, so that a
typo fails loudly (naming the allowed keys) and the README can be checked against this list.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notifier.envsubst import expand_env
from notifier.errors import ConfigError
from notifier.options import Option, validate
from regwatch import __version__

DEFAULT_CONFIG = "regwatch.toml"


GENERAL_SETTINGS: dict[str, Option] = {
    "database": Option("str", "SQLite database file.", default="regwatch.db"),
    "blobs": Option("str", "Folder of the evidence blob store (raw pages and attachments).",
                    default="regwatch-blobs"),
    "user_agent": Option("str", "User-Agent sent to the sites; MIIT refuses clients that do not look like a browser.",
                         default=f"Mozilla/5.0 (compatible; regwatch/{__version__})"),
    "download_delay": Option("float", "Seconds between requests to one host.", default=2.0, minimum=0),
    "download_timeout": Option("float", "Seconds before a request is given up.", default=30.0, minimum=1),
    "max_download_bytes": Option("int", "Largest page or attachment fetched.", default=50_000_000, minimum=1),
    "obey_robots": Option("bool", "Obey robots.txt where a site serves one.", default=True),
    "withdraw_after_runs": Option("int", "Consecutive 404/410 runs before a document counts as withdrawn.",
                                  default=2, minimum=1),
    "suspect_removal_share": Option("float", "A list change removing more than this share in one step is "
                                    "flagged 'needs review'.", default=0.25, minimum=0),
    "flapping_window": Option("int", "How many earlier versions are remembered to detect flapping.",
                              default=5, minimum=1),
    "max_pages": Option("int", "Listing pages read per column in a --full run.", default=50, minimum=1),
    "classify_rules": Option("str", "A TOML file of classification rules merged over the built-in ones.",
                             default=""),
}

SOURCE_SETTINGS: dict[str, Option] = {
    "base_url": Option("url", "Where the source is fetched from (a proxy or the replica)."),
    "enabled": Option("bool", "Whether the source is crawled."),
    "schedule": Option("str", "Cron expression (Asia/Shanghai) for scheduled crawls."),
}

SERVE_SETTINGS: dict[str, Option] = {
    "public_url": Option("url", "Where users reach `regwatch serve`; alerts then link to "
                         "{public_url}/-/regwatch/change/{id}."),
}

TOP_LEVEL = ("regwatch", "sources", "notify", "channels", "routes", "severity", "serve")


@dataclass
class Config:
    """The loaded configuration; `raw` keeps the notifier's sections for notifier.config."""

    path: Path | None
    general: dict[str, Any]
    sources: dict[str, dict[str, Any]]
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def database(self) -> str:
        return str(self.general["database"])

    @property
    def blobs(self) -> str:
        return str(self.general["blobs"])

    def notifier(self):  # -> notifier.config.NotifierConfig, imported lazily
        from notifier.config import parse_notifier_config

        return parse_notifier_config(self.raw)


def load_config(
    path: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    required: bool = False,
) -> Config:
    """Load regwatch.toml (or defaults when it is absent), expand ${ENV}, validate every key.

    Environment overrides: REGWATCH_DB, REGWATCH_BLOBS, REGWATCH_<SOURCE>_BASE_URL.
    """
    environ = os.environ if environ is None else environ
    explicit = path is not None or "REGWATCH_CONFIG" in environ
    cfg_path = Path(path or environ.get("REGWATCH_CONFIG") or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if cfg_path.exists():
        try:
            data = tomllib.loads(cfg_path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{cfg_path}: not valid TOML: {exc}") from None
    elif explicit or required:
        raise ConfigError(f"config file {cfg_path} does not exist (run 'regwatch init' to write one)")
    else:
        cfg_path = None
    for key in data:
        if key not in TOP_LEVEL:
            raise ConfigError(f"unknown section [{key}]; allowed sections: {', '.join(TOP_LEVEL)}")
    data = expand_env(data, environ)
    general = validate("regwatch", GENERAL_SETTINGS, data.get("regwatch", {}))
    validate("serve", SERVE_SETTINGS, data.get("serve", {}))
    if environ.get("REGWATCH_DB"):
        general["database"] = environ["REGWATCH_DB"]
    if environ.get("REGWATCH_BLOBS"):
        general["blobs"] = environ["REGWATCH_BLOBS"]
    sources: dict[str, dict[str, Any]] = {}
    raw_sources = data.get("sources", {})
    if not isinstance(raw_sources, dict):
        raise ConfigError("[sources] must be a table of [sources.<id>] sections")
    for source_id, section in raw_sources.items():
        if not isinstance(section, dict):
            raise ConfigError(f"sources.{source_id} must be a table")
        checked = validate(f"sources.{source_id}", SOURCE_SETTINGS, section)
        sources[source_id] = {k: v for k, v in checked.items() if k in section}
    for key, value in environ.items():
        match = re.fullmatch(r"REGWATCH_([A-Z0-9_]+)_BASE_URL", key)
        if match and value:
            sources.setdefault(match.group(1).lower(), {})["base_url"] = value
    return Config(path=cfg_path, general=general, sources=sources, raw=data)


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
