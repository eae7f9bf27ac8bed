"""Numbered schema migrations. The schema changes only here, one new function per change.

Never edit an applied migration: add the next number instead.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "regwatch"
migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    db.table("sources").create(
        {
            "id": str,
            "name": str,
            "authority": str,
            "base_url": str,
            "schedule": str,
            "enabled": int,
            "health": str,
            "health_reason": str,
            "health_since": str,
            "last_good_run_at": str,
        },
        pk="id",
    )
    db.table("crawl_runs").create(
        {
            "id": int,
            "source_id": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "pages": int,
            "items": int,
            "requests": int,
            "http_codes": str,
            "errors": int,
            "message": str,
            "stats": str,
        },
        pk="id",
    )
    db.table("crawl_runs").create_index(["source_id", "started_at"])
    db.table("documents").create(
        {
            "id": int,
            "source_id": str,
            "doc_key": str,
            "canonical_url": str,
            "art_id": str,
            "title": str,
            "authority": str,
            "doc_number": str,
            "category": str,
            "stage": str,
            "batch": int,
            "published_at": str,
            "pubdate_meta": str,
            "maketime_meta": str,
            "listed_title": str,
            "listed_date": str,
            "signed_date": str,
            "deadline": str,
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "current_version_id": int,
            "status": str,
            "missing_runs": int,
            "complete": int,
            "flapping": int,
            "classification": str,
            "urls": str,
        },
        pk="id",
        defaults={"status": "live", "missing_runs": 0, "complete": 1, "flapping": 0},
    )
    db.table("documents").create_index(["doc_key"], unique=True)
    db.table("documents").create_index(["category"])
    db.table("versions").create(
        {
            "id": int,
            "document_id": int,
            "fetched_at": str,
            "etag": str,
            "last_modified": str,
            "raw_sha256": str,
            "title": str,
            "text": str,
            "tokens": str,
            "content_hash": str,
            "criteria_text": str,
            "http_status": int,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db.table("versions").create_index(["document_id", "content_hash"])
    db.table("attachments").create(
        {
            "id": int,
            "version_id": int,
            "document_id": int,
            "url": str,
            "file_name": str,
            "media_type": str,
            "kind": str,
            "sha256": str,
            "size": int,
            "text": str,
            "text_hash": str,
            "tables": str,
            "parse_status": str,
            "parse_error": str,
        },
        pk="id",
        foreign_keys=[("version_id", "versions", "id"), ("document_id", "documents", "id")],
    )
    db.table("attachments").create_index(["version_id"])
    db.table("list_entries").create(
        {
            "id": int,
            "enterprise": str,
            "normalized_name": str,
            "province": str,
            "type": str,
            "batch": int,
            "stage": str,
            "document_id": int,
            "version_id": int,
            "evidence_sha256": str,
            "valid_from": str,
            "valid_to": str,
            "ended_by_document_id": int,
            "end_reason": str,
        },
        pk="id",
    )
    db.table("list_entries").create_index(["normalized_name"])
    db.table("list_entries").create_index(["batch", "stage"])
    db.table("changes").create(
        {
            "id": int,
            "detected_at": str,
            "kind": str,
            "source_id": str,
            "document_id": int,
            "category": str,
            "authority": str,
            "entity": str,
            "summary": str,
            "details": str,
            "old_version_id": int,
            "new_version_id": int,
            "severity": str,
            "suspect": int,
        },
        pk="id",
        defaults={"suspect": 0},
    )
    db.table("changes").create_index(["detected_at"])
    db.table("changes").create_index(["kind"])
    db.table("outbox").create(
        {
            "id": int,
            "change_id": int,
            "route": str,
            "channel": str,
            "dedupe_key": str,
            "payload": str,
            "status": str,
            "attempts": int,
            "created_at": str,
            "next_attempt_at": str,
            "lease_owner": str,
            "lease_until": str,
            "last_error": str,
            "sent_at": str,
        },
        pk="id",
        defaults={"status": "pending", "attempts": 0},
    )
    db.table("outbox").create_index(["dedupe_key"], unique=True)
    db.table("outbox").create_index(["status", "next_attempt_at"])
    # Full-text search over jieba-segmented text: SQLite's own tokenizers find nothing
    # inside a run of Chinese characters, so we index words separated by spaces.
    db.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5("
        "title, body, document_id UNINDEXED, tokenize='unicode61')"
    )


@migrations(name="0002_withdrawal_evidence_and_bundles")
def m0002_withdrawal_evidence_and_bundles(db: Database) -> None:
    """When a document was withdrawn (re-checks continue for a while, so it can be restored),
    and which bundle an outbox row belongs to (claimed together or not at all)."""
    db.table("documents").add_column("withdrawn_at", str)
    db.table("outbox").add_column("bundle", str)
    db.table("outbox").create_index(["bundle"])


@migrations(name="0003_analyst_views")
def m0003_analyst_views(db: Database) -> None:
    """Views that people browse in Datasette: details flattened into named columns, the list today."""
    db.execute("""
        CREATE VIEW changes_flat AS
        SELECT c.id, c.detected_at, c.kind, c.severity, c.suspect, c.source_id, c.authority, c.category, c.summary,
               d.title, d.doc_number, d.published_at, d.canonical_url AS url,
               json_extract(c.details, '$.batch') AS batch,
               coalesce(json_extract(c.details, '$.enterprise'), json_extract(c.details, '$.new.enterprise'))
                   AS enterprise,
               coalesce(json_extract(c.details, '$.province'), json_extract(c.details, '$.new.province')) AS province,
               coalesce(json_extract(c.details, '$.type'), json_extract(c.details, '$.new.type')) AS entry_type,
               json_extract(c.details, '$.old.enterprise') AS old_enterprise,
               json_extract(c.details, '$.reason') AS reason,
               json_extract(c.details, '$.deadline') AS deadline,
               json_array_length(c.details, '$.entries') AS entries,
               json_array_length(c.details, '$.clauses') AS clauses,
               json_extract(c.details, '$.against.doc_number') AS against_doc_number,
               json_extract(c.details, '$.state') AS health_state
        FROM changes c LEFT JOIN documents d ON d.id = c.document_id
    """)
    db.execute("""
        CREATE VIEW list_current AS
        SELECT e.enterprise, e.province, e.type, e.batch, e.valid_from, d.doc_number, d.canonical_url AS url
        FROM list_entries e LEFT JOIN documents d ON d.id = e.document_id
        WHERE e.stage = '公告' AND e.valid_to IS NULL
    """)


@migrations(name="0004_supplier_watchlist")
def m0004_supplier_watchlist(db: Database) -> None:
    """The supplier watchlist, each supplier's resolution to a listed enterprise (with who
    confirmed a probable match, and when), and the verification reports sent."""
    db.table("watchlist").create(
        {
            "id": int,
            "name": str,
            "name_en": str,
            "supplier_id": str,
            "contract_ref": str,
            "owner_email": str,
            "added_at": str,
            "resolution": str,  # resolved | probable | unresolved | confirmed | rejected
            "enterprise": str,
            "normalized_name": str,
            "status": str,  # the last verification status: listed, proposed, revoked, ...
            "score": float,
            "how": str,
            "reason": str,
            "candidates": str,
            "confirmed_by": str,
            "confirmed_at": str,
            "checked_at": str,
        },
        pk="id",
    )
    db.table("watchlist").create_index(["normalized_name"])
    db.table("watchlist").create_index(["supplier_id"])
    db.table("watch_reports").create(
        {"id": int, "sent_at": str, "period": str, "suppliers": int, "counts": str, "changes": int,
         "last_change_id": int, "status": str, "error": str},
        pk="id",
    )


@migrations(name="0005_listing_progress")
def m0005_listing_progress(db: Database) -> None:
    # How far each listing (a column, or a search keyword) has been read back into its history.
    # `remaining` counts the rows older than the deepest page read: counted from the bottom, it
    # stays right when new rows push the old ones down to later pages.
    db.table("listing_progress").create(
        {"source_id": str, "listing": str, "remaining": int, "total": int, "complete": int, "updated_at": str},
        pk=("source_id", "listing"),
        defaults={"complete": 0},
    )


@migrations(name="0006_source_parts_and_observed_dates")
def m0006_source_parts_and_observed_dates(db: Database) -> None:
    """Health per part of a source (a column, its listing API, the search API, an attachment kind),
    and when each list entry was observed beside when it was published."""
    db.table("source_parts").create(
        {
            "source_id": str,
            "part": str,
            "health": str,
            "reason": str,
            "since": str,
            "last_run_at": str,
            "last_good_at": str,
            "last_rows": int,
        },
        pk=("source_id", "part"),
    )
    # Honest dates: an entry found by an in-place edit is dated by when it was observed, with the
    # publication date kept beside it; `dated_by` says which of the two valid_from is.
    db.table("list_entries").add_column("published_on", str)
    db.table("list_entries").add_column("observed_at", str)
    db.table("list_entries").add_column("dated_by", str)


@migrations(name="0007_search_rows_keyed_by_document")
def m0007_search_rows_keyed_by_document(db: Database) -> None:
    """Each search row's rowid becomes its document's id, so replacing it is a lookup, not a scan
    of the whole index (storage.documents.reindex). The latest row per document is kept."""
    db.execute("CREATE TEMP TABLE fts_rekey AS SELECT document_id, title, body FROM documents_fts "
               "WHERE rowid IN (SELECT max(rowid) FROM documents_fts GROUP BY document_id)")
    db.execute("DELETE FROM documents_fts")
    db.execute("INSERT INTO documents_fts (rowid, title, body, document_id) "
               "SELECT document_id, title, body, document_id FROM fts_rekey WHERE document_id IS NOT NULL")
    db.execute("DROP TABLE fts_rekey")


@migrations(name="0008_attachment_validators_and_replay_plans")
def m0008_attachment_validators_and_replay_plans(db: Database) -> None:
    """Each attachment's validators (ETag, Last-Modified), so a white-list page's list files are
    re-checked conditionally; and per source the replay plan of its last quiet crawl (crawler/replay.py)."""
    db.table("attachments").add_column("etag", str)
    db.table("attachments").add_column("last_modified", str)
    db.table("replay_plans").create(
        {
            "source_id": str,
            "recorded_at": str,
            "config_key": str,
            "state_key": str,
            "recheck_due_at": str,
            "requests": str,
            "parts": str,
            "pages": int,
        },
        pk="source_id",
    )
