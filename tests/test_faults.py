"""Failures are never content. With each of the replica's fault switches on, a crawl records a
health event and no content change (least of all a removal); once the fault clears, the real
changes that happened meanwhile are all found."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from replica.timeline import expected_changes
from storage.changes import utcnow
from storage.health import check_stale

CONTENT = ("document.", "list.", "criteria.")


def content_changes(changes):
    return [c for c in changes if c["kind"].startswith(CONTENT)]


def keys(changes):
    return Counter((c["kind"], c["art_id"], c["entity"] if c["kind"].startswith("list.entry") else None)
                   for c in changes)


def expected_keys(state):
    return Counter((c["kind"], c.get("art_id"), c.get("enterprise") if c["kind"].startswith("list.entry") else None)
                   for c in expected_changes(state))


def current_count(watcher) -> int:
    from storage.whitelist import current_entries

    db = watcher.db()
    try:
        return len(current_entries(db))
    finally:
        db.close()


def health_changes(changes):
    return [(c["source_id"], json.loads(c["details"])["state"]) for c in changes if c["kind"] == "source.health"]


@pytest.mark.parametrize(
    ("fault", "options", "state_seen"),
    [
        ("ruishu412", {}, "blocked"),
        ("jsl521", {}, "blocked"),
        ("redesign", {}, "broken"),
        ("truncate", {"mode": "content", "paths": "/art/"}, "degraded"),
    ],
    ids=["412-challenge", "521-cookie-challenge", "redesigned-template", "truncated-articles"],
)
def test_fault_gives_health_event_and_no_content_then_recovery_finds_everything(watcher, fault, options,
                                                                              state_seen):
    replica = watcher.replica
    watcher.crawl()  # baseline at state 0
    listed = current_count(watcher)
    replica.set_state(2)  # meanwhile: the batch-6 proposal and its final list
    replica.set_fault(fault, host="miit", **options)
    last = watcher.last_change_id()
    outcome = watcher.crawl()
    assert outcome.statuses["miit"] not in ("ok",), outcome.statuses
    assert outcome.exit_code in (0, 3)
    during = watcher.changes_since(last)
    assert content_changes(during) == [], [c["summary"] for c in during]
    assert ("miit", state_seen) in health_changes(during)
    assert current_count(watcher) == listed
    replica.clear_faults()
    last = watcher.last_change_id()
    outcome = watcher.crawl()
    assert outcome.statuses == {"miit": "ok", "samr": "ok"}
    after = watcher.changes_since(last)
    assert keys(content_changes(after)) == expected_keys(1) + expected_keys(2)


def test_a_site_that_is_down_changes_nothing_and_goes_stale(watcher):
    replica = watcher.replica
    watcher.crawl()
    replica.set_state(1)
    replica.set_fault("error5xx", count=100000)
    last = watcher.last_change_id()
    outcome = watcher.crawl()
    assert outcome.statuses == {"miit": "failed", "samr": "failed"}
    assert outcome.exit_code == 3
    assert watcher.changes_since(last) == []
    db = watcher.db()
    stale = check_stale(db, {"miit": 6, "samr": 6}, now=utcnow() + timedelta(hours=7))
    assert len(stale) == 2
    assert check_stale(db, {"miit": 6, "samr": 6}, now=utcnow() + timedelta(hours=8)) == [], "alerted once"
    db.close()
    replica.clear_faults()
    last = watcher.last_change_id()
    watcher.crawl()
    after = watcher.changes_since(last)
    assert keys(content_changes(after)) == expected_keys(1)
    assert sorted(health_changes(after)) == [("miit", "ok"), ("samr", "ok")]


def test_an_unreadable_list_attachment_keeps_the_entries_and_is_found_later(watcher):
    replica = watcher.replica
    watcher.crawl()
    replica.set_state(1)
    watcher.crawl()
    replica.set_state(2)
    replica.set_fault("truncate", mode="content", paths="/attach/")
    last = watcher.last_change_id()
    watcher.crawl()
    during = watcher.changes_since(last)
    assert [c["kind"] for c in content_changes(during)] == ["document.new"]
    assert ("miit", "degraded") in health_changes(during)
    db = watcher.db()
    proposed = db.execute("select count(*) from list_entries where batch = 6 and stage = '公示' "
                          "and valid_to is null").fetchone()[0]
    assert proposed == 12, "the proposal stays as it was"
    failed = db.execute("select parse_status, parse_error from attachments where parse_status = 'failed'").fetchall()
    assert failed and failed[0][1]
    db.close()
    replica.clear_faults()
    last = watcher.last_change_id()
    watcher.crawl()
    after = watcher.changes_since(last)
    wanted = expected_keys(2)
    del wanted[("document.new", "0cdba11a94add2ac8e3c4af276e331ca", None)]  # it was already new
    assert keys(content_changes(after)) == wanted
    assert ("miit", "ok") in health_changes(after)


def test_gbk_pages_with_a_wrong_charset_header_read_the_same(watcher):
    replica = watcher.replica
    watcher.crawl()
    replica.set_fault("gbk")
    last = watcher.last_change_id()
    outcome = watcher.crawl(full=True)
    assert outcome.statuses == {"miit": "ok", "samr": "ok"}
    assert watcher.changes_since(last) == []
    db = watcher.db()
    assert db.execute("select count(*) from versions where text like '%�%'").fetchone()[0] == 0
    db.close()


def test_withdrawal_needs_consecutive_404s(watcher):
    replica = watcher.replica
    watcher.crawl()
    listed = current_count(watcher)
    doc = "d50d950e07fd1479975b3423ace830ce"  # batch 1
    replica.set_fault("not_found", paths=doc)
    last = watcher.last_change_id()
    watcher.crawl()
    assert watcher.changes_since(last) == [], "one 404 is not a withdrawal"
    watcher.crawl()
    withdrawn = watcher.changes_since(last)
    assert [(c["kind"], c["art_id"]) for c in withdrawn] == [("document.withdrawn", doc)]
    assert current_count(watcher) == listed, "a withdrawn page removes no enterprise"
