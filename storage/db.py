"""Open the regwatch database: WAL mode, foreign keys, migrations applied, newer schemas refused."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlite_utils import Database

from options import default
from storage.errors import MissingDatabase, SchemaTooNew
from storage.migrations import migrations

DEFAULT_DB = default("database")


def known_migrations() -> list[str]:
    return [m.name for m in migrations._migrations]


def check_schema_not_newer(db: Database) -> None:
    """Refuse a database that carries migrations this version of regwatch does not know."""
    known = set(known_migrations())
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        raise SchemaTooNew(
            f"database schema is newer than this regwatch (unknown migrations: {', '.join(unknown)}); "
            "upgrade regwatch, or point --db at another file"
        )


def require_db(path: str | Path) -> Path:
    """The path of an existing database, or MissingDatabase naming it and how to create one."""
    path = Path(path)
    if not path.is_file():
        raise MissingDatabase(f"no database at {path}; create it with `regwatch init` or a crawl "
                              "(`regwatch crawl`), or point --db at the right file")
    return path


def open_db(path: str | Path = DEFAULT_DB, *, migrate: bool = True, create: bool = True) -> Database:
    """Open the database; with create=False (reading commands) a missing file is an error, never
    a new empty database. Each thread or process must open its own."""
    path = Path(path) if create else require_db(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        _enable_wal(db)
    check_schema_not_newer(db)
    if migrate:
        _migrate(db)
    return db


def _enable_wal(db: Database) -> None:
    """Switch to WAL; two first opens racing here each wait for the other (busy_timeout does not
    cover a journal-mode change)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _migrate(db: Database) -> None:
    """Apply pending migrations under an exclusive write lock, so concurrent first opens run
    them once, one after the other, instead of racing into "database is locked"."""
    if migrations.applied(db) and not migrations.pending(db):
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)  # nested in our transaction: each step is a savepoint
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def schema_version(db: Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]


@contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    sqlite-utils' atomic() begins DEFERRED: a transaction that reads first and then writes fails
    at once with "database is locked" when another connection committed in between, whatever
    busy_timeout says. Taking the lock first makes concurrent writers (a crawl and a notifier)
    wait their turn. Nested inside an open transaction it is a plain savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def insert_row(db: Database, table: str, row: dict[str, Any]) -> int:
    """INSERT one row and return its rowid. The crawl's hot path uses this instead of
    sqlite-utils' Table.insert, which reads the table's schema again on every call (PRAGMAs
    that cost more than the insert). `table` and the keys are ours, never from the web."""
    columns = ", ".join(f'"{c}"' for c in row)
    cursor = db.conn.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(row))})',
                             list(row.values()))
    return int(cast(int, cursor.lastrowid))


def update_row(db: Database, table: str, row_id: int, values: dict[str, Any]) -> None:
    """UPDATE one row by its integer primary key `id` (see insert_row for why not sqlite-utils)."""
    if values:
        assignments = ", ".join(f'"{c}" = ?' for c in values)
        db.conn.execute(f'UPDATE "{table}" SET {assignments} WHERE id = ?', [*values.values(), row_id])
