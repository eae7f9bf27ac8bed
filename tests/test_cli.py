"""The command line: every command documented, one-line errors, exit codes, instant --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from regwatch.cli import cli

COMMANDS = ["init", "crawl", "notify", "run", "sources", "changes", "search", "list", "verify", "watch", "inspect",
            "diff", "export", "serve", "demo", "replica"]
README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_documented(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert f"regwatch {command}" in README, f"README.md does not show `regwatch {command}`"


def test_help_is_instant_no_heavy_imports():
    code = ("import sys; from regwatch.cli import cli; "
            "print(sorted(m for m in ('jieba','scrapy','pdfplumber','openpyxl','docx','twisted') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_init_writes_config_and_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "regwatch.toml").exists() and (tmp_path / "regwatch.db").exists()
    again = CliRunner().invoke(cli, ["init"])
    assert "keeping it" in again.output


def test_config_error_is_one_line_exit_1(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[regwatch]\ncolour = 'blue'\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "regwatch.cli", "--config", str(bad), "sources"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "colour" in lines[0] and "Traceback" not in result.stderr


def test_usage_error_exits_2():
    result = CliRunner().invoke(cli, ["changes", "--format", "yaml"])
    assert result.exit_code == 2


def test_unknown_source_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "r.db"), "crawl", "nosuchsite"])
    assert result.exit_code == 1
    assert "unknown source" in result.output


def test_newer_database_is_refused_with_one_line(tmp_path):
    import sqlite3

    from storage.db import open_db

    path = tmp_path / "r.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) values ('regwatch','9999_x','x')")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["--db", str(path), "changes"])
    assert result.exit_code == 1
    assert "newer than this regwatch" in result.output
