"""Every key of every config file regwatch reads, declared once as data, and the one loader.

regwatch.toml, crawler/sources.toml and the classification rules are checked against the
declarations in `options.declared` (name, type, default, help), so a typo fails loudly naming the
allowed keys, each default has one home, and a test holds README.md to the list. This package
imports nothing else of regwatch, so storage, the crawler and the notifier can all read it.
"""

from options.base import TYPES, ConfigError, Option, check_keys, convert, validate
from options.declared import (
    GENERAL,
    NOTIFY,
    ROUTE,
    RULES_CATEGORY,
    RULES_ENFORCEMENT,
    RULES_LOOKALIKE,
    RULES_REVIEW,
    RULES_SCORED,
    RULES_SHORT_TEXT,
    RULES_STAGE,
    RULES_TOP,
    SERVE,
    SOURCE,
    SOURCE_ARTICLE,
    SOURCE_COLUMN,
    SOURCE_LISTING,
    SOURCE_OVERRIDE,
    SOURCE_PAGE_LISTING,
    TOP_LEVEL,
    WATCHLIST,
    default,
)
from options.envsubst import expand_env
from options.load import DEFAULT_CONFIG, Config, load_config, read_toml

__all__ = [
    "DEFAULT_CONFIG",
    "GENERAL",
    "NOTIFY",
    "ROUTE",
    "RULES_CATEGORY",
    "RULES_ENFORCEMENT",
    "RULES_LOOKALIKE",
    "RULES_REVIEW",
    "RULES_SCORED",
    "RULES_SHORT_TEXT",
    "RULES_STAGE",
    "RULES_TOP",
    "SERVE",
    "SOURCE",
    "SOURCE_ARTICLE",
    "SOURCE_COLUMN",
    "SOURCE_LISTING",
    "SOURCE_OVERRIDE",
    "SOURCE_PAGE_LISTING",
    "TOP_LEVEL",
    "TYPES",
    "WATCHLIST",
    "Config",
    "ConfigError",
    "Option",
    "check_keys",
    "convert",
    "default",
    "expand_env",
    "load_config",
    "read_toml",
    "validate",
]
