"""regwatch.toml: ${ENV} expansion, and one clear line for every mistake."""

from __future__ import annotations

import pytest

from regwatch.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "regwatch.toml"
    path.write_text(text, "utf-8")
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(environ={})
    assert cfg.path is None
    assert cfg.database == "regwatch.db"
    assert cfg.general["user_agent"].startswith("Mozilla/5.0 (compatible; regwatch/")


def test_env_expansion_and_source_override(tmp_path):
    path = write(tmp_path, '[regwatch]\ndatabase = "${DATA}/r.db"\n[sources.miit]\nbase_url = "${MIIT:-http://x}"\n')
    cfg = load_config(path, environ={"DATA": "/srv"})
    assert cfg.database == "/srv/r.db"
    assert cfg.sources["miit"]["base_url"] == "http://x"


def test_environment_overrides(tmp_path):
    path = write(tmp_path, "")
    cfg = load_config(path, environ={"REGWATCH_DB": "other.db", "REGWATCH_SAMR_BASE_URL": "http://127.0.0.1:9"})
    assert cfg.database == "other.db"
    assert cfg.sources["samr"]["base_url"] == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[regwatch]\ndatabse = 'x'\n", "regwatch: unknown key 'databse'; allowed keys: blobs, classify_rules"),
        ("[regwatch]\ndownload_delay = 'fast'\n", "regwatch.download_delay: expected a number, got 'fast'"),
        ("[regwatch]\nobey_robots = 1\n", "regwatch.obey_robots: expected true or false, got 1"),
        ("[regwatch]\nwithdraw_after_runs = 0\n", "regwatch.withdraw_after_runs: must be at least 1"),
        ("[sources.miit]\nbaseurl = 'x'\n", "sources.miit: unknown key 'baseurl'; allowed keys: base_url"),
        ("[sources.miit]\nbase_url = 'ftp://x'\n", "sources.miit.base_url"),
        ("[mystery]\n", "unknown section [mystery]"),
        ("[regwatch\n", "not valid TOML"),
        ("[regwatch]\ndatabase = '${NOPE}'\n", "environment variable NOPE is not set"),
    ],
    ids=["unknown-key", "wrong-type", "bool-not-int", "below-minimum", "unknown-source-key", "bad-url",
         "unknown-section", "bad-toml", "unset-env"],
)
def test_bad_config_gets_one_clear_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={})
    assert message in str(info.value)
    assert "\n" not in str(info.value)
