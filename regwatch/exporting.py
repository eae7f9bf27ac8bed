"""`regwatch export`: stream changes, the list or documents to CSV, JSON, JSON Lines, XLSX or Atom."""

from __future__ import annotations

from typing import Any, BinaryIO

from regwatch.changeview import iter_changes
from regwatch.feeds import atom_chunks
from storage.export_files import WRITERS
from storage.export_rows import COLUMNS, ExportError, Filters, rows_for

FORMATS = ["csv", "json", "jsonl", "xlsx", "atom"]


def export(db: Any, what: str, fmt: str, filters: Filters, out: BinaryIO, *, today: str) -> None:
    """Write one export to `out` without holding all rows in memory."""
    if fmt == "atom":
        if what != "changes":
            raise ExportError("atom is for --what changes")
        filters.check()
        scope = f"category/{filters.categories[0]}" if len(filters.categories) == 1 else "all"
        newest = db.conn.execute("select max(detected_at) from changes").fetchone()[0]
        changes = iter_changes(db.conn, category=filters.categories[0] if len(filters.categories) == 1 else None,
                               since=filters.since, until=filters.until or filters.as_of,
                               kinds=filters.kinds or None, newest_first=True)
        for chunk in atom_chunks(changes, scope=scope, title=f"regwatch — {scope} changes", updated=newest):
            out.write(chunk.encode("utf-8"))
        return
    if fmt not in WRITERS:
        raise ExportError(f"unknown format {fmt!r}: {', '.join(FORMATS)}")
    WRITERS[fmt](rows_for(db, what, filters, today), COLUMNS[what], out)
