"""`regwatch diff OLD NEW`: clause-by-clause, word-by-word comparison of two texts.

OLD and NEW are files (.txt, .html, .pdf, .docx, .xlsx) or stored documents: `doc:ID`
(latest version), `version:ID`, or an `art_<32 hex>` id. It takes the loaded configuration
(the database, the sources, the classification rules), never the CLI's context.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from crawler.classify import load_rules
from crawler.reader import read_file
from crawler.sources import load_sources
from diff.clauses import diff_clauses
from diff.render import render_clause_diff
from regwatch.config import Config
from storage.db import open_db


def _is_stored_ref(ref: str) -> bool:
    kind, _, ident = ref.partition(":")
    return (kind in ("version", "doc") and ident.isdigit()) or bool(re.fullmatch(r"art_[0-9a-f]{32}", ref))


def _stored_text(database: str, ref: str) -> tuple[str, str] | None:
    if not _is_stored_ref(ref):
        return None
    kind, _, ident = ref.partition(":")
    db = open_db(database)
    try:
        if kind == "version" and ident.isdigit():
            row = db["versions"].get(int(ident))
            return row["criteria_text"] or row["text"], row["title"]
        if kind == "doc" and ident.isdigit():
            doc = db["documents"].get(int(ident))
        elif re.fullmatch(r"art_[0-9a-f]{32}", ref):
            doc = next(iter(db.query("select * from documents where doc_key = ?", [ref])), None)
            if doc is None:
                raise ValueError(f"no stored document {ref}")
        else:
            return None
        row = db["versions"].get(doc["current_version_id"])
        return row["criteria_text"] or row["text"], doc["title"]
    except Exception as exc:
        if type(exc).__name__ == "NotFoundError":
            raise ValueError(f"no stored document or version {ref}") from None
        raise
    finally:
        db.close()


def load_text(config: Config, ref: str) -> tuple[str, str]:
    """The comparable text of a file or stored document, and a label for it. A file is read
    the way the crawl reads one (crawler.reader, then assemble): noise stripped, and the
    criteria clauses where there are any."""
    stored = _stored_text(config.database, ref)
    if stored is not None:
        return stored
    if not Path(ref).is_file():
        raise ValueError(f"{ref}: no such file or stored document (use doc:ID, version:ID or art_<id>)")
    rules = load_rules(config.general["classify_rules"]) if config.general["classify_rules"] else None
    reading = read_file(ref, load_sources(config.sources), rules)
    if reading.parse is not None and reading.parse["status"] != "ok":
        raise ValueError(f"{ref}: cannot read ({reading.parse['error']})")
    if not reading.comparable_text:
        raise ValueError(f"{ref}: no text found in this file")
    return reading.comparable_text, reading.doc.title or Path(ref).name


def compare(config: Config, old: str, new: str, fmt: str) -> str:
    """`regwatch diff`: OLD against NEW, rendered as text, json or html."""
    old_text, _ = load_text(config, old)
    new_text, _ = load_text(config, new)
    changes = diff_clauses(old_text, new_text)
    rendered = render_clause_diff(changes, fmt)
    if isinstance(rendered, str):
        return rendered
    return json.dumps(rendered, ensure_ascii=False, indent=2)
