"""Crawls of the real replica over HTTP through Scrapy's engine: what is stored, and how little a
second crawl of an unchanged site fetches."""

from __future__ import annotations

import json

from replica.timeline import documents
from storage.queries import search

WATCHED = {
    "miit": {"/jgsj/jns/wjfb/", "/jgsj/jns/gzdt/", "/jgsj/jns/zhlyh/", "/zwgk/wjgs/", "/zwgk/zcwj/wjfb/gg/"},
    "samr": {"/zw/zjwj/", "/xw/zj/", "/zw/zfxxgk/fdzdgknr/zfjcs/"},
}


def watched_documents(state: int) -> list[dict]:
    return [d for d in documents(state)
            if any(site == d["site"] and column in WATCHED[site] for site, column in d["listed_in"])]


def test_state_0_stores_every_history_document_with_its_metadata(watcher):
    outcome = watcher.crawl()
    assert outcome.statuses == {"miit": "ok", "samr": "ok"}
    db = watcher.db()
    stored = {row["art_id"]: row for row in db.query("select * from documents")}
    expected = watched_documents(0)
    assert {d["art_id"] for d in expected} <= set(stored)
    for doc in expected:
        row = stored[doc["art_id"]]
        assert (row["category"], row["stage"]) == (doc["category"], doc["stage"]), doc["title"]
        if doc["doc_number"] and doc["category"] != "irrelevant":
            assert row["doc_number"] == doc["doc_number"], doc["title"]
        assert row["published_at"].replace("T", " ")[:16] == doc["published"], doc["title"]
        assert row["pubdate_meta"] == doc["pubdate_meta"]
        if doc["signed_date"]:
            assert row["signed_date"] == doc["signed_date"]
        assert row["canonical_url"].startswith("https://www.")
    # one document listed under two columns (and once through wap.) is stored once
    assert db.execute("select count(*) from documents").fetchone()[0] == len(stored)
    urls = json.loads(stored["247a70dc284ad796471d1e389db5e8dd"]["urls"])
    assert len(urls) == 1
    # every enterprise of batches 1-5 is a list entry, the real names included
    for doc in expected:
        if doc["category"] != "whitelist" or not doc["entries"]:
            continue
        got = {(r["enterprise"], r["province"], r["type"]) for r in db.query(
            "select * from list_entries where document_id = ?", [stored[doc["art_id"]]["id"]])}
        assert got == {(e["enterprise"], e["province"], e["type"]) for e in doc["entries"]}, doc["title"]
    real = {r["enterprise"] for r in db.query("select enterprise from list_entries where batch = 1")}
    assert "湖南邦普循环科技有限公司" in real and "衢州华友钴新材料有限公司" in real
    # evidence: raw page and attachments are blobs named by their hash
    version = db.execute("select raw_sha256 from versions limit 1").fetchone()[0]
    assert (watcher.workdir / "blobs" / version[:2] / version).exists()
    # Chinese full-text search finds a two-character word inside the text
    hits = search(db, "梯次利用 名单")
    assert hits and any(h["category"] == "whitelist" for h in hits)
    db.close()


def test_an_unchanged_site_is_read_cheaply_the_second_time(watcher):
    replica = watcher.replica
    watcher.crawl()
    first = replica.requests()
    replica.clear_requests()
    db = watcher.db()
    versions_before = db.execute("select count(*) from versions").fetchone()[0]
    db.close()
    outcome = watcher.crawl()
    assert outcome.exit_code == 0
    second = replica.requests()
    db = watcher.db()
    assert db.execute("select count(*) from versions").fetchone()[0] == versions_before
    runs = list(db.query("select source_id, requests from crawl_runs order by id"))
    db.close()
    unit = [r for r in second if "/build/unit" in r["path"]]
    assert unit and not any("paramJson" in r["path"] for r in unit), "only the first listing page per column"
    assert len(unit) == len(WATCHED["miit"]) + len(WATCHED["samr"])
    not_modified = [r for r in second if r["status"] == 304]
    conditional = [r for r in second if r["if_none_match"] or r["if_modified_since"]]
    assert not_modified and len(not_modified) == len(conditional)
    assert len(second) < len(first)
    print(f"\nrequests: first crawl {len(first)}, unchanged re-crawl {len(second)} "
          f"({len(not_modified)} answered 304); crawl_runs: {runs}")


def test_requests_look_like_a_browser_and_stay_on_the_source(watcher):
    replica = watcher.replica
    replica.set_fault("ua_check")
    outcome = watcher.crawl()
    assert outcome.statuses == {"miit": "ok", "samr": "ok"}
    log = replica.requests()
    assert all(r["status"] != 403 or r["path"] == "/robots.txt" for r in log)
    assert all("regwatch/" in r["user_agent"] and r["user_agent"].startswith("Mozilla/5.0") for r in log)
    unit = [r for r in log if "/build/unit" in r["path"]]
    assert all(r["referer"] and r["referer"].endswith("index.html") for r in unit)
    assert any(r["path"] == "/robots.txt" for r in log)
