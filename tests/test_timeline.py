"""End to end over the replica's timeline: crawl state 0, then advance 1 → 5 crawling after each
step. The changes recorded at each step are exactly those the state declares, no more."""

from __future__ import annotations

import json
from collections import Counter

from replica.timeline import expected_changes
from storage.whitelist import list_on


def _key(kind: str, art_id: str | None, enterprise: str | None) -> tuple:
    return (kind, art_id, enterprise)


def recorded_keys(changes: list[dict]) -> Counter:
    keys = Counter()
    for c in changes:
        entity = c["entity"] if c["kind"].startswith("list.entry") else None
        keys[_key(c["kind"], c["art_id"], entity)] += 1
    return keys


def expected_keys(state: int) -> Counter:
    keys = Counter()
    for c in expected_changes(state):
        entity = c.get("enterprise") if c["kind"].startswith("list.entry") else None
        keys[_key(c["kind"], c.get("art_id"), entity)] += 1
    return keys


def test_timeline_records_exactly_the_declared_changes(watcher):
    replica = watcher.replica
    outcome = watcher.crawl()
    assert outcome.statuses == {"miit": "ok", "samr": "ok"}
    assert watcher.changes_since(0) == [], "the first crawl is a baseline and alerts nothing"
    for state in range(1, 6):
        last = watcher.last_change_id()
        replica.set_state(state)
        outcome = watcher.crawl()
        assert outcome.exit_code == 0, outcome.statuses
        changes = watcher.changes_since(last)
        assert recorded_keys(changes) == expected_keys(state), f"state {state}"
        assert not any(c["suspect"] for c in changes)
        for expected in expected_changes(state):
            if expected["kind"] == "list.proposed":
                got = next(c for c in changes if c["kind"] == "list.proposed")
                details = json.loads(got["details"])
                assert [e["enterprise"] for e in details["entries"]] == expected["enterprises"]
                assert details["batch"] == expected["batch"]
                assert details["deadline"] == expected["deadline"]
            if expected["kind"] == "list.entry_changed":
                got = next(c for c in changes if c["kind"] == "list.entry_changed")
                details = json.loads(got["details"])
                assert details["old"]["enterprise"] == expected["old_name"]
                assert details["new"]["enterprise"] == expected["new_name"]
            if expected["kind"] == "criteria.changed":
                got = next(c for c in changes if c["kind"] == "criteria.changed")
                details = json.loads(got["details"])
                pairs = {tuple(p) for clause in details["clauses"] for p in clause["numbers"]}
                for clause in expected["clauses"]:
                    assert (clause["old_value"], clause["new_value"]) in pairs
                assert len(details["clauses"]) == len(expected["clauses"])
    # After the last state, the list on today's date is the replica's current list.
    from replica.timeline import current_list

    db = watcher.db()
    ours = sorted((r["enterprise"], r["batch"]) for r in list_on(db, "2099-01-01"))
    db.close()
    assert ours == sorted((r["enterprise"], r["batch"]) for r in current_list(5))


def test_the_list_on_a_date_is_exact(watcher):
    """'The list on date D' after batch 6 is final but before the revocations."""
    replica = watcher.replica
    replica.set_state(4)
    watcher.crawl()
    db = watcher.db()
    try:
        revocation = next(db.query("select published_at from documents where title like '%撤销%'"))
        final6 = next(db.query("select published_at from documents where batch = 6 and stage = '公告' "
                               "and category = 'whitelist'"))
        day_before_revocation = revocation["published_at"][:10]
        # on the revocation's own day the revoked entries are gone; the day before they are listed
        from datetime import date, timedelta

        before = (date.fromisoformat(day_before_revocation) - timedelta(days=1)).isoformat()
        names_before = {r["enterprise"] for r in list_on(db, before)}
        names_after = {r["enterprise"] for r in list_on(db, day_before_revocation)}
        assert len(names_before) - len(names_after) == 2
        assert "西宁示例拓源循环科技有限公司" in names_before - names_after
        first6 = final6["published_at"][:10]
        before6 = (date.fromisoformat(first6) - timedelta(days=1)).isoformat()
        assert not any(r["batch"] == 6 for r in list_on(db, before6))
        assert sum(1 for r in list_on(db, first6) if r["batch"] == 6) == 11
        assert len(list_on(db, "2018-09-04")) == 0 and len(list_on(db, "2018-09-05")) == 5
    finally:
        db.close()
