"""An option declared as data (type, default, help) and the validator every config file goes through."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

TYPES = ("str", "int", "float", "bool", "list", "url", "time", "table", "tables", "cron")


class ConfigError(ValueError):
    """A config file asks for something regwatch cannot do; the message names the key, in one line."""
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Option:
    """One config key: its type, whether it is required, its default, and its help text."""

    type: str
    help: str
    required: bool = False
    default: Any = None
    secret: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise TypeError(f"unknown option type {self.type!r}")


def validate(section: str, options: Mapping[str, Option], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check `values` against `options`; return them with defaults filled in."""
    check_keys(section, options, values)
    out: dict[str, Any] = {}
    for key, option in options.items():
        if key not in values or values[key] is None:
            if option.required:
                raise ConfigError(f"{section}: missing required key {key!r} ({option.help})")
            out[key] = option.default
            continue
        out[key] = convert(f"{section}.{key}", option, values[key])
    return out


def check_keys(section: str, options: Mapping[str, Option], values: Mapping[str, Any]) -> None:
    """Refuse a key that is not declared, naming the allowed ones (the one message for every file)."""
    if not isinstance(values, Mapping):
        raise ConfigError(f"{section}: expected a table of keys, got {type(values).__name__}")
    unknown = sorted(set(values) - set(options))
    if unknown:
        raise ConfigError(f"{section}: unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(options))}")


def convert(where: str, option: Option, value: Any) -> Any:
    """Check one value against its option's type, choices and minimum; return it in its Python form."""
    kind = option.type
    if kind == "table":
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a table, got {type(value).__name__}")
        return value
    if kind == "tables":
        if not isinstance(value, list) or not all(isinstance(x, Mapping) for x in value):
            raise ConfigError(f"{where}: expected a list of tables, got {type(value).__name__}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if kind in ("int", "float"):
        wrong = isinstance(value, bool) or not isinstance(value, int | float)
        if wrong or (kind == "int" and isinstance(value, float)):
            raise ConfigError(f"{where}: expected a{'n integer' if kind == 'int' else ' number'}, got {value!r}")
        if option.minimum is not None and value < option.minimum:
            raise ConfigError(f"{where}: must be at least {option.minimum:g}, got {value!r}")
        return float(value) if kind == "float" else value
    if kind == "list":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        bad = [x for x in items if option.choices and x not in option.choices]
        if bad:
            raise ConfigError(f"{where}: {bad[0]!r} is not one of: {', '.join(option.choices)}")
        return tuple(items)
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    if option.choices and value not in option.choices:
        raise ConfigError(f"{where}: {value!r} is not one of: {', '.join(option.choices)}")
    if kind == "url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            shown = "(secret)" if option.secret else repr(value)
            raise ConfigError(f"{where}: expected an http:// or https:// URL, got {shown}")
        refuse_credentials(value, where)
    if kind == "cron":
        check_cron(value, where)
    if kind == "time" and not _HHMM.match(value):
        raise ConfigError(f"{where}: expected HH:MM (24-hour, Asia/Shanghai), got {value!r}")
    return value


def refuse_credentials(url: str, where: str) -> None:
    """A password in a URL ends up in logs and name lookups; credentials go in their own keys."""
    if "@" in (urlsplit(url).netloc or ""):
        raise ConfigError(f"{where}: credentials in URLs (user:password@host) are refused; "
                          "put them in the channel's own keys or in ${ENV} variables")


# A fixed interval instead of a crontab: `every 10s`, `every 5m`, `every 2h` (regwatch.scheduler).
EVERY = re.compile(r"every\s+(\d+(?:\.\d+)?)\s*(s|m|h)", re.I)


def check_cron(value: str, where: str) -> None:
    """A five-field crontab expression (or `every N s|m|h`), checked the way the scheduler reads it."""
    from apscheduler.triggers.cron import CronTrigger

    if EVERY.fullmatch(value.strip()):
        return
    try:
        CronTrigger.from_crontab(value, timezone="Asia/Shanghai")
    except ValueError as exc:
        raise ConfigError(f"{where}: not a valid cron expression ({value!r}): {exc}") from None
