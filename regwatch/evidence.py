"""An evidence pack per supplier, for a compliance file: a printable page (HTML, and PDF through
reportlab — pure Python, with built-in CID fonts for Chinese — when the `pdf` extra is installed;
otherwise a note says so), the stored blobs it cites,
copied and re-hashed, and a manifest. Someone who opens it a year later can check every hash
with `sha256sum` alone.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from diff.names import normalize_name, split_site_suffix
from storage.blobs import BlobStore
from storage.errors import StorageError

PDF_MISSING = ("No PDF: reportlab is not installed (pip install 'regwatch[pdf]'). "
               "Print evidence.html instead; it holds the same facts.\n")
MEDIA_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "xls": ".xls", "doc": ".doc", "html": ".html"}


@dataclass
class Exhibit:
    """One document in the pack: what it is, the line that names the enterprise, its blobs."""

    role: str  # listing | revocation | rename
    title: str
    doc_number: str
    published: str
    url: str
    row: str
    blobs: list[dict[str, Any]] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("_")[:60] or "supplier"


def _naming_row(db: Database, version_id: int | None, enterprise: str) -> str:
    """The table row (or else the line of text) of a version that names the enterprise."""
    if not version_id:
        return ""
    key = normalize_name(enterprise)
    for att in db.query("select tables from attachments where version_id = ?", [version_id]):
        for table in json.loads(att["tables"] or "[]"):
            header = table[0] if table else []
            for row in table[1:]:
                if any(normalize_name(str(c)) == key for c in row):
                    return " | ".join(f"{h}: {c}" for h, c in zip(header, row, strict=False)) or " | ".join(row)
    texts = [r["text"] or "" for r in db.query("select text from versions where id = ?", [version_id])]
    texts += [r["text"] or "" for r in db.query("select text from attachments where version_id = ?", [version_id])]
    for text in texts:
        for line in text.splitlines():
            if key and key in normalize_name(line):
                return line.strip()
    return ""


def _exhibit(db: Database, role: str, document_id: int | None, version_id: int | None, enterprise: str,
             cited: str | None) -> Exhibit | None:
    if not document_id:
        return None
    doc = db.table("documents").get(document_id)
    version_id = version_id or doc["current_version_id"]
    version = db.table("versions").get(version_id) if version_id else {}
    blobs = [{"what": "raw page", "sha256": version.get("raw_sha256"), "name": "page.html"}]
    for att in db.query("select file_name, sha256, kind from attachments where version_id = ?", [version_id]):
        blobs.append({"what": "attachment", "sha256": att["sha256"], "name": att["file_name"], "kind": att["kind"]})
    for b in blobs:
        b["cited"] = b["sha256"] == cited
    return Exhibit(role, doc["title"] or "", doc["doc_number"] or "", (doc["published_at"] or "")[:10],
                   doc["canonical_url"] or "", _naming_row(db, version_id, enterprise),
                   [b for b in blobs if b["sha256"]])


def exhibits_for(db: Database, result: dict[str, Any]) -> list[Exhibit]:
    """The listing document, then whatever ended or renamed the entry."""
    entry_id = result.get("entry_id")
    if not entry_id:
        return []
    entry = db.table("list_entries").get(entry_id)
    found = [_exhibit(db, "listing", entry["document_id"], entry["version_id"], entry["enterprise"],
                      entry["evidence_sha256"])]
    if entry["ended_by_document_id"]:
        role = {"revoked": "revocation", "renamed": "rename"}.get(entry["end_reason"] or "", "final list")
        found.append(_exhibit(db, role, entry["ended_by_document_id"], None, entry["enterprise"], None))
    elif result.get("how") == "renamed":
        old = db.execute("select document_id, version_id, enterprise from list_entries where normalized_name = ? "
                         "and id != ? order by id desc limit 1",
                         [normalize_name(split_site_suffix(str(result["supplier"]))[0]), entry_id]).fetchone()
        if old:
            found.append(_exhibit(db, "earlier name", old[0], old[1], old[2], None))
    return [e for e in found if e is not None]


def write_evidence(db: Database, blobs: BlobStore, result: dict[str, Any], directory: str | Path) -> Path:
    """Write the pack for one verified supplier into `directory`/<supplier>/; return that folder."""
    folder = Path(directory) / _slug(str(result["supplier"]))
    (folder / "blobs").mkdir(parents=True, exist_ok=True)
    exhibits = exhibits_for(db, result)
    for exhibit in exhibits:
        for b in exhibit.blobs:
            try:
                data = blobs.get(b["sha256"])  # re-hashed on read: damaged evidence is never copied
            except StorageError as exc:
                b["file"], b["problem"] = None, str(exc)
                continue
            suffix = MEDIA_SUFFIX.get(str(b.get("kind") or ""), Path(str(b["name"])).suffix or ".bin")
            target = folder / "blobs" / f"{b['sha256']}{suffix}"
            target.write_bytes(data)
            if hashlib.sha256(target.read_bytes()).hexdigest() != b["sha256"]:
                raise StorageError(f"copy of blob {b['sha256']} does not hash to itself")
            b["file"] = f"blobs/{target.name}"
    manifest = {"supplier": result, "exhibits": [vars(e) for e in exhibits]}
    (folder / "evidence.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str), "utf-8")
    (folder / "SHA256SUMS").write_text("".join(f"{b['sha256']}  {b['file']}\n" for e in exhibits for b in e.blobs
                                               if b.get("file")), "utf-8")
    (folder / "evidence.html").write_text(evidence_html(result, exhibits), "utf-8")
    if find_spec("reportlab") is not None:
        write_pdf(result, exhibits, folder / "evidence.pdf")
    else:
        (folder / "evidence.pdf.txt").write_text(PDF_MISSING, "utf-8")
    return folder


def _facts(result: dict[str, Any]) -> list[tuple[str, str]]:
    labels = (("供应商 / Supplier", "supplier"), ("状态 / Status", "status"), ("名单企业 / Listed as", "matched_name"),
              ("方式 / How", "how"), ("说明 / Reason", "reason"), ("批次 / Batch", "batch"),
              ("文号 / Doc number", "doc_number"), ("发布 / Published", "published"), ("列入自 / Since", "since"),
              ("名单原文 / Listing URL", "listed_url"), ("移出日期 / Removed on", "removed_on"),
              ("移出依据 / Removed by", "removed_by"), ("移出原文 / Removal URL", "removed_url"),
              ("证据 SHA-256 / Evidence", "evidence_sha256"))
    return [(label, str(result[key])) for label, key in labels if result.get(key) not in (None, "")]


def evidence_html(result: dict[str, Any], exhibits: list[Exhibit]) -> str:
    e = html.escape
    facts = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _facts(result))
    parts = []
    for x in exhibits:
        rows = "".join(f"<tr><td>{e(b['what'])}</td><td>{e(str(b['name']))}</td><td><code>{e(b['sha256'])}</code>"
                       f"{' ★' if b.get('cited') else ''}</td><td>{e(str(b.get('file') or b.get('problem') or ''))}"
                       "</td></tr>" for b in x.blobs)
        parts.append(f"<h2>{e(x.role)}: {e(x.title)}</h2><p>{e(x.doc_number)} · {e(x.published)} · "
                     f"<a href=\"{e(x.url)}\">{e(x.url)}</a></p><p>名单行 / Row: <b>{e(x.row or '—')}</b></p>"
                     f"<table><tr><th>what</th><th>name</th><th>sha256</th><th>file</th></tr>{rows}</table>")
    return ("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>Evidence: "
            f"{e(str(result['supplier']))}</title><style>body{{font-family:sans-serif;max-width:60em}}"
            "th{text-align:left;padding-right:1em}td,th{border-bottom:1px solid #ccc;font-size:13px}</style></head>"
            f"<body><h1>白名单核验证据 / White-list evidence</h1><table>{facts}</table>{''.join(parts)}"
            "<p>★ the blob the list entry cites. Check a file: <code>sha256sum -c SHA256SUMS</code></p>"
            "</body></html>")


def write_pdf(result: dict[str, Any], exhibits: list[Exhibit], path: Path) -> None:
    """The same page as PDF, with reportlab's built-in STSong-Light CID font for Chinese."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=9, leading=13, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=13, leading=18, spaceBefore=8)
    e = html.escape
    story: list[Any] = [Paragraph("白名单核验证据 / White-list evidence", head)]
    story += [Paragraph(f"<b>{e(k)}</b>: {e(v)}", body) for k, v in _facts(result)]
    for x in exhibits:
        story += [Spacer(1, 6), Paragraph(f"{e(x.role)}: {e(x.title)}", head),
                  Paragraph(f"{e(x.doc_number)} · {e(x.published)} · {e(x.url)}", body),
                  Paragraph(f"名单行 / Row: {e(x.row or '—')}", body)]
        story += [Paragraph(f"{e(b['what'])} {e(str(b['name']))}: {e(b['sha256'])}{' ★' if b.get('cited') else ''}",
                            body) for b in x.blobs]
    SimpleDocTemplate(str(path), pagesize=A4, title=f"Evidence: {result['supplier']}").build(story)
