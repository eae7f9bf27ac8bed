"""Many documents per transaction, each still all-or-nothing.

A commit costs an fsync of the WAL, and each blob an fsync of its own: one of each per document
was a quarter of a crawl's time. The batch holds one write transaction (BEGIN IMMEDIATE) open
for up to `max_docs` documents or `max_seconds`; every document is folded in inside its own
savepoint (storage.db.immediate nests), so a document that fails leaves nothing behind while the
others stand. Before the commit, the blob store writes out the evidence the batch refers to, so a
row never commits ahead of its blob. A SIGKILL loses only the open batch, never a committed
document, and the next crawl fetches what it lost again, because those documents are not known.
"""

from __future__ import annotations

import time
from typing import ClassVar

from sqlite_utils import Database

from storage.blobs import BlobStore
from storage.db import open_db


class Batch:
    def __init__(self, db: Database, blobs: BlobStore, max_docs: int = 100, max_seconds: float = 2.0) -> None:
        self.db = db
        self.blobs = blobs
        self.max_docs = max(1, max_docs)
        self.max_seconds = max_seconds
        self.count = 0
        self.opened_at = 0.0

    def open(self) -> None:
        """Take the write lock, if this batch does not hold it already."""
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN IMMEDIATE")
            self.opened_at = time.monotonic()
            self.count = 0

    def done_one(self) -> None:
        """One more document folded in; commit when the batch is full or old enough."""
        self.count += 1
        if self.count >= self.max_docs or self.age() >= self.max_seconds:
            self.commit()

    def age(self) -> float:
        return time.monotonic() - self.opened_at if self.db.conn.in_transaction else 0.0

    def commit(self) -> None:
        """Evidence first (blob fsync and rename), then the rows that refer to it."""
        self.blobs.sync()
        if self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")
        self.count = 0

    def rollback(self) -> None:
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")
        self.count = 0


class Writer:
    """One connection, blob store and batch per database per process, shared by every spider
    of a crawl: two connections in one thread would wait on each other's write lock forever."""

    _open: ClassVar[dict[str, Writer]] = {}

    def __init__(self, key: str, db: Database, blobs: BlobStore, batch: Batch) -> None:
        self.key = key
        self.db = db
        self.blobs = blobs
        self.batch = batch
        self.users = 0

    @classmethod
    def acquire(cls, db_path: str, blobs_root: str, max_docs: int = 100, max_seconds: float = 2.0) -> Writer:
        key = str(db_path)
        writer = cls._open.get(key)
        if writer is None:
            db = open_db(db_path)
            blobs = BlobStore(blobs_root, deferred=True)
            blobs.sweep_stale_temp()
            writer = cls._open[key] = cls(key, db, blobs, Batch(db, blobs, max_docs, max_seconds))
        writer.users += 1
        return writer

    def release(self) -> None:
        """Commit what is pending; the last user closes the connection."""
        self.batch.commit()
        self.users -= 1
        if self.users <= 0:
            self._open.pop(self.key, None)
            self.db.close()
