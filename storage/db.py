"""Open the regwatch database: WAL mode, foreign keys, migrations applied, newer schemas refused."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from storage.errors import SchemaTooNew
from storage.migrations import migrations

DEFAULT_DB = "regwatch.db"


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


def open_db(path: str | Path = DEFAULT_DB, *, migrate: bool = True) -> Database:
    """Open (and create) the database. Each thread or process must open its own."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.enable_wal()
    check_schema_not_newer(db)
    if migrate:
        migrations.apply(db)
    return db


def schema_version(db: Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]
