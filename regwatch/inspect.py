"""`regwatch inspect FILE|URL`: how regwatch reads one page or attachment, without storing
anything. It reads through the crawl's own path: a URL is fetched by the source's spider in a
single-page crawl (real hosts rewritten to base_url, attachments followed and parsed), a file
is read by crawler.reader; both end in `assemble()`."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.classify import load_rules
from crawler.reader import ReadError, read_file, resolve_url
from crawler.sources import load_sources
from regwatch.config import Config
from regwatch.crawl import run_crawl

# Fields printed first in the text form, in this order; the rest follow.
_HEAD = ("title", "url", "category", "stage", "list_kind", "doc_number", "published", "signed_date",
         "authority", "issuing_body", "comment_deadline")


def inspect_target(target: str, config: Config) -> dict[str, Any]:
    """The summary of one file or URL, as JSON-ready data."""
    if urlsplit(target).scheme in ("http", "https"):
        if "@" in urlsplit(target).netloc:
            raise ReadError("credentials in URLs (user:password@host) are refused; regwatch fetches only "
                            "the configured sources' public pages")
        return inspect_url(target, config)
    rules = load_rules(config.general["classify_rules"]) if config.general["classify_rules"] else None
    return read_file(target, load_sources(config.sources), rules).summary()


def inspect_url(url: str, config: Config) -> dict[str, Any]:
    """Fetch one article and its attachments with the source's spider, in a crawl process of
    its own that stores nothing."""
    sources = load_sources(config.sources)
    overridden = [sid for sid, section in config.sources.items() if section.get("base_url")]
    source, local = resolve_url(url, sources, overridden)
    with tempfile.TemporaryDirectory(prefix="regwatch-inspect-") as tmp:
        out = Path(tmp) / "reading.json"
        extra = {
            "REGWATCH_DB": "",
            "REGWATCH_ONLY_URL": local,
            "REGWATCH_READ_OUT": str(out),
            "ITEM_PIPELINES": {"crawler.readout.ReadingPipeline": 300},
        }
        outcome = run_crawl(config, [source.id], extra=extra)
        if not out.exists():
            tail = outcome.log.strip().splitlines()[-1:] or ["no output"]
            raise ReadError(f"{url}: the page could not be read ({tail[0]})")
        answer = json.loads(out.read_text("utf-8"))
    if "error" in answer:
        raise ReadError(f"{url}: {answer['error']}")
    reading: dict[str, Any] = answer["reading"]
    reading["source"] = url
    return reading


def _value(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items() if v is not None) or "-"
    return str(value)


def render_inspection(info: dict[str, Any], fmt: str) -> str:
    """JSON, or plain text with one field a line; never a Python repr."""
    if fmt == "json":
        return json.dumps(info, ensure_ascii=False, indent=2)
    skip = {"list", "attachments", "problems", "evidence"}
    keys = [k for k in _HEAD if k in info] + [k for k in info if k not in _HEAD and k not in skip]
    lines = [f"{k}: {_value(info[k])}" for k in keys]
    lines.append(f"evidence: {_value(info.get('evidence'))}")
    for a in info.get("attachments") or []:
        status = a["status"] + (f" ({a['error']})" if a.get("error") else "")
        lines.append(f"attachment: {a['name']} — {a.get('kind') or '?'}, {status}, {a['text_chars']} characters")
    for problem in info.get("problems") or []:
        lines.append(f"problem: {problem}")
    listing = info.get("list")
    if listing:
        batch = f"batch {listing['batch']}" if listing.get("batch") else "no batch"
        lines.append(f"list: {batch}, {len(listing['entries'])} entries")
        for e in listing["entries"]:
            lines.append(f"  {e['enterprise']}\t{e['province'] or ''}\t{e['type'] or ''}")
    else:
        lines.append("list: none")
    return "\n".join(lines)
