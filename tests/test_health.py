"""Never silent: each part of a source (a column page, its listing API, the search API, an
attachment kind) that fails raises one ops alert naming it, `regwatch sources` shows it, and
its recovery is alerted too; watched documents are re-checked whatever failed; a source that
never answered is failed, and goes stale on a plain `regwatch crawl`."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from regwatch.cli import cli
from replica import listing
from replica.catalog import catalog
from replica.sites import MIIT, SEARCH_PATH
from replica.testing import ReplicaProcess
from storage.db import open_db
from tests.conftest import Watcher

pytestmark = pytest.mark.integration  # every test here crawls

GONGGAO_COLUMN = "/zwgk/zcwj/wjfb/gg/index.html"
BATCH1 = "d50d950e07fd1479975b3423ace830ce"  # the oldest white-list document: last page of its columns
SCALE = 30
RENAMED = ("北京示例沐新环保科技有限公司", "北京示例沐新环保科技股份有限公司")  # a batch-2 enterprise


def health_alerts(watcher: Watcher, since: int) -> list[dict]:
    return health_alerts_in(watcher.config.database, since)


def health_alerts_in(database: str | Path, since: int) -> list[dict]:
    db = open_db(database)
    try:
        return [json.loads(r[0]) for r in db.execute(
            "select details from changes where kind = 'source.health' and id > ? order by id", [since])]
    finally:
        db.close()


def last_change_id(database: str | Path) -> int:
    db = open_db(database)
    try:
        return db.execute("select coalesce(max(id), 0) from changes").fetchone()[0]
    finally:
        db.close()


def ops_outbox(watcher: Watcher, since: int) -> list[str]:
    db = watcher.db()
    try:
        return [r[0] for r in db.execute(
            "select o.route from outbox o join changes c on c.id = o.change_id "
            "where c.kind = 'source.health' and c.id > ?", [since])]
    finally:
        db.close()


def sources_json(watcher: Watcher) -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["--db", watcher.config.database, "--config",
                                      str(watcher.workdir / "regwatch.toml"), "sources", "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in json.loads(result.output)}


def part_health(row: dict) -> dict[str, str]:
    return {p["part"]: p["health"] for p in row["parts"]}


def test_a_column_answering_404_is_named_in_one_alert_and_so_is_its_recovery(watcher):
    watcher.crawl("miit")
    watcher.replica.set_fault("not_found", host="miit", paths=GONGGAO_COLUMN)
    last = watcher.last_change_id()
    assert watcher.crawl("miit").statuses == {"miit": "degraded"}
    [alert] = health_alerts(watcher, last)
    assert (alert["state"], alert["previous"], alert["part"]) == ("degraded", "ok", "column 公告")
    assert "HTTP 404" in alert["parts"][0]["reason"]
    assert ops_outbox(watcher, last) == ["ops"], "health alerts go to the ops route"
    miit = sources_json(watcher)["miit"]
    assert miit["health"] == "degraded"
    assert part_health(miit)["column 公告"] == "degraded"
    assert part_health(miit)["column 文件公示"] == "ok"

    last = watcher.last_change_id()
    watcher.crawl("miit")
    assert health_alerts(watcher, last) == [], "one alert per change of state, not per run"

    watcher.replica.clear_faults()
    last = watcher.last_change_id()
    assert watcher.crawl("miit").statuses == {"miit": "ok"}
    [recovered] = health_alerts(watcher, last)
    assert (recovered["state"], recovered["previous"], recovered["part"]) == ("ok", "degraded", "column 公告")
    miit = sources_json(watcher)["miit"]
    assert miit["health"] == "ok" and set(part_health(miit).values()) == {"ok"}


@pytest.fixture(scope="module")
def scaled_replica():
    """A replica with filler articles in every column, so the oldest batches are on page 2."""
    with ReplicaProcess().start(scale=SCALE) as proc:
        yield proc


def article_requests(replica, art_id: str) -> list[dict]:
    return [r for r in replica.requests() if f"art_{art_id}" in r["path"]]


def first_page_art_ids(column: str) -> set[str]:
    rows, _ = listing.page("miit", column, 0, SCALE, 1, MIIT.rows)
    return {row.doc.art_id for row in rows}


def test_search_api_403_is_named_and_a_list_edited_in_place_on_page_2_is_still_found(scaled_replica, tmp_path):
    scaled_replica.reset()
    batch2 = catalog().by_key["batch2-gonggao"]
    assert not any(batch2.art_id in first_page_art_ids(c) for c in batch2.columns), "batch 2 is past page 1"
    watcher = Watcher(scaled_replica, tmp_path)
    watcher.crawl("miit")
    scaled_replica.set_fault("error5xx", host="miit", paths=SEARCH_PATH, status=403, count=1_000_000)
    # MIIT replaces batch 2's list file under the same address; its article page does not change.
    scaled_replica.set_fault("list_edit", host="miit", batch=2, old=RENAMED[0], new=RENAMED[1])
    scaled_replica.clear_requests()
    last = watcher.last_change_id()
    assert watcher.crawl("miit").statuses == {"miit": "degraded"}
    found = [c for c in watcher.changes_since(last) if c["kind"].startswith("list.")]
    assert any(c["entity"] == RENAMED[1] for c in found), [c["summary"] for c in found]
    [alert] = health_alerts(watcher, last)
    assert (alert["state"], alert["part"]) == ("degraded", "search API")
    assert alert["parts"][0]["state"] == "blocked"
    assert part_health(sources_json(watcher)["miit"])["search API"] == "blocked"
    # Batch 1 sits past the first listing page, and the search API that also finds it refused
    # us: it is re-checked all the same (conditionally), so an edit to it would be seen.
    assert article_requests(scaled_replica, BATCH1), "the watched document was not re-checked"
    db = watcher.db()
    dated = {r[0]: r[1] for r in db.execute("select enterprise, dated_by from list_entries where valid_to is null")}
    db.close()
    assert dated[RENAMED[1]] == "observed", "an edit found later is dated by when it was observed"

    scaled_replica.clear_faults()
    last = watcher.last_change_id()
    assert watcher.crawl("miit").statuses == {"miit": "ok"}
    [recovered] = health_alerts(watcher, last)
    assert (recovered["state"], recovered["part"]) == ("ok", "search API")


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(path: Path, workdir: Path, base_url: str, stale_hours: float) -> None:
    path.write_text(f"""
[regwatch]
database = "{(workdir / 'regwatch.db').as_posix()}"
blobs = "{(workdir / 'blobs').as_posix()}"
download_delay = 0

[sources.miit]
enabled = false

[sources.samr]
base_url = "{base_url}"
stale_after_hours = {stale_hours}
""", "utf-8")


def test_a_source_never_reached_is_failed_and_a_plain_crawl_raises_stale_once(tmp_path):
    config = tmp_path / "regwatch.toml"
    write_config(config, tmp_path, f"http://127.0.0.1:{closed_port()}", 6)
    runner = CliRunner()
    first = runner.invoke(cli, ["--config", str(config), "crawl"])
    assert first.exit_code == 3, first.output
    database = tmp_path / "regwatch.db"
    states = [(a["source"], a["state"]) for a in health_alerts_in(database, 0)]
    assert states == [("samr", "failed")]
    listed = runner.invoke(cli, ["--config", str(config), "sources", "--format", "json"])
    assert {r["id"]: r["health"] for r in json.loads(listed.output)}["samr"] == "failed"

    write_config(config, tmp_path, f"http://127.0.0.1:{closed_port()}", 0)  # any time since is too long
    last = last_change_id(database)
    assert runner.invoke(cli, ["--config", str(config), "crawl"]).exit_code == 3
    assert [(a["source"], a["state"], a["previous"]) for a in health_alerts_in(database, last)] == [
        ("samr", "stale", "failed")]
    last = last_change_id(database)
    assert runner.invoke(cli, ["--config", str(config), "crawl"]).exit_code == 3
    assert health_alerts_in(database, last) == [], "stale is raised once per state change"
    listed = runner.invoke(cli, ["--config", str(config), "sources", "--format", "json"])
    assert {r["id"]: r["health"] for r in json.loads(listed.output)}["samr"] == "stale"
