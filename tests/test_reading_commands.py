"""Reading commands answer only from a database that exists, and only for filter values that
mean something: a typo in a path or a value is one line and exit 2, never "(none)" or
"not_found" from an empty database created on the spot."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from regwatch.cli import cli
from regwatch.filters import FilterError, parse_day, parse_moment, utc_iso
from storage.db import open_db

READING = [
    ["changes"], ["list"], ["search", "名单"], ["verify", "湖南邦普循环科技有限公司"],
    ["export", "--what", "list", "--format", "json"], ["serve"], ["diff", "doc:1", "doc:2"], ["sources"],
    ["notify"],
]


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*"))


@pytest.mark.parametrize("args", READING, ids=[a[0] for a in READING])
def test_a_reading_command_refuses_a_missing_database_and_creates_nothing(tmp_path, args):
    missing = tmp_path / "typo" / "regwatch.db"
    before = files_under(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(missing), *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(missing) in lines[0] and "regwatch init" in lines[0]
    assert files_under(tmp_path) == before, "nothing is created on disk"


def test_init_creates_the_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "new" / "regwatch.db"), "init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "regwatch.db").is_file()


@pytest.fixture
def empty_db(tmp_path) -> str:
    path = tmp_path / "regwatch.db"
    open_db(path).close()
    return str(path)


BAD_FILTERS = [
    (["changes", "--since", "2026-13-45"], "--since"),
    (["changes", "--since", "yesterdayish"], "--since"),
    (["changes", "--until", "2026-02-30"], "--until"),
    (["changes", "--kind", "bogus"], "list.entry_removed"),
    (["changes", "--kind", "nofamily.*"], "list.*"),
    (["changes", "--source", "xyz"], "miit, samr"),
    (["changes", "--severity", "urgent"], "info, warning, critical"),
    (["changes", "--category", "batteries"], "whitelist"),
    (["list", "--type", "foo"], "梯次利用, 再生利用"),
    (["list", "--as-of", "2026-04-31"], "--as-of"),
    (["verify", "某公司", "--as-of", "soon"], "--as-of"),
]


@pytest.mark.parametrize(("args", "allowed"), BAD_FILTERS, ids=[" ".join(a[0][1:]) for a in BAD_FILTERS])
def test_an_unknown_filter_value_is_one_line_with_the_allowed_values(empty_db, args, allowed):
    result = CliRunner().invoke(cli, ["--db", empty_db, *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and allowed in lines[0], result.output


@pytest.mark.parametrize("args", [["changes", "--since", "yesterday"], ["changes", "--since", "7d"],
                                  ["changes", "--since", "today", "--kind", "list.*", "--severity", "critical"],
                                  ["list", "--as-of", "yesterday", "--type", "再生利用"]])
def test_documented_filter_forms_are_accepted(empty_db, args):
    result = CliRunner().invoke(cli, ["--db", empty_db, *args])
    assert result.exit_code == 0, result.output


def test_dates_are_read_in_beijing_time_unless_zoned():
    assert utc_iso(parse_moment("--since", "2026-10-01")) == "2026-09-30T16:00:00+00:00"
    assert utc_iso(parse_moment("--since", "2026-10-01T09:30")) == "2026-10-01T01:30:00+00:00"
    assert utc_iso(parse_moment("--since", "2026-10-01T09:30Z")) == "2026-10-01T09:30:00+00:00"
    now = datetime(2026, 10, 1, 17, 0, tzinfo=UTC)  # already 2 October in Beijing
    assert utc_iso(parse_moment("--since", "today", now=now)) == "2026-10-01T16:00:00+00:00"
    assert utc_iso(parse_moment("--since", "yesterday", now=now)) == "2026-09-30T16:00:00+00:00"
    assert utc_iso(parse_moment("--since", "7d", now=now)) == "2026-09-24T17:00:00+00:00"
    assert parse_day("--as-of", None, now=now) == "2026-10-02"
    with pytest.raises(FilterError):
        parse_moment("--since", "2026-10-01 25:00")


def test_verify_on_a_database_that_never_read_the_list_says_so(empty_db):
    result = CliRunner().invoke(cli, ["--db", empty_db, "verify", "湖南邦普循环科技有限公司", "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["status"] == "unknown" and "no good crawl" in row["warning"]
