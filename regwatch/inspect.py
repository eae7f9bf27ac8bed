"""`regwatch inspect`: how regwatch reads one page or attachment, without storing anything."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from regwatch.config import Config

ATTACHMENT_EXTS = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".wps", ".et"}


def _fetch(url: str, user_agent: str) -> tuple[bytes, str | None, str]:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (user-given URL)
        return response.read(50_000_001), response.headers.get("Content-Type"), response.url


def _authority(text: str, meta: dict[str, str], doc_number: str | None) -> str | None:
    hay = " ".join([doc_number or "", meta.get("SiteName", ""), meta.get("ContentSource", ""), text[:300]])
    if "工信部" in hay or "工业和信息化部" in hay:
        return "MIIT"
    if "市场监管" in hay or "市场监督管理" in hay or "国市监" in hay:
        return "SAMR"
    return None


def inspect_target(target: str, config: Config) -> dict[str, Any]:
    from crawler.classify import classify
    from crawler.extract.limits import LimitExceeded, check_text
    from crawler.extract.listtable import entries_from_tables
    from crawler.extract.metadata import (
        batch_number,
        comment_deadline,
        find_doc_number,
        parse_datetime_cst,
        signature_date,
    )
    from crawler.extract.sandbox import extract_article_bounded, parse_attachment_bounded
    from crawler.sources import load_sources

    if urlsplit(target).scheme in ("http", "https"):
        if "@" in urlsplit(target).netloc:
            raise ValueError("credentials in URLs (user:password@host) are refused; fetch the file and "
                             "inspect it from disk")
        data, media_type, url = _fetch(target, config.general["user_agent"])
        name = Path(urlsplit(url).path).name or "index.html"
    else:
        path = Path(target)
        if not path.is_file():
            raise ValueError(f"{target}: no such file")
        data, media_type, url, name = path.read_bytes(), None, path.as_uri(), path.name
    suffix = Path(name).suffix.lower()
    title, text, tables, meta, published = "", "", [], {}, None
    parse = {"status": "ok", "error": None, "kind": None}
    if suffix in ATTACHMENT_EXTS or (media_type and "html" not in media_type and suffix != ".txt"):
        parsed = parse_attachment_bounded(data, name, media_type)
        parse = {"status": parsed.status, "error": parsed.error, "kind": parsed.kind}
        text, tables = parsed.text or "", parsed.tables or []
        title = next((line for line in text.splitlines() if line.strip()), "")
    elif suffix == ".txt":
        raw = data.decode("utf-8-sig", errors="replace")
        title, _, text = raw.partition("\n")
        parse["kind"] = "txt"
        try:
            check_text(raw, "the text file")
        except LimitExceeded as exc:
            title, text, parse = "", "", {"status": "failed", "error": str(exc), "kind": "txt"}
    else:
        best = None
        for source in load_sources(config.sources).values():
            article = extract_article_bounded(data, url, source.article)
            if article.failed or article.found.get("body"):
                best = article
                break
            best = best or article
        assert best is not None
        parse["kind"] = "html"
        if best.failed:
            parse = {"status": "failed", "error": best.failed, "kind": "html"}
        elif not best.found.get("body"):
            parse = {"status": "failed", "error": "no known article body selector matched", "kind": "html"}
        title, text, tables, meta = best.title or "", best.text or "", best.tables or [], best.meta or {}
        stamp = parse_datetime_cst(best.con_time or "") or parse_datetime_cst(meta.get("PubDate", ""))
        published = stamp.isoformat(timespec="minutes") if stamp else None
    from crawler.classify import load_rules

    rules = load_rules(config.general["classify_rules"]) if config.general["classify_rules"] else None
    verdict = classify(title, text, rules=rules)
    doc_number = find_doc_number(text, title=title)
    signed = signature_date(text)
    listing = None
    if tables:
        result = entries_from_tables(tables)
        if result.entries:
            listing = {
                "name": title,
                "batch": verdict.batch or batch_number(title) or batch_number(text),
                "entries": [{"enterprise": e.enterprise, "province": e.province, "type": e.type}
                            for e in result.entries],
            }
    deadline = comment_deadline(text)
    return {
        "source": target,
        "title": title.strip(),
        "category": verdict.category,
        "stage": verdict.stage,
        "doc_number": doc_number,
        "published": published or (signed.isoformat() if signed else None),
        "signed_date": signed.isoformat() if signed else None,
        "authority": _authority(text, meta, doc_number),
        "comment_deadline": deadline.isoformat() if deadline else None,
        "list": listing,
        "evidence": list(verdict.evidence),
        "explanation": verdict.explanation,
        "parse": parse,
        "text_chars": len(text),
    }


def render_inspection(info: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(info, ensure_ascii=False, indent=2)
    lines = [f"{k}: {v}" for k, v in info.items() if k != "list"]
    listing = info.get("list")
    if listing:
        lines.append(f"list: batch {listing['batch']}, {len(listing['entries'])} entries")
        for e in listing["entries"]:
            lines.append(f"  {e['enterprise']}\t{e['province'] or ''}\t{e['type'] or ''}")
    else:
        lines.append("list: none")
    return "\n".join(lines)
