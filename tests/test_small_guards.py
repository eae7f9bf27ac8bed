"""The smaller guards: cron strings and URLs checked at load with the key named, an unterminated
${NAME refused, migrations safe under concurrent first opens, search queries capped."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner

from regwatch.cli import cli
from regwatch.config import ConfigError, load_config
from storage.db import open_db
from storage.errors import QueryTooLong
from storage.queries import search


def write(tmp_path, text: str):
    path = tmp_path / "regwatch.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sources.miit]\nschedule = '*/61 * * *'\n", "sources.miit.schedule: not a valid cron expression"),
        ("[sources.samr]\nschedule = 'every day'\n", "sources.samr.schedule: not a valid cron expression"),
        ("[regwatch]\ndatabase = '${UNCLOSED'\n", "regwatch.database: unterminated or malformed ${...}"),
        ("[sources.miit]\nbase_url = 'http://user:pass@127.0.0.1:8001'\n",
         "sources.miit.base_url: credentials in URLs (user:password@host) are refused"),
        ("[channels.h]\nkind = 'webhook'\nurl = 'https://u:p@hooks.example/x'\n[routes.r]\nchannels = ['h']\n",
         "credentials in URLs"),
    ],
    ids=["cron-fields", "cron-words", "unterminated-env", "source-credentials", "channel-credentials"],
)
def test_refused_at_load_with_the_key_named(tmp_path, text, message):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={}).notifier()
    assert message in str(info.value) and "\n" not in str(info.value)
    assert "pass@" not in str(info.value) and ":p@" not in str(info.value), "the secret is not echoed"


def test_a_bad_schedule_fails_every_command_not_only_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "[sources.miit]\nschedule = '99 * * * *'\n")
    open_db(tmp_path / "regwatch.db").close()
    for command in (["sources"], ["notify"], ["crawl", "miit"]):
        result = CliRunner().invoke(cli, ["--config", "regwatch.toml", *command])
        assert result.exit_code == 1 and "sources.miit.schedule" in result.output, (command, result.output)


def test_concurrent_first_opens_migrate_once_without_locking_errors(tmp_path):
    errors: list[BaseException] = []

    def opener(path) -> None:
        try:
            open_db(path).close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    for round_no in range(30):
        path = tmp_path / f"r{round_no}.db"
        threads = [threading.Thread(target=opener, args=(path,)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        db = open_db(path)
        names = [r[0] for r in db.execute("select name from _sqlite_migrations")]
        db.close()
        assert len(names) == len(set(names))
    assert errors == []


def test_search_queries_are_capped(fresh_db):
    with pytest.raises(QueryTooLong, match="characters"):
        search(fresh_db, "名单" * 5000)
    with pytest.raises(QueryTooLong, match="words"):
        search(fresh_db, " ".join(f"词{i}" for i in range(40)))
    assert search(fresh_db, "动力电池 名单") == []


def test_credentials_in_a_base_url_from_the_environment_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="REGWATCH_MIIT_BASE_URL: credentials in URLs"):
        load_config(write(tmp_path, ""), environ={"REGWATCH_MIIT_BASE_URL": "http://u:secret@127.0.0.1:1"})


def test_inspect_refuses_credentials_in_a_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["inspect", "http://user:hunter2@127.0.0.1:9/x.html"])
    assert result.exit_code == 1 and "credentials in URLs" in result.output and "hunter2" not in result.output
