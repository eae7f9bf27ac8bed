"""Change detection in storage, on a real SQLite file: edits as word diffs, flapping alerted once,
recoveries that are not edits, suspect mass removals, and ambiguous revocations."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from diff.entities import ListEntry
from storage.ingest import IngestSettings, ingest, record_missing
from storage.model import IncomingDocument, StoredAttachment

SENTENCE = "对再生利用企业要求，破碎分离后的电极粉料回收率不低于98%，杂质铝含量低于1.5%，杂质铜含量低于1.5%。"


def doc(text: str = SENTENCE, **kw) -> IncomingDocument:
    base = IncomingDocument(
        source_id="miit", authority="MIIT", doc_key="art_" + "a" * 32, url="https://www.miit.gov.cn/x.html",
        fetched_url="http://127.0.0.1/x.html", title="关于规范条件的通知", text=text, raw_sha256="0" * 64,
        category="criteria", stage="发布", published_at="2026-04-28T10:00+08:00",
    )
    return replace(base, **kw)


def kinds(db) -> list[str]:
    return [r["kind"] for r in db.query("select kind from changes order by id")]


def test_an_edit_shows_the_changed_word_only(fresh_db):
    ingest(fresh_db, doc(), IngestSettings())
    result = ingest(fresh_db, doc(SENTENCE.replace("1.5%，杂质铜", "1%，杂质铜")), IngestSettings())
    assert result.new_version
    change = next(fresh_db.query("select * from changes where kind = 'document.edited'"))
    ops = [op for op in json.loads(change["details"])["diff"] if op["op"] != "equal"]
    assert [(op["old"], op["new"]) for op in ops] == [("1.5%", "1%")]
    assert "[-1.5%-]{+1%+}" in change["summary"]


def test_noise_only_is_no_version(fresh_db):
    ingest(fresh_db, doc(), IngestSettings())
    again = ingest(fresh_db, doc(SENTENCE.replace("98%", "９８％") + "\u200b "), IngestSettings())
    assert not again.new_version and again.change_ids == []


def test_flapping_is_alerted_once(fresh_db):
    a, b = doc(), doc(SENTENCE + "（修订）")
    for version in (a, b, a, b, a, b):
        ingest(fresh_db, version, IngestSettings())
    assert kinds(fresh_db) == ["document.new", "document.edited", "document.flapping"]
    assert fresh_db.execute("select count(*) from versions").fetchone()[0] == 2


def test_an_attachment_readable_again_is_a_recovery_not_an_edit(fresh_db):
    broken = StoredAttachment(url="https://www.miit.gov.cn/a.pdf", name="附件.pdf", sha256="1" * 64, size=10,
                              media_type="application/pdf", kind="pdf", text="", tables=[],
                              parse_status="failed", parse_error="truncated")
    fixed = replace(broken, sha256="2" * 64, text="附件正文", parse_status="ok", parse_error=None)
    first = ingest(fresh_db, doc(attachments=[broken]), IngestSettings())
    assert fresh_db["documents"].get(first.document_id)["complete"] == 0, "fetched again next time"
    second = ingest(fresh_db, doc(attachments=[fixed]), IngestSettings())
    assert second.new_version and kinds(fresh_db) == ["document.new"]


def whitelist_doc(key: str, kind: str, names: list[str], day: str, batch: int = 1, **kw) -> IncomingDocument:
    entries = [ListEntry(n, "湖南省", "再生利用") for n in names]
    return doc("名单", doc_key=key, category="whitelist", stage="公告", list_kind=kind, batch=batch,
               entries=entries, published_at=f"{day}T10:00+08:00", title=f"名单{key}", **kw)


def test_removing_more_than_a_quarter_at_once_is_suspect(fresh_db):
    names = [f"湖南示例{i}号循环科技有限公司" for i in range(8)]
    ingest(fresh_db, whitelist_doc("k1", "final", names, "2024-01-01"), IngestSettings())
    revocation = doc("关于撤销的公告：" + "、".join(names[:3]), doc_key="k2", category="whitelist",
                     list_kind="revocation", title="撤销公告", published_at="2024-06-01T10:00+08:00")
    ingest(fresh_db, revocation, IngestSettings())
    removed = list(fresh_db.query("select * from changes where kind = 'list.entry_removed'"))
    assert len(removed) == 3 and all(r["suspect"] == 1 for r in removed)
    assert all("needs review" in r["summary"] for r in removed)


def test_an_unreadable_list_removes_nothing(fresh_db):
    names = ["湖南示例甲循环科技有限公司", "湖南示例乙循环科技有限公司"]
    ingest(fresh_db, whitelist_doc("k1", "proposed", names, "2024-01-01", batch=7), IngestSettings())
    final = whitelist_doc("k2", "final", [], "2024-02-01", batch=7)
    final.entries = None
    result = ingest(fresh_db, final, IngestSettings())
    assert result.problems
    open_proposals = fresh_db.execute("select count(*) from list_entries where stage = '公示' and valid_to is null")
    assert open_proposals.fetchone()[0] == 2
    assert "list.entry_removed" not in kinds(fresh_db)


def test_withdrawal_counts_consecutive_runs(fresh_db):
    ingest(fresh_db, doc(), IngestSettings())
    settings = IngestSettings(withdraw_after=3)
    assert record_missing(fresh_db, doc().doc_key, 404, settings) is None
    assert record_missing(fresh_db, doc().doc_key, 404, settings) is None
    assert record_missing(fresh_db, doc().doc_key, 410, settings) is not None
    assert fresh_db["documents"].get(1)["status"] == "withdrawn"


@pytest.mark.parametrize("baseline", [True, False])
def test_baseline_stores_but_does_not_alert(fresh_db, baseline):
    ingest(fresh_db, doc(), IngestSettings(baseline=baseline))
    assert fresh_db.execute("select count(*) from documents").fetchone()[0] == 1
    assert kinds(fresh_db) == ([] if baseline else ["document.new"])
    queued = fresh_db.execute("select count(*) from outbox").fetchone()[0]
    assert queued == (0 if baseline else 1)
