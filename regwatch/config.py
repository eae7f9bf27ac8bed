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
from regwatch import __version__

DEFAULT_CONFIG = "regwatch.toml"


@dataclass(frozen=True)
class Setting:
    name: str
    type: type | tuple[type, ...]
    default: Any
    help: str


GENERAL_SETTINGS: tuple[Setting, ...] = (
    Setting("database", str, "regwatch.db", "SQLite database file."),
    Setting("blobs", str, "regwatch-blobs", "Folder of the evidence blob store (raw pages and attachments)."),
    Setting("user_agent", str, f"Mozilla/5.0 (compatible; regwatch/{__version__})",
            "User-Agent sent to the sites; MIIT refuses clients that do not look like a browser."),
    Setting("download_delay", (int, float), 2.0, "Seconds between requests to one host."),
    Setting("download_timeout", (int, float), 30, "Seconds before a request is given up."),
    Setting("max_download_bytes", int, 50_000_000, "Largest page or attachment fetched."),
    Setting("obey_robots", bool, True, "Obey robots.txt where a site serves one."),
    Setting("withdraw_after_runs", int, 2, "Consecutive 404/410 runs before a document counts as withdrawn."),
    Setting("suspect_removal_share", (int, float), 0.25,
            "A list change removing more than this share in one step is flagged 'needs review'."),
    Setting("flapping_window", int, 5, "How many earlier versions are remembered to detect flapping."),
    Setting("max_pages", int, 50, "Listing pages read per column in a --full run."),
    Setting("classify_rules", str, "", "A TOML file of classification rules merged over the built-in ones."),
)

SOURCE_SETTINGS: tuple[Setting, ...] = (
    Setting("base_url", str, None, "Where the source is fetched from (a proxy or the replica)."),
    Setting("enabled", bool, True, "Whether the source is crawled."),
    Setting("schedule", str, None, "Cron expression (Asia/Shanghai) for scheduled crawls."),
)

TOP_LEVEL = ("regwatch", "sources", "notify", "channels", "routes")

def _check_section(where: str, data: Mapping[str, Any], settings: tuple[Setting, ...]) -> dict[str, Any]:
    by_name = {s.name: s for s in settings}
    out = {s.name: s.default for s in settings}
    for key, value in data.items():
        if key not in by_name:
            raise ConfigError(f"unknown key {where}.{key}; allowed keys: {', '.join(by_name)}")
        setting = by_name[key]
        wanted = setting.type if isinstance(setting.type, tuple) else (setting.type,)
        if isinstance(value, bool) and bool not in wanted:
            ok = False
        else:
            ok = isinstance(value, wanted)
        if not ok:
            names = " or ".join(t.__name__ for t in wanted)
            raise ConfigError(f"{where}.{key} must be {names}, not {type(value).__name__} ({value!r})")
        out[key] = value
    return out


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
    general = _check_section("regwatch", data.get("regwatch", {}), GENERAL_SETTINGS)
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
        sources[source_id] = {k: v for k, v in _check_section(f"sources.{source_id}", section,
                                                             SOURCE_SETTINGS).items() if k in section}
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
# categories = ["whitelist", "criteria", "inspection", "penalty"]
# mode = "immediate"
"""
