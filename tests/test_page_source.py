"""The `page` platform end to end: a provincial look-alike crawled through Scrapy's engine over
loopback HTTP, with new items, an edited item, attachments, a page watched as a whole, and
health alerts when the listing's selectors break."""

from __future__ import annotations

import json
import unicodedata

import pytest

from replica.province_data import APPLY, COLUMN, NEW_AT_1, TOPIC_PATH, visible

SOURCE = "hn_gxt_test"


def page_source(base_url: str) -> str:
    return f"""
[sources.{SOURCE}]
platform = "page"
name = "湖南省工业和信息化厅（测试）"
authority = "HN-GXT"
base_url = "{base_url}"
hosts = ["gxt.hunan.gov.cn"]
schedule = "0 */2 * * *"
ignore_patterns = ["浏览次数[:：]?\\\\s*\\\\d+"]

[sources.{SOURCE}.listing]
row = "xpath://div[@class='tyl-main-right-list']//tbody/tr"
link = "td:nth-child(2) > a"
date = "td:nth-child(3)"
next_page = "a.next"
max_pages = 3

[sources.{SOURCE}.article]
title = "div.tys-title h2"
time = "span.time"
body = "div.tys-main"
remove = "span.views"

[[sources.{SOURCE}.columns]]
name = "通知公告"
path = "{COLUMN}index.html"

[[sources.{SOURCE}.columns]]
name = "动力电池回收利用专栏"
path = "{TOPIC_PATH}"
watch = "page"
body = "div.zt-main"
"""


@pytest.fixture
def province(replica, tmp_path):
    from tests.conftest import Watcher

    return Watcher(replica, tmp_path, page_source(replica.province))


def changes_since(watcher, last_id: int) -> list[dict]:
    db = watcher.db()
    try:
        return [dict(r) for r in db.query(
            "select c.*, d.title, d.category as doc_category from changes c "
            "left join documents d on d.id = c.document_id where c.id > ? order by c.id", [last_id])]
    finally:
        db.close()


def test_a_page_source_finds_new_items_edits_and_attachments(province, replica):
    outcome = province.crawl(SOURCE)
    assert outcome.statuses == {SOURCE: "ok"}
    db = province.db()
    stored = {r["doc_key"]: r for r in db.query("select * from documents where source_id = ?", [SOURCE])}
    # both listing pages were read (13 rows, 10 a page), plus the watched page
    assert len(stored) == len(visible(0)) + 1
    first = last = province.last_change_id()
    assert not [c for c in changes_since(province, 0) if c["kind"] != "source.health"]  # the baseline

    replica.set_state(1)
    assert province.crawl(SOURCE).statuses == {SOURCE: "ok"}
    new = changes_since(province, last)
    last = province.last_change_id()
    titles = {c["title"] for c in new if c["kind"] == "document.new"}
    assert APPLY.title in titles  # the recycling-criteria notice is new and relevant
    assert NEW_AT_1.title not in titles  # a new but irrelevant notice is stored, not alerted
    assert db.execute("select count(*) from documents where title = ?", [NEW_AT_1.title]).fetchone()[0] == 1
    apply_doc = next(iter(db.query("select * from documents where title = ?", [APPLY.title])))
    atts = list(db.query("select file_name, parse_status from attachments where version_id = ?",
                         [apply_doc["current_version_id"]]))
    # names are NFKC-folded: （模板） → (模板)
    assert sorted(a["file_name"] for a in atts) == ["1.企业申报书(模板).docx", "2.推荐企业汇总表.xlsx"]
    assert {a["parse_status"] for a in atts} == {"ok"}
    assert apply_doc["published_at"].startswith("2026-10-09")

    replica.set_state(2)
    assert province.crawl(SOURCE).statuses == {SOURCE: "ok"}
    edited = [c for c in changes_since(province, last) if c["kind"] == "document.edited"]
    last = province.last_change_id()
    by_title = {c["title"]: c for c in edited}
    notice = by_title[APPLY.title]
    details = json.loads(notice["details"])
    inserted = "".join(op["new"] for op in details["diff"] if op["op"] in ("replace", "insert"))
    assert "30" in inserted and "15" not in inserted
    assert [a["name"] for a in details["attachments_changed"]] == ["3.申报材料真实性承诺书.docx"]
    # the page watched as a whole: its new sentence is a word diff; the visit counter is noise
    topic = json.loads(by_title["新能源汽车动力电池回收利用专栏"]["details"])
    assert any("申报工作已启动" in (op.get("new") or "") for op in topic["diff"])
    assert not any("浏览次数" in json.dumps(op, ensure_ascii=False) for op in topic["diff"])
    assert len(edited) == 2

    # an unchanged site: nothing new, and the known relevant notice is re-checked conditionally
    replica.clear_requests()
    assert province.crawl(SOURCE).statuses == {SOURCE: "ok"}
    assert changes_since(province, last) == []
    conditional = [r for r in replica.requests() if r["site"] == "province" and r["path"] == APPLY.path]
    assert conditional and all(r["if_none_match"] for r in conditional) and {r["status"] for r in conditional} == {304}
    assert first == 0
    db.close()


def test_broken_listing_selectors_raise_a_health_alert_and_recover(province, replica):
    assert province.crawl(SOURCE).statuses == {SOURCE: "ok"}
    before = province.last_change_id()
    replica.set_fault("redesign", host="province")
    outcome = province.crawl(SOURCE)
    assert outcome.statuses == {SOURCE: "broken"}
    health = [c for c in changes_since(province, before) if c["kind"] == "source.health"]
    assert len(health) == 1
    details = json.loads(health[0]["details"])
    assert details["state"] == "broken" and "column 通知公告" in details["reason"]
    db = province.db()
    assert db.execute("select count(*) from documents where source_id = ? and status != 'live'",
                      [SOURCE]).fetchone()[0] == 0  # a broken listing removes nothing
    db.close()
    replica.set_fault("redesign", on=False)
    middle = province.last_change_id()
    assert province.crawl(SOURCE).statuses == {SOURCE: "ok"}
    recovered = [json.loads(c["details"])["state"] for c in changes_since(province, middle)
                 if c["kind"] == "source.health"]
    assert recovered == ["ok"]


def test_the_shipped_hunan_definition_reads_the_look_alike(replica, tmp_path):
    """crawler/sources.d's Hunan block, pasted into regwatch.toml and pointed at the replica."""
    from tests.conftest import Watcher
    from tests.test_sources_d import SOURCES_D, uncommented

    text = uncommented(SOURCES_D / "provincial_industry.toml")
    text = text.replace('base_url = "https://gxt.hunan.gov.cn"', f'base_url = "{replica.province}"')
    watcher = Watcher(replica, tmp_path, text)
    assert watcher.crawl("hn_gxt").statuses == {"hn_gxt": "ok"}
    db = watcher.db()
    titles = {r["title"] for r in db.query("select title from documents where source_id = 'hn_gxt'")}
    db.close()
    # both pages, through the index_1.html template (titles NFKC-folded as stored)
    assert titles == {unicodedata.normalize("NFKC", n.title) for n in visible(0)}


def test_inspect_reads_a_page_source_article_as_the_crawl_does(province, replica):
    """`regwatch inspect URL` on a provincial notice: the page spider's source, its selectors."""
    from regwatch.inspect import inspect_target

    replica.set_state(2)
    reading = inspect_target(f"http://gxt.hunan.gov.cn{APPLY.path}", province.config)
    assert reading["title"] == unicodedata.normalize("NFKC", APPLY.title)
    assert reading["published"].startswith("2026-10-09")
    assert len(reading["attachments"]) == 3


def test_regwatch_sources_lists_a_defined_page_source(province):
    from regwatch.app import source_rows
    from storage.db import open_db

    open_db(province.config.database).close()  # `sources` reads a database; it never creates one
    rows = {r["id"]: r for r in source_rows(province.config)}
    assert rows[SOURCE]["platform"] == "page" and rows[SOURCE]["health"] == "never crawled"
    assert rows["miit"]["platform"] == "hanweb" and rows["miit"]["unverified"] == ""
