"""The declared options: each one documented, each default read from its one home."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.settings import Settings

import crawler.settings
from crawler.sources import SourceError, load_sources
from notifier.channels import Channel
from notifier.routes import NotifySettings
from options import (
    GENERAL,
    NOTIFY,
    ROUTE,
    RULES_CATEGORY,
    RULES_ENFORCEMENT,
    RULES_REVIEW,
    RULES_SCORED,
    RULES_SHORT_TEXT,
    RULES_TOP,
    SERVE,
    SOURCE,
    SOURCE_ARTICLE,
    SOURCE_COLUMN,
    SOURCE_LISTING,
    SOURCE_OVERRIDE,
    SOURCE_PAGE_LISTING,
    WATCHLIST,
    ConfigError,
    Option,
    validate,
)
from storage.ingest import IngestSettings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")

DECLARED = {
    "[regwatch]": GENERAL, "[sources.<id>]": SOURCE_OVERRIDE, "[notify]": NOTIFY, "[routes.<name>]": ROUTE,
    "[serve]": SERVE,
    "sources.toml": SOURCE, "article selectors": SOURCE_ARTICLE, "listing selectors": SOURCE_LISTING,
    "rules": RULES_TOP, "rules scored table": RULES_SCORED,
    "rules category": RULES_CATEGORY, "page listing": SOURCE_PAGE_LISTING, "columns": SOURCE_COLUMN,
    "rules short_text": RULES_SHORT_TEXT, "rules enforcement": RULES_ENFORCEMENT, "rules review": RULES_REVIEW,
    "[watchlist]": WATCHLIST,
}


def _readme_section(heading: str) -> str:
    """The README text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = README.index(heading + "\n")
    rest = README[start + len(heading):]
    end = re.search(rf"^#{{1,{len(level)}}} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


@pytest.mark.parametrize("table", list(DECLARED), ids=list(DECLARED))
def test_every_declared_option_is_documented_in_readme(table):
    missing = [name for name in DECLARED[table] if f"`{name}`" not in README]
    assert not missing, f"README.md does not document {table} keys: {missing}"


def test_every_general_default_is_the_one_in_the_readme_table():
    section = _readme_section("### `[regwatch]`")
    for name, option in GENERAL.items():
        row = next((line for line in section.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, name
        shown = str(option.default).lower() if isinstance(option.default, bool) else str(option.default)
        if name == "user_agent":
            shown = "Mozilla/5.0 (compatible; regwatch/"
        assert shown.strip('"') in row or (shown == "" and '`""`' in row), (name, row)


@pytest.mark.parametrize("kind", sorted(Channel.registry))
def test_every_channel_key_is_documented_in_readme(kind):
    row = next(line for line in README.splitlines() if line.startswith(f"| `{kind}` |"))
    own = [k for k in Channel.registry[kind].options if f"`{k}`" not in row]
    assert not own, f"README.md's channel table does not list {kind} keys {own}"


def test_scrapy_and_ingest_defaults_come_from_the_declarations():
    settings = Settings()
    settings.setmodule(crawler.settings)
    assert settings.getfloat("REGWATCH_SUSPECT_REMOVAL_SHARE") == GENERAL["suspect_removal_share"].default
    assert settings.getint("REGWATCH_FLAPPING_WINDOW") == GENERAL["flapping_window"].default
    assert settings.getint("REGWATCH_WITHDRAW_AFTER_RUNS") == GENERAL["withdraw_after_runs"].default
    assert settings.get("USER_AGENT") == GENERAL["user_agent"].default
    assert settings.getfloat("DOWNLOAD_DELAY") == GENERAL["download_delay"].default
    ingest = IngestSettings()
    assert (ingest.suspect_share, ingest.flapping_window, ingest.withdraw_after) == (0.25, 5, 2)
    assert NotifySettings.parse({}).max_attempts == NOTIFY["max_attempts"].default == 8


def test_crawler_settings_do_not_import_the_application():
    text = Path(crawler.settings.__file__).read_text("utf-8")
    assert not re.search(r"^\s*(from|import) regwatch\b", text, flags=re.M)


def test_validate_fills_defaults_and_names_the_allowed_keys():
    declared = {"a": Option("int", "A.", default=3), "b": Option("table", "B.", default={})}
    assert validate("t", declared, {}) == {"a": 3, "b": {}}
    with pytest.raises(ConfigError, match=r"^t: unknown key 'c'; allowed keys: a, b$"):
        validate("t", declared, {"c": 1})
    with pytest.raises(ConfigError, match=r"^t.b: expected a table, got int$"):
        validate("t", declared, {"b": 1})


def test_a_bad_source_override_names_the_key():
    with pytest.raises(SourceError, match=r"sources.toml \[miit\].stale_after_hours: expected a number"):
        load_sources({"miit": {"stale_after_hours": "soon"}})
    assert load_sources()["miit"].stale_after_hours == 6.0

