"""Quiet-run replay (crawler/replay.py): after a quiet crawl, the next run re-issues its requests
without Scrapy; an unchanged site is answered so, and every real change, fault or outage falls
through to Scrapy and ends exactly as it does with replay off.

Each scenario crawls the replica twice over: one database with replay on, one with it off, the
same steps in the same replica state, and compares the changes and the health they end with.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.replay import Fetcher, Mismatch, config_key, probe
from crawler.sources import load_sources
from storage.changes import iso, utcnow
from tests.conftest import Watcher
from tests.test_page_source import SOURCE as PROVINCE_SOURCE
from tests.test_page_source import page_source

ROOT = Path(__file__).resolve().parent.parent
RENAMED = ("北京示例沐新环保科技有限公司", "北京示例沐新环保科技股份有限公司")  # a batch-2 enterprise
OFF = "[regwatch]\nreplay = false\n"


def plans(watcher: Watcher) -> dict[str, int]:
    db = watcher.db()
    try:
        return {r[0]: len(json.loads(r[1])) for r in db.execute("select source_id, requests from replay_plans")}
    finally:
        db.close()


def last_run(watcher: Watcher, source_id: str) -> dict:
    db = watcher.db()
    try:
        row = dict(next(iter(db.query("select * from crawl_runs where source_id = ? order by id desc limit 1",
                                      [source_id]))))
    finally:
        db.close()
    row["stats"] = json.loads(row["stats"])
    return row


def outcome_of(watcher: Watcher, since: int) -> dict:
    """What a crawl ended with: its changes (without ids, times or delivery) and each source's
    health and the health of its parts."""
    db = watcher.db()
    try:
        changes = sorted(
            (r["kind"], r["source_id"], r["title"] or "", r["summary"], r["entity"] or "")
            for r in db.query("select c.kind, c.source_id, d.title, c.summary, c.entity from changes c "
                              "left join documents d on d.id = c.document_id where c.id > ?", [since]))
        # Which of several blocked pages a reason names first is Scrapy's scheduling, not the outcome.
        health = {r["id"]: (r["health"], re.sub(r"https?://\S+", "<url>", r["health_reason"] or ""))
                  for r in db.query("select * from sources")}
        parts = sorted((r["source_id"], r["part"], r["health"]) for r in db.query("select * from source_parts"))
    finally:
        db.close()
    return {"changes": changes, "health": health, "parts": parts}


def until_quiet(watcher: Watcher, *sources: str) -> int:
    """Crawl until each source has a replay plan (its last crawl was quiet); returns how many crawls."""
    for done in range(1, 5):
        watcher.crawl(*sources)
        if set(sources) <= set(plans(watcher)):
            return done
    raise AssertionError(f"no quiet crawl: {[last_run(watcher, s)['message'] for s in sources]}")


@pytest.fixture
def twins(replica, tmp_path):
    """Two watchers of the same replica: replay on (the default) and replay off."""

    def make(extra: str = "") -> tuple[Watcher, Watcher]:
        (tmp_path / "on").mkdir()
        (tmp_path / "off").mkdir()
        return Watcher(replica, tmp_path / "on", extra), Watcher(replica, tmp_path / "off", OFF + extra)

    return make


def both_quiet(on: Watcher, off: Watcher, *sources: str) -> tuple[int, int]:
    on.crawl(*sources, full=True)
    off.crawl(*sources, full=True)
    for _ in range(until_quiet(on, *sources)):
        off.crawl(*sources)
    assert plans(off) == {}, "replay off records no plan"
    return on.last_change_id(), off.last_change_id()


def assert_same_after(on: Watcher, off: Watcher, since: tuple[int, int], *sources: str) -> dict:
    outcome_on = on.crawl(*sources)
    outcome_off = off.crawl(*sources)
    assert outcome_on.statuses == outcome_off.statuses
    got, wanted = outcome_of(on, since[0]), outcome_of(off, since[1])
    assert got == wanted
    for source in sources:
        run = last_run(on, source)
        assert "regwatch/replay_fell_through" in run["stats"], "the probe ran and handed the source to Scrapy"
        assert not run["message"].startswith("replay of")
    return got


# --- (f) an unchanged site --------------------------------------------------------------------------

def test_an_unchanged_site_is_answered_by_the_replay_without_scrapy(watcher):
    replica = watcher.replica
    watcher.crawl(full=True)
    until_quiet(watcher, "miit", "samr")
    planned = plans(watcher)
    health_before = outcome_of(watcher, 0)
    last = watcher.last_change_id()
    replica.clear_requests()
    outcome = watcher.crawl()
    assert outcome.statuses == {"miit": "ok", "samr": "ok"}
    assert outcome.exit_code == 0
    for source in ("miit", "samr"):
        run = last_run(watcher, source)
        assert run["status"] == "ok"
        assert run["message"] == f"replay of {planned[source]} requests, all unchanged"
        assert run["requests"] == planned[source]
        assert run["stats"]["regwatch/replay"] is True
        assert run["stats"]["regwatch/replay_scrapy_loaded"] is False, "Scrapy was imported for a replay"
    log = replica.requests()
    assert len(log) == sum(planned.values())
    for site in ("miit", "samr"):
        paths = [r["path"] for r in log if r["site"] == site]
        assert paths[0] == "/robots.txt", "robots.txt is fetched first when robots are obeyed"
        assert all(r["user_agent"] == watcher.config.general["user_agent"] for r in log if r["site"] == site)
    assert any(r["if_none_match"] and r["status"] == 304 for r in log), "validators are sent again"
    assert watcher.changes_since(last) == []
    assert outcome_of(watcher, 0) == health_before
    db = watcher.db()
    good = {r["id"]: r["last_good_run_at"] for r in db.query("select id, last_good_run_at from sources")}
    db.close()
    for source in ("miit", "samr"):
        assert good[source] >= last_run(watcher, source)["started_at"], "the replay counts as a good run"
    assert plans(watcher) == planned, "the plan stays"


def test_the_probe_imports_neither_scrapy_nor_twisted_nor_the_readers():
    code = ("import sys, crawler.run, crawler.replay, crawler.sources, storage.replay, storage.health, "
            "storage.routing, storage.db\n"
            "heavy = {'scrapy', 'twisted', 'lxml', 'jieba', 'parsel', 'pdfminer', 'openpyxl'} & set(sys.modules)\n"
            "print(sorted(heavy))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


# --- (a)–(e): every difference falls through to Scrapy and ends as with replay off --------------------

@pytest.mark.integration  # crawls the replica through Scrapy (the twins are watchers)
def test_a_new_document_falls_through_and_is_found_as_without_replay(twins):
    on, off = twins()
    since = both_quiet(on, off, "miit")
    on.replica.set_state(1)
    got = assert_same_after(on, off, since, "miit")
    assert any(kind == "document.new" for kind, *_ in got["changes"])


@pytest.mark.integration  # crawls the replica through Scrapy (the twins are watchers)
def test_an_attachment_edited_in_place_falls_through_and_is_found_as_without_replay(twins):
    on, off = twins()
    since = both_quiet(on, off, "miit")
    on.replica.set_fault("list_edit", host="miit", batch=2, old=RENAMED[0], new=RENAMED[1])
    got = assert_same_after(on, off, since, "miit")
    assert any(entity == RENAMED[1] for *_, entity in got["changes"]), got["changes"]
    assert "304" not in last_run(on, "miit")["stats"]["regwatch/replay_fell_through"].split(":")[0]


@pytest.fixture
def province_twins(replica, tmp_path):
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    config = page_source(replica.province)
    return Watcher(replica, tmp_path / "on", config), Watcher(replica, tmp_path / "off", OFF + config)


@pytest.mark.integration  # crawls the replica through Scrapy (the twins are watchers)
def test_an_edited_article_falls_through_and_is_found_as_without_replay(province_twins):
    on, off = province_twins
    on.replica.set_state(1)
    since = both_quiet(on, off, PROVINCE_SOURCE)
    on.replica.set_state(2)  # the notice's deadline is moved, and a third attachment added
    got = assert_same_after(on, off, since, PROVINCE_SOURCE)
    assert any(kind == "document.edited" for kind, *_ in got["changes"]), got["changes"]


@pytest.mark.integration  # crawls the replica through Scrapy (the twins are watchers)
def test_a_412_challenge_falls_through_and_is_alerted_as_without_replay(twins):
    on, off = twins()
    since = both_quiet(on, off, "miit")
    on.replica.set_fault("ruishu412", host="miit")
    got = assert_same_after(on, off, since, "miit")
    assert got["health"]["miit"][0] == "blocked"
    assert [kind for kind, *_ in got["changes"]] == ["source.health"]


@pytest.mark.integration  # crawls the replica through Scrapy (the twins are watchers)
def test_a_site_that_is_down_falls_through_and_ends_as_without_replay(twins):
    on, off = twins()
    since = both_quiet(on, off, "miit")
    on.replica.set_fault("error5xx", count=100000)
    got = assert_same_after(on, off, since, "miit")
    assert last_run(on, "miit")["status"] == "failed"
    assert got["changes"] == []
    assert plans(on) == {}, "a crawl that is not quiet drops the plan"


def test_a_closed_re_check_window_goes_straight_to_scrapy(watcher):
    watcher.crawl("miit", full=True)
    until_quiet(watcher, "miit")
    db = watcher.db()
    db.execute("update replay_plans set recheck_due_at = ?", [iso(utcnow())])  # the window has closed
    db.conn.commit()
    db.close()
    watcher.crawl("miit")
    run = last_run(watcher, "miit")
    assert "re-check window" in run["stats"]["regwatch/replay_fell_through"]
    assert not run["message"].startswith("replay of")


# --- attachment validators --------------------------------------------------------------------------

@pytest.mark.integration  # crawls the replica through Scrapy (the twins are watchers)
def test_a_white_list_page_s_attachments_are_rechecked_conditionally_and_a_304_is_unchanged(twins):
    _, off = twins()
    replica = off.replica
    off.crawl("miit", full=True)
    db = off.db()
    stored = db.execute("select count(*) from attachments where etag is not null").fetchone()[0]
    db.close()
    assert stored, "the attachments' ETags are stored"
    replica.clear_requests()
    last = off.last_change_id()
    off.crawl("miit")
    checks = [r for r in replica.requests() if "/attach/" in r["path"]]
    assert checks and all(r["if_none_match"] and r["status"] == 304 for r in checks), checks
    assert last_run(off, "miit")["stats"]["regwatch/attachments_not_modified"] == len(checks)
    assert off.changes_since(last) == []


# --- the probe's parts ------------------------------------------------------------------------------

def test_the_probe_stops_at_the_first_answer_that_differs(replica):
    fetcher = Fetcher(user_agent="regwatch-test", delay=0, jitter=0, timeout=5, maxsize=10_000_000)
    urls = [f"{replica.miit}/robots.txt", f"{replica.samr}/robots.txt", f"{replica.miit}/"]
    plan = []
    for url in urls:
        answer = fetcher.fetch("GET", url, {})
        plan.append({"url": url, "robots": url.endswith("robots.txt"), **vars(answer)})
    assert probe(fetcher, plan, obey_robots=True) == (3, None)
    plan[1] = {**plan[1], "sha256": "0" * 64}
    made, why = probe(fetcher, plan, obey_robots=True)
    assert made == 2 and why and "body changed" in why
    assert probe(fetcher, plan[2:], obey_robots=True)[1], "no robots.txt answer for the host"
    fetcher.close()


def test_a_refused_connection_is_a_mismatch():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fetcher = Fetcher(user_agent="regwatch-test", delay=0, jitter=0, timeout=5, maxsize=1000)
    with pytest.raises(Mismatch, match="ConnectionRefused"):
        fetcher.fetch("GET", f"http://127.0.0.1:{port}/", {})


def test_an_answer_over_the_size_cap_is_a_mismatch(replica):
    fetcher = Fetcher(user_agent="regwatch-test", delay=0, jitter=0, timeout=5, maxsize=10)
    with pytest.raises(Mismatch, match="DOWNLOAD_MAXSIZE"):
        fetcher.fetch("GET", f"{replica.miit}/", {})
    fetcher.close()


def test_the_plan_key_follows_the_source_and_the_settings_that_matter():
    sources = load_sources()
    settings = {"USER_AGENT": "x", "REGWATCH_MAX_PAGES": 50, "DOWNLOAD_DELAY": 2.0}
    key = config_key(sources["miit"], settings, code="c")
    assert config_key(sources["miit"], {**settings, "DOWNLOAD_DELAY": 0}, code="c") == key
    assert config_key(sources["miit"], {**settings, "REGWATCH_MAX_PAGES": 5}, code="c") != key
    assert config_key(sources["miit"], {**settings, "USER_AGENT": "y"}, code="c") != key
    assert config_key(sources["samr"], settings, code="c") != key
    assert config_key(sources["miit"], settings, code="d") != key, "new code voids old plans"
    moved = load_sources({"miit": {"base_url": "http://127.0.0.1:1"}})["miit"]
    assert config_key(moved, settings, code="c") != key
