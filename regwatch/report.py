"""The scheduled verification report: every watched supplier's status today, the supplier alerts
since the last report, and how fresh the data is (the last good crawl of each source). Sent by
e-mail as HTML with the full table attached as XLSX, so procurement can file or filter it.
"""

from __future__ import annotations

import html
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from notifier.channels import Message
from notifier.channels.email import EmailChannel
from notifier.errors import ConfigError
from regwatch.config import Config
from regwatch.verify import FIELDS
from regwatch.watchlist import recheck
from storage.changes import iso, utcnow
from storage.db import immediate, open_db

STATUSES = ("listed", "probable", "proposed", "dropped", "revoked", "removed", "not_found")
SUPPLIER_COLUMNS = ("id", "supplier_id", "contract_ref", "owner_email", "name", "name_en", "resolution",
                    "confirmed_by", "confirmed_at")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Report:
    """One report, in every form it is sent or saved in."""

    period: str
    rows: list[dict[str, Any]]
    counts: dict[str, int]
    changes: list[dict[str, Any]]
    freshness: list[dict[str, Any]]
    last_change_id: int
    subject: str = ""
    text: str = ""
    html: str = ""
    xlsx: bytes = field(default=b"", repr=False)


def _freshness(db: Database) -> list[dict[str, Any]]:
    return [{"source": r["id"], "health": r["health"], "last_good_crawl": r["last_good_run_at"]}
            for r in db.query("select id, health, last_good_run_at from sources order by id")]


def build_report(db: Database, *, period: str) -> Report:
    """Re-check every watched supplier and gather what changed since the last sent report."""
    rows = recheck(db)
    last = db.execute("select coalesce(max(last_change_id), 0) from watch_reports where status = 'sent'").fetchone()[0]
    changes = [dict(r) for r in db.query(
        "select id, detected_at, kind, entity, summary, details from changes where kind like 'supplier.%' "
        "and id > ? order by id", [last])]
    top = db.execute("select coalesce(max(id), 0) from changes").fetchone()[0]
    counts = Counter(str(r.get("status")) for r in rows)
    report = Report(period, rows, {s: counts.get(s, 0) for s in STATUSES}, changes, _freshness(db), top)
    report.subject = (f"供应商白名单核验报告 / Supplier verification report: {len(rows)} suppliers, "
                      f"{report.counts['listed']} listed, {len(changes)} alert(s) since the last report")
    report.text = _text(report)
    report.html = _html(report)
    report.xlsx = _xlsx(report)
    return report


def _text(r: Report) -> str:
    lines = [r.subject, "", "Status counts: " + ", ".join(f"{k} {v}" for k, v in r.counts.items()), ""]
    lines += ["Changes since the last report:"] + [f"  {c['detected_at']} {c['summary']}" for c in r.changes]
    lines += ["", "Data freshness (last good crawl):"]
    lines += [f"  {f['source']}: {f['last_good_crawl'] or 'never'} ({f['health'] or 'unknown'})" for f in r.freshness]
    return "\n".join(lines) + "\n"


def _html(r: Report) -> str:
    e = html.escape
    counts = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in r.counts.items())
    changes = "".join(f"<li>{e(c['detected_at'])} {e(c['summary'])}</li>" for c in r.changes) or "<li>—</li>"
    fresh = "".join(f"<tr><td>{e(f['source'])}</td><td>{e(f['last_good_crawl'] or 'never')}</td>"
                    f"<td>{e(f['health'] or '')}</td></tr>" for f in r.freshness)
    table = "".join(f"<tr><td>{e(str(x.get('supplier_id') or ''))}</td><td>{e(str(x.get('name') or x.get('name_en')))}"
                    f"</td><td>{e(str(x.get('status')))}</td><td>{e(str(x.get('matched_name') or ''))}</td></tr>"
                    for x in r.rows)
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
            f"<h1>{e(r.subject)}</h1><h2>状态 / Status</h2><table>{counts}</table>"
            f"<h2>变更 / Changes since the last report</h2><ul>{changes}</ul>"
            f"<h2>数据新鲜度 / Data freshness</h2><table><tr><th>source</th><th>last good crawl</th>"
            f"<th>health</th></tr>{fresh}</table><h2>供应商 / Suppliers</h2><table><tr><th>id</th><th>supplier</th>"
            f"<th>status</th><th>listed as</th></tr>{table}</table><p>The full table is attached as XLSX.</p>"
            "</body></html>")


def _xlsx(r: Report) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "suppliers"
    columns = [*SUPPLIER_COLUMNS, *(c for c in FIELDS if c not in SUPPLIER_COLUMNS)]
    sheet.append(columns)
    for row in r.rows:
        sheet.append(["" if row.get(c) is None else str(row.get(c)) for c in columns])
    changes = wb.create_sheet("changes")
    changes.append(["id", "detected_at", "kind", "enterprise", "summary", "supplier_id", "contract_ref"])
    for c in r.changes:
        d = json.loads(c["details"] or "{}")
        changes.append([c["id"], c["detected_at"], c["kind"], c["entity"], c["summary"], d.get("supplier_id"),
                        d.get("contract_ref")])
    fresh = wb.create_sheet("freshness")
    fresh.append(["source", "last_good_crawl", "health"])
    for f in r.freshness:
        fresh.append([f["source"], f["last_good_crawl"], f["health"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _Rendered:
    """What an email channel needs of a rendering."""

    subject: str
    text: str
    html: str


def send_report(config: Config, *, period: str | None = None) -> str:
    """Build the report and e-mail it through `watchlist.report_channel`; record it either way."""
    name = config.watchlist["report_channel"]
    channel = config.notifier().channel(name)
    if not isinstance(channel, EmailChannel):
        raise ConfigError(f"watchlist.report_channel: {name!r} is not a defined email channel")
    db = open_db(config.database)
    try:
        report = build_report(db, period=period or config.watchlist["report"])
        with immediate(db):
            report_id = db.table("watch_reports").insert({
                "sent_at": iso(utcnow()), "period": report.period, "suppliers": len(report.rows),
                "counts": json.dumps(report.counts), "changes": len(report.changes),
                "last_change_id": report.last_change_id, "status": "pending"}).last_pk or 0
        message = Message(f"rw-report-{report_id}", _Rendered(report.subject, report.text, report.html),  # type: ignore[arg-type]
                          attachments=(("supplier-verification.xlsx", XLSX_TYPE, report.xlsx),))
        try:
            outcome = channel.deliver(message)
        except Exception as exc:
            db.table("watch_reports").update(report_id, {"status": "failed", "error": str(exc)[:500]})
            raise
        db.table("watch_reports").update(report_id, {"status": "sent"})
        return f"report {report_id} sent: {outcome}"
    finally:
        db.close()
