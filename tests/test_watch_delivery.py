"""A supplier alert's outbox rows: the watchlist route's, and the owner's copy, which goes to the
owner's address at once even when the route itself is a daily digest."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from notifier.routes import parse_notifier_config
from notifier.worker import deliver_due
from replica.sinks import SmtpSink
from storage.kinds import sample
from storage.watchlist import record_supplier_change


def test_owner_copy_goes_to_the_owner_at_once(fresh_db):
    with SmtpSink() as sink:
        mail = {"kind": "email", "host": "127.0.0.1", "port": sink.port, "security": "none",
                "from": "regwatch@example.com", "to": ["procurement@example.com"]}
        config = parse_notifier_config({
            "channels": {"mail": mail},
            "routes": {"suppliers": {"channels": ["mail"], "watchlist": True, "owner_channel": "mail",
                                     "mode": "digest", "digest_at": "09:00"}}})
        now = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)  # 11:00 in Beijing: the digest is tomorrow
        change = sample("supplier.revoked")
        change_id = record_supplier_change(fresh_db, change, config.route_filters(), "owner@example.com", now=now)
        rows = list(fresh_db.query("select route, channel, dedupe_key, payload from outbox where change_id = ?",
                                   [change_id]))
        assert len(rows) == 2
        owner = next(r for r in rows if r["dedupe_key"].endswith("/owner"))
        assert json.loads(owner["payload"])["deliver_to"] == ["owner@example.com"]
        stats = deliver_due(fresh_db, config, now=now)
        assert stats.sent == 1
        assert sink.envelopes == [("regwatch@example.com", ["owner@example.com"])]
        message = sink.messages[0]
        assert message["To"] == "owner@example.com" and "SUP-0042" in message["Subject"]
        later = deliver_due(fresh_db, config, now=now + timedelta(days=1))
        assert later.sent == 1
        assert sink.envelopes[1] == ("regwatch@example.com", ["procurement@example.com"])


def test_no_owner_row_without_an_owner_channel(fresh_db):
    config = parse_notifier_config({"routes": {"suppliers": {"channels": ["log"], "watchlist": True}}})
    change_id = record_supplier_change(fresh_db, sample("supplier.dropped"), config.route_filters(), "o@example.com")
    rows = list(fresh_db.query("select route from outbox where change_id = ?", [change_id]))
    assert [r["route"] for r in rows] == ["suppliers"]
