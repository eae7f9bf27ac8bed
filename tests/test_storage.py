"""The database, the blob store and canonical text."""

from __future__ import annotations

import sqlite3

import pytest

from diff.text import content_hash, index_words, normalize, segment
from storage.blobs import BlobStore, sha256_hex
from storage.db import known_migrations, open_db, schema_version
from storage.errors import BlobNotFound, CorruptBlob, SchemaTooNew


def test_migrations_apply_on_empty_database_and_again_without_change(tmp_path):
    path = tmp_path / "r.db"
    db = open_db(path)
    tables = set(db.table_names())
    assert {"sources", "crawl_runs", "documents", "versions", "attachments", "list_entries", "changes",
            "outbox", "documents_fts"} <= tables
    assert schema_version(db) == known_migrations()
    schema = db.execute("select sql from sqlite_master order by name").fetchall()
    db.close()
    db = open_db(path)
    assert db.execute("select sql from sqlite_master order by name").fetchall() == schema
    assert schema_version(db) == known_migrations()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "r.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                 "values ('regwatch', '9999_from_the_future', '2030-01-01')")
    conn.commit()
    before = conn.execute("select sql from sqlite_master").fetchall()
    conn.close()
    with pytest.raises(SchemaTooNew, match="9999_from_the_future"):
        open_db(path)
    conn = sqlite3.connect(path)
    assert conn.execute("select sql from sqlite_master").fetchall() == before
    conn.close()


def test_blob_round_trip_and_corruption_is_detected(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    data = "工业和信息化部公告2018年第40号".encode()
    digest = store.put(data)
    assert digest == sha256_hex(data)
    assert store.put(data) == digest  # idempotent
    assert store.get(digest) == data
    path = store.path_for(digest)
    assert path.parent.name == digest[:2]
    path.write_bytes(data + b"tampered")
    with pytest.raises(CorruptBlob):
        store.get(digest)
    with pytest.raises(BlobNotFound):
        store.get("0" * 64)


def test_blob_names_are_only_hashes(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("梯次\u200b利用", "梯次利用"),
        ("国市监处罚〔2026〕29号", "国市监处罚〔2026〕29号"),
        ("  多个   空格\u3000全角 ", "多个 空格 全角"),
        ("第一行\r\n\r\n\r\n第二行", "第一行\n第二行"),
    ],
    ids=["fullwidth-ascii", "zero-width", "doc-number-brackets", "spaces", "blank-lines"],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_equal_after_normalisation_hash_equal():
    assert content_hash("符合《规范条件》企业名单（第一批）") == content_hash("符合《规范条件》企业名单(第一批) ")


@pytest.mark.parametrize(
    "term",
    ["梯次利用", "再生利用", "动力电池", "动力蓄电池", "规范条件", "白名单", "综合利用", "市场监管总局",
     "工业和信息化部", "行政处罚"],
)
def test_segmentation_keeps_domain_terms_whole(term):
    sentence = f"关于{term}的通知要求各地加强管理"
    assert term in segment(sentence)


def test_index_words_include_inner_dictionary_words():
    words = index_words("新能源汽车废旧动力电池综合利用企业名单")
    assert "动力电池" in words and "名单" in words and "废旧动力电池" in words


def test_jieba_cache_lives_in_the_folder_we_choose():
    import os
    from pathlib import Path

    from diff.text import cache_dir, tokenizer

    assert cache_dir() == Path(os.environ["REGWATCH_CACHE_DIR"])
    segment("预热")
    assert tokenizer().tmp_dir == str(cache_dir())
    assert (cache_dir() / "jieba.cache").exists()


def test_search_rows_of_an_older_database_are_rekeyed_by_document(tmp_path):
    """Migration 0007: rows written with arbitrary rowids (before it) get their document's id,
    so reindex replaces a row by lookup; the latest row per document is the one kept."""
    from storage.documents import reindex

    path = tmp_path / "old.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute("delete from _sqlite_migrations where name = '0007_search_rows_keyed_by_document'")
    for rowid, doc_id, body in [(1, 7, "旧 文本"), (2, 3, "梯次 利用"), (3, 7, "再生 利用")]:
        conn.execute("insert into documents_fts (rowid, title, body, document_id) values (?, '标题', ?, ?)",
                     [rowid, body, doc_id])
    conn.commit()
    conn.close()
    db = open_db(path)
    assert db.execute("select rowid, document_id, body from documents_fts order by rowid").fetchall() == [
        (3, 3, "梯次 利用"), (7, 7, "再生 利用")]
    reindex(db, 7, "新标题", "梯次利用的新规定", "")
    assert db.execute("select count(*) from documents_fts where document_id = 7").fetchone()[0] == 1
    assert db.execute("select rowid from documents_fts where documents_fts match '梯次'").fetchall() == [(3,), (7,)]
    db.close()


def test_a_temp_file_left_under_our_own_name_is_replaced_not_fatal(tmp_path):
    """A killed run whose pid we now have left its temp file: put() still stores the blob."""
    import os

    store = BlobStore(tmp_path / "blobs")
    data = b"list file"
    digest = sha256_hex(data)
    stale = store.path_for(digest).parent / f".tmp-{digest}-{os.getpid()}"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half")
    assert store.put(data) == digest
    assert store.get(digest) == data
    assert not stale.exists()


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_deferred_blobs_appear_whole_under_their_names_after_sync(tmp_path, monkeypatch, syncfs):
    """A crawl's batch: puts write temp files only; sync() makes them durable and names them,
    with one syncfs per step where the system has it, or an fsync per file where it has not."""
    from storage import blobs as blobs_module

    if not syncfs:
        monkeypatch.setattr(blobs_module, "_SYNCFS", [None])
    store = BlobStore(tmp_path / "blobs", deferred=True)
    datas = [f"第{n}批名单".encode() for n in range(30)]
    digests = [store.put(d) for d in datas]
    assert not any(store.path_for(d).exists() for d in digests)
    assert all(store.exists(d) for d in digests)
    assert store.sync() > 0
    assert [store.get(d) for d in digests] == datas
    assert not list((tmp_path / "blobs").glob("*/.tmp-*"))
    assert store.sync() == 0
