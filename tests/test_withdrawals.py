"""Withdrawals are evidence: a site whose every article answers 404 withdraws nothing; too many
withdrawals at once are held as suspect; a withdrawn document that answers again is restored."""

from __future__ import annotations

import json

from storage.ingest import IngestSettings, ingest
from storage.model import IncomingDocument
from storage.withdrawals import mark_answering, record_missing_run


def statuses(watcher) -> dict[str, int]:
    db = watcher.db()
    try:
        return {r[0]: r[1] for r in db.execute("select status, count(*) from documents group by status")}
    finally:
        db.close()


def kinds(changes) -> list[str]:
    return [c["kind"] for c in changes]


def test_every_article_404_on_two_crawls_withdraws_nothing_and_alerts_health_once(watcher):
    replica = watcher.replica
    watcher.crawl("miit")
    replica.set_fault("not_found", paths="*/art/*")
    last = watcher.last_change_id()
    watcher.crawl("miit")
    watcher.crawl("miit")
    during = watcher.changes_since(last)
    assert "document.withdrawn" not in kinds(during)
    health = [json.loads(c["details"]) for c in during if c["kind"] == "source.health"]
    assert [(h["source"], h["state"]) for h in health if h["source"] == "miit"] == [("miit", "degraded")]
    assert "no article answered" in health[0]["reason"]
    assert set(statuses(watcher)) == {"live"}
    replica.clear_faults()
    last = watcher.last_change_id()
    watcher.crawl("miit")
    assert set(statuses(watcher)) == {"live"}
    after = watcher.changes_since(last)
    assert "document.withdrawn" not in kinds(after) and "document.restored" not in kinds(after)


def test_a_withdrawn_document_that_answers_again_is_restored(watcher):
    replica = watcher.replica
    watcher.crawl("miit")
    doc = "d50d950e07fd1479975b3423ace830ce"  # batch 1
    replica.set_fault("not_found", paths=doc)
    last = watcher.last_change_id()
    watcher.crawl("miit")
    watcher.crawl("miit")
    assert kinds(watcher.changes_since(last)) == ["document.withdrawn"]
    replica.clear_faults()
    last = watcher.last_change_id()
    watcher.crawl("miit")
    restored = watcher.changes_since(last)
    assert [(c["kind"], c["art_id"]) for c in restored] == [("document.restored", doc)]
    assert set(statuses(watcher)) == {"live"}


def _doc(key: str) -> IncomingDocument:
    return IncomingDocument(source_id="miit", authority="MIIT", doc_key=key, url=f"https://x/{key}",
                            fetched_url=f"https://x/{key}", title=f"文件{key}", text="正文", raw_sha256="0" * 64,
                            published_at="2026-01-01", category="criteria")


def test_more_than_the_suspect_share_at_once_is_held_not_withdrawn(fresh_db):
    for i in range(8):
        ingest(fresh_db, _doc(f"k{i}"), IngestSettings(baseline=True))
    missing = {f"k{i}": 404 for i in range(3)}  # 3 of 8 > 25%
    for _ in range(2):
        outcome = record_missing_run(fresh_db, "miit", missing, answered=5, withdraw_after=2, suspect_share=0.25)
    assert outcome.change_ids == [] and "held as suspect" in (outcome.problem or "")
    rows = {r["doc_key"]: r["status"] for r in fresh_db.query("select doc_key, status from documents")}
    assert [rows[f"k{i}"] for i in range(3)] == ["suspect"] * 3
    assert fresh_db.execute("select count(*) from changes").fetchone()[0] == 0
    assert mark_answering(fresh_db, "k0", 304) is None, "a suspect document returns quietly"
    one = record_missing_run(fresh_db, "miit", {"k1": 404}, answered=5, withdraw_after=1, suspect_share=0.25)
    assert len(one.change_ids) == 1 and one.problem is None, "one of eight is a real withdrawal"
    assert mark_answering(fresh_db, "k1", 200) is not None
    assert [r[0] for r in fresh_db.execute("select kind from changes order by id")] == [
        "document.withdrawn", "document.restored"]
