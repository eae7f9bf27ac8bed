"""Watch my suppliers, end to end: crawl the replica's timeline with a watchlist of four suppliers
(one revoked in state 4, one dropped between the batch-6 公示 and 公告, one renamed by the
公告's correction, one never listed) and deliver through a real loopback SMTP server.

Each supplier alert arrives once on the watchlist route and once at its owner; nothing about
unwatched enterprises reaches the watchlist route; the report arrives with its XLSX; the
evidence pack's files hash to the stored blobs."""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from notifier.worker import deliver_due
from regwatch.evidence import write_evidence
from regwatch.report import send_report
from regwatch.supplierfile import SupplierRow
from regwatch.verify import verify_names
from regwatch.watchlist import add_suppliers
from replica.sinks import SmtpSink
from replica.timeline import BATCH6_CORRECTION, BATCH6_DROPPED, REVOCATIONS
from storage.blobs import BlobStore

ROUTE_TO = "procurement@example.com"
COMPLIANCE_TO = "compliance@example.com"
SUPPLIERS = [
    SupplierRow(REVOCATIONS[0]["enterprise"], "Xining Shili Tuoyuan Recycling Technology Co., Ltd.", "SUP-1",
                "PO-2026-001", "alice@example.com"),
    SupplierRow(BATCH6_DROPPED, "", "SUP-2", "PO-2026-002", "bob@example.com"),
    SupplierRow(BATCH6_CORRECTION["old_name"], "", "SUP-3", "PO-2026-003", "carol@example.com"),
    SupplierRow("深圳示例从未列入电池回收有限公司", "", "SUP-4", "PO-2026-004", "dave@example.com"),
]
# (supplier id, event): what the timeline must alert, once each.
EXPECTED = Counter({
    ("SUP-1", "criteria_changed"): 1, ("SUP-1", "revoked"): 1,
    ("SUP-2", "proposed"): 1, ("SUP-2", "dropped"): 1,
    ("SUP-3", "proposed"): 1, ("SUP-3", "renamed"): 1, ("SUP-3", "criteria_changed"): 1,
})


def config_text(port: int) -> str:
    return f"""
[channels.supplier-mail]
kind = "email"
host = "127.0.0.1"
port = {port}
security = "none"
from = "regwatch@example.com"
to = ["{ROUTE_TO}"]

[channels.compliance-mail]
kind = "email"
host = "127.0.0.1"
port = {port}
security = "none"
from = "regwatch@example.com"
to = ["{COMPLIANCE_TO}"]

[routes.suppliers]
channels = ["supplier-mail"]
watchlist = true
owner_channel = "supplier-mail"

[routes.compliance]
channels = ["compliance-mail"]
categories = ["whitelist", "criteria"]

[watchlist]
report = "daily"
report_at = "08:00"
report_channel = "supplier-mail"
"""


@pytest.fixture(scope="module")
def timeline(replica_server, tmp_path_factory):
    """Crawl states 0..5 with the watchlist added after the baseline; deliver after each step."""
    from tests.conftest import Watcher

    replica_server.reset()
    workdir = tmp_path_factory.mktemp("watch")
    with SmtpSink() as sink:
        watcher = Watcher(replica_server, workdir, config_text(sink.port))
        watcher.crawl()
        db = watcher.db()
        added = add_suppliers(db, SUPPLIERS)
        notifier = watcher.config.notifier()
        for state in range(1, 6):
            replica_server.set_state(state)
            outcome = watcher.crawl()
            assert outcome.exit_code == 0, outcome.statuses
            stats = deliver_due(db, notifier)
            assert stats.failed == 0 and stats.dead == 0
        report_outcome = send_report(watcher.config)
        second_report = send_report(watcher.config)
        messages = list(sink.messages)
        envelopes = list(sink.envelopes)
    replica_server.reset()
    yield {"watcher": watcher, "db": db, "added": added, "messages": messages, "envelopes": envelopes,
           "reports": (report_outcome, second_report)}
    db.close()


def _supplier_changes(db) -> list[dict]:
    return [{**r, "details": json.loads(r["details"])} for r in
            db.query("select * from changes where kind like 'supplier.%' order by id")]


def test_resolution_when_added(timeline):
    by_id = {a["supplier"]: a for a in timeline["added"]}
    assert by_id[REVOCATIONS[0]["enterprise"]]["resolution"] == "resolved"
    assert by_id[REVOCATIONS[0]["enterprise"]]["status"] == "listed"
    # batch 6 is not even proposed at state 0: these wait, unresolved, and are adopted when they appear
    assert by_id[BATCH6_DROPPED]["resolution"] == "unresolved"
    assert by_id["深圳示例从未列入电池回收有限公司"]["status"] == "not_found"


def test_each_supplier_alert_is_recorded_once(timeline):
    changes = _supplier_changes(timeline["db"])
    got = Counter((c["details"]["supplier_id"], c["details"]["event"]) for c in changes)
    assert got == EXPECTED
    assert all(c["severity"] == "critical" for c in changes)
    renamed = next(c for c in changes if c["kind"] == "supplier.renamed")
    assert renamed["details"]["old_name"] == BATCH6_CORRECTION["old_name"]
    assert renamed["details"]["new_name"] == BATCH6_CORRECTION["new_name"]
    revoked = next(c for c in changes if c["kind"] == "supplier.revoked")
    assert revoked["details"]["contract_ref"] == "PO-2026-001"
    assert "撤销" in timeline["db"]["documents"].get(revoked["document_id"])["title"]


def test_each_alert_arrives_once_on_the_route_and_once_at_the_owner(timeline):
    db = timeline["db"]
    owners = {s.supplier_id: s.owner_email for s in SUPPLIERS}
    alerts = [(m, rcpt) for m, (_from, rcpt) in zip(timeline["messages"], timeline["envelopes"], strict=True)
              if m["X-Regwatch-Delivery"] and not m["X-Regwatch-Delivery"].startswith("rw-report")]
    to_route = [m for m, rcpt in alerts if rcpt == [ROUTE_TO]]
    to_owner = [(m, rcpt) for m, rcpt in alerts if rcpt and rcpt[0] in owners.values()]
    changes = _supplier_changes(db)
    assert len(to_route) == len(changes) == sum(EXPECTED.values())
    assert len(to_owner) == len(changes)
    # nothing but supplier alerts reaches the watchlist route, and each names its supplier id and contract
    for message in to_route:
        assert message["Subject"].startswith("[regwatch] 【供应商】"), message["Subject"]
        body = message.get_body(("plain",)).get_content()
        assert any(f"SUP-{n}" in body and f"PO-2026-00{n}" in body for n in range(1, 4))
        assert "SUP-4" not in body
    assert len({m["Message-ID"] for m in to_route}) == len(to_route)
    for message, rcpt in to_owner:
        body = message.get_body(("plain",)).get_content()
        supplier_id = next(s for s, email in owners.items() if email == rcpt[0])
        assert supplier_id in body
    assert "dave@example.com" not in {r[0] for _m, r in to_owner}, "the never-listed supplier gets no alert"
    # the content route still gets the ordinary list changes, supplier alerts never
    compliance = [m for m, rcpt in alerts if rcpt == [COMPLIANCE_TO]]
    assert compliance and not any("【供应商】" in m["Subject"] for m in compliance)


def test_the_report_arrives_with_its_xlsx_and_right_counts(timeline):
    from openpyxl import load_workbook

    assert "sent" in timeline["reports"][0]
    reports = [m for m in timeline["messages"] if str(m["X-Regwatch-Delivery"]).startswith("rw-report")]
    assert len(reports) == 2
    first = reports[0]
    attachment = next(first.iter_attachments())
    assert attachment.get_filename() == "supplier-verification.xlsx"
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    sheet = workbook["suppliers"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    status = {r["supplier_id"]: r["status"] for r in rows}
    assert status == {"SUP-1": "revoked", "SUP-2": "dropped", "SUP-3": "listed", "SUP-4": "not_found"}
    revoked = next(r for r in rows if r["supplier_id"] == "SUP-1")
    assert revoked["removed_url"] and revoked["url"] == revoked["removed_url"] != revoked["listed_url"]
    assert workbook["changes"].max_row - 1 == sum(EXPECTED.values())
    fresh = {r[0].value: r[1].value for r in workbook["freshness"].iter_rows(min_row=2)}
    assert set(fresh) == {"miit", "samr"} and all(fresh.values())
    html = first.get_body(("html",)).get_content()
    assert "revoked" in html and "last good crawl" in html
    assert "1 listed" in first["Subject"] and f"{sum(EXPECTED.values())} alert(s)" in first["Subject"]
    assert "0 alert(s) since the last report" in reports[1]["Subject"]


def test_evidence_pack_hashes_match_the_stored_blobs(timeline, tmp_path):
    watcher, db = timeline["watcher"], timeline["db"]
    blobs = BlobStore(watcher.config.blobs)
    rows = verify_names(db, [REVOCATIONS[0]["enterprise"], BATCH6_CORRECTION["old_name"]])
    for row in rows:
        folder = write_evidence(db, blobs, row, tmp_path)
        manifest = json.loads((folder / "evidence.json").read_text("utf-8"))
        sums = [line.split("  ") for line in (folder / "SHA256SUMS").read_text("utf-8").splitlines()]
        assert sums
        for digest, name in sums:
            data = (folder / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest
            assert data == blobs.get(digest)
        cited = [b["sha256"] for e in manifest["exhibits"] for b in e["blobs"] if b["cited"]]
        entry = db["list_entries"].get(row["entry_id"])
        assert cited == [entry["evidence_sha256"]]
        listing = manifest["exhibits"][0]
        assert listing["role"] == "listing" and row["matched_name"] in listing["row"]
        assert (folder / "evidence.html").read_text("utf-8").count("<code>") >= len(sums)
        assert (folder / "evidence.pdf").read_bytes().startswith(b"%PDF")
    revoked_manifest = json.loads((Path(tmp_path) / REVOCATIONS[0]["enterprise"] / "evidence.json").read_text())
    roles = [e["role"] for e in revoked_manifest["exhibits"]]
    assert roles == ["listing", "revocation"]
    assert REVOCATIONS[0]["enterprise"] in revoked_manifest["exhibits"][1]["row"]
