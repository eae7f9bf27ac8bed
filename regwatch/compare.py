"""`regwatch diff OLD NEW`: clause-by-clause, word-by-word comparison of two texts.

OLD and NEW are files (.txt, .html, .pdf, .docx, .xlsx) or stored documents: `doc:ID` or `id:ID`
(latest version), `version:ID`, or an `art_<32 hex>` id. It takes the loaded configuration
(the database, the sources, the classification rules), never the CLI's context.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from crawler.classify import load_rules
from crawler.reader import read_file
from crawler.sources import load_sources
from diff.clauses import diff_clauses
from diff.render import Format, render_clause_diff
from regwatch.config import Config
from regwatch.diffpage import standalone_page
from storage.db import open_db

REF_FORMS = "doc:ID (or id:ID), version:ID, art_<32 hex>, or a file"


def _canonical_ref(ref: str) -> str:
    """`id:N` is another spelling of `doc:N`, as `diff --help` says."""
    return "doc:" + ref[3:] if ref.startswith("id:") else ref


def _is_stored_ref(ref: str) -> bool:
    kind, _, ident = ref.partition(":")
    return (kind in ("version", "doc") and ident.isdigit()) or bool(re.fullmatch(r"art_[0-9a-f]{32}", ref))


def _stored_text(database: str, ref: str) -> tuple[str, str] | None:
    ref = _canonical_ref(ref)
    if not _is_stored_ref(ref):
        return None
    kind, _, ident = ref.partition(":")
    db = open_db(database, create=False)  # a reading command never creates a database
    try:
        if kind == "version" and ident.isdigit():
            row = db.table("versions").get(int(ident))
            return row["criteria_text"] or row["text"], row["title"]
        doc: dict[str, Any] | None
        if kind == "doc" and ident.isdigit():
            doc = db.table("documents").get(int(ident))
        elif re.fullmatch(r"art_[0-9a-f]{32}", ref):
            doc = next(iter(db.query("select * from documents where doc_key = ?", [ref])), None)
            if doc is None:
                raise ValueError(f"no stored document {ref}")
        else:
            return None
        row = db.table("versions").get(doc["current_version_id"])
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
        raise ValueError(f"{ref}: no such file or stored document (use {REF_FORMS})")
    rules = load_rules(config.general["classify_rules"]) if config.general["classify_rules"] else None
    reading = read_file(ref, load_sources(config.sources), rules)
    if reading.parse is not None and reading.parse["status"] != "ok":
        raise ValueError(f"{ref}: cannot read ({reading.parse['error']})")
    if not reading.comparable_text:
        raise ValueError(f"{ref}: no text found in this file")
    return reading.comparable_text, reading.doc.title or Path(ref).name


def compare(config: Config, old: str, new: str, fmt: Format) -> str:
    """`regwatch diff`: OLD against NEW, rendered as text, json or html."""
    old_text, old_label = load_text(config, old)
    new_text, new_label = load_text(config, new)
    changes = diff_clauses(old_text, new_text)
    if fmt == "html":
        data = render_clause_diff(changes, "json")
        return standalone_page(data["changes"], describe_ref(config.database, old, old_label),
                               describe_ref(config.database, new, new_label), data["counts"])
    rendered = render_clause_diff(changes, fmt)
    if isinstance(rendered, str):
        return rendered
    return json.dumps(rendered, ensure_ascii=False, indent=2)


def describe_ref(database: str, ref: str, label: str) -> dict[str, str]:
    """Title, document number and date of a compared document, for the HTML page's header."""
    out = {"ref": ref, "title": label}
    canonical = _canonical_ref(ref)
    if not _is_stored_ref(canonical):
        return out
    kind, _, ident = canonical.partition(":")
    if kind == "version":
        sql = "select d.* from documents d join versions v on v.document_id = d.id where v.id = ?"
    elif kind == "doc":
        sql = "select * from documents where id = ?"
    else:
        sql, ident = "select * from documents where doc_key = ?", canonical
    db = open_db(database, create=False)  # a reading command never creates a database
    try:
        doc = next(iter(db.query(sql, [ident])), None)
    finally:
        db.close()
    if doc:
        out.update(title=doc.get("title") or label, doc_number=doc.get("doc_number") or "",
                   date=doc.get("published_at") or doc.get("signed_date") or "")
    return out
