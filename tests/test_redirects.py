"""Redirects: followed on the source's own host with the final URL recorded; refused off it; a
3xx body is never stored as content."""

from __future__ import annotations

import json

CRITERIA_2024 = "/jgsj/jns/wjfb/art/2024/"


def versions_of_criteria(watcher) -> list[dict]:
    db = watcher.db()
    try:
        return [dict(r) for r in db.query(
            "select d.urls, d.title as doc_title, d.category, v.title, v.text from documents d "
            "join versions v on v.document_id = d.id where d.category = 'criteria' order by v.id")]
    finally:
        db.close()


def test_a_redirect_on_the_host_is_followed_and_the_target_stored(watcher):
    replica = watcher.replica
    watcher.crawl("miit")
    before = versions_of_criteria(watcher)
    replica.set_fault("redirect", paths="*/art/*")
    last = watcher.last_change_id()
    outcome = watcher.crawl("miit")
    assert outcome.statuses == {"miit": "ok"}
    assert watcher.changes_since(last) == []
    after = versions_of_criteria(watcher)
    assert len(after) == len(before), "the target's content is the same document, no new version"
    assert all("Moved" not in v["text"] for v in after)
    moved = [json.loads(v["urls"]) for v in after if any("moved=1" in u for u in json.loads(v["urls"]))]
    assert moved, "the final URL is recorded"


def test_a_redirect_off_the_host_is_refused_and_never_stored(watcher):
    replica = watcher.replica
    watcher.crawl("miit")
    replica.set_fault("redirect", paths="*/art/*", offsite=True)
    last = watcher.last_change_id()
    outcome = watcher.crawl("miit")
    assert outcome.statuses["miit"] == "degraded"
    assert [c["kind"] for c in watcher.changes_since(last) if not c["kind"].startswith("source.")] == []
    assert all("Moved" not in v["text"] and v["category"] == "criteria" for v in versions_of_criteria(watcher))
    db = watcher.db()
    stats = json.loads(db.execute("select stats from crawl_runs order by id desc limit 1").fetchone()[0])
    db.close()
    assert stats.get("regwatch/refused_offsite", 0) > 0
    assert "offsite.invalid" not in json.dumps([r["path"] for r in replica.requests()])
