"""`regwatch diff OLD NEW`: clause-by-clause, word-by-word comparison of two texts.

OLD and NEW are files (.txt, .html, .pdf, .docx, .xlsx) or stored documents: `doc:ID`
(latest version), `version:ID`, or an `art_<32 hex>` id.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from crawler.extract.attachments import parse_attachment
from crawler.extract.html import extract_article
from crawler.sources import load_sources
from diff.clauses import diff_clauses
from diff.render import render_clause_diff
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


def load_text(database: str, ref: str) -> tuple[str, str]:
    """The comparable text of a file or stored document (in the database at `database`), and a label."""
    stored = _stored_text(database, ref)
    if stored is not None:
        return stored
    path = Path(ref)
    if not path.is_file():
        raise ValueError(f"{ref}: no such file or stored document (use doc:ID, version:ID or art_<id>)")
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in (".txt", ".md", ""):
        return data.decode("utf-8-sig", errors="replace"), path.name
    if suffix in (".html", ".htm"):
        for source in load_sources().values():
            article = extract_article(data, path.as_uri(), source.article)
            if article.found.get("body"):
                return article.text, article.title or path.name
        raise ValueError(f"{ref}: no known article body found in this HTML")
    parsed = parse_attachment(data, path.name)
    if parsed.status != "ok":
        raise ValueError(f"{ref}: cannot read ({parsed.error})")
    return parsed.text, path.name


def compare(database: str, old: str, new: str, fmt: str) -> str:
    """`regwatch diff`: OLD against NEW, rendered as text, json or html."""
    old_text, _ = load_text(database, old)
    new_text, _ = load_text(database, new)
    changes = diff_clauses(old_text, new_text)
    rendered = render_clause_diff(changes, fmt)
    if isinstance(rendered, str):
        return rendered
    return json.dumps(rendered, ensure_ascii=False, indent=2)
