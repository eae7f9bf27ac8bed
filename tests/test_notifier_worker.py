"""The outbox worker: at-least-once delivery with stable ids, retries with backoff, digests,
dead letters routed to ops, isolation between channels, and leases between workers."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from notifier import outbox
from notifier.ids import delivery_id, digest_delivery_id
from notifier.routes import parse_notifier_config
from notifier.worker import deliver_due, send_test
from replica.sinks import HttpReceiver, Reply, SmtpSink
from storage.changes import record_change
from storage.db import open_db
from storage.kinds import sample

T0 = datetime(2026, 4, 28, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


@pytest.fixture
def rx():
    with HttpReceiver() as receiver:
        yield receiver


def hook(rx, path, **extra):
    return {"kind": "webhook", "url": rx.url(path), "secret": "s3cret-hook", "timeout": 0.5, **extra}


def config_for(rx, *, notify=None, routes=None, channels=None):
    cfg = {
        "notify": {"backoff_base_seconds": 30, "backoff_max_seconds": 3600, **(notify or {})},
        "channels": {"hook": hook(rx, "/hook"), "ops-hook": hook(rx, "/ops"), **(channels or {})},
        "routes": routes or {"compliance": {"channels": ["hook"]}, "ops": {"channels": ["ops-hook"], "ops": True}},
    }
    return parse_notifier_config(cfg)


def queue_change(db, config, kind="list.proposed", now=T0, **overrides):
    return record_change(db, sample(kind, **overrides), config.route_filters(), now=now)


def rows(db, **where):
    clause = " AND ".join(f"{k} = ?" for k in where) or "1"
    return list(db.query(f"SELECT * FROM outbox WHERE {clause} ORDER BY id", list(where.values())))


def at(text):
    return datetime.fromisoformat(text)


def test_every_channel_kind_delivers_a_queued_change(rx, fresh_db, tmp_path):
    ok = {"errcode": 0, "errmsg": "ok"}
    rx.default("/ding", Reply(body=ok))
    rx.default("/wecom", Reply(body=ok))
    rx.default("/feishu", Reply(body={"code": 0, "msg": "success"}))
    with SmtpSink() as smtp:
        channels = {
            "mail": {"kind": "email", "host": "127.0.0.1", "port": smtp.port, "security": "none",
                     "from": "regwatch@example.com", "to": ["c@example.com"]},
            "slack": {"kind": "slack", "webhook_url": rx.url("/slack")},
            "ding": {"kind": "dingtalk", "webhook_url": rx.url("/ding?access_token=t"), "secret": "SECabc1"},
            "wecom": {"kind": "wecom", "webhook_url": rx.url("/wecom?key=k")},
            "feishu": {"kind": "feishu", "webhook_url": rx.url("/feishu"), "secret": "fs-1234"},
            "apprise": {"kind": "apprise", "url": f"json://127.0.0.1:{rx.port}/apprise"},
            "file": {"kind": "log", "path": str(tmp_path / "alerts.log")},
        }
        names = ["hook", *channels]
        config = config_for(rx, channels=channels, routes={"all": {"channels": names}})
        change_id = queue_change(fresh_db, config, title="<script>x</script> <!channel>")
        stats = deliver_due(fresh_db, config, now=T0)
        assert (stats.sent, stats.failed, stats.dead, stats.skipped) == (len(names), 0, 0, 0)
        mail = smtp.wait_for(1)[0]
    for path in ("/hook", "/slack", "/ding", "/wecom", "/feishu", "/apprise"):
        assert len(rx.requests(path)) == 1, path
    assert "天津巴特瑞" in (tmp_path / "alerts.log").read_text(encoding="utf-8")
    assert {r["status"] for r in rows(fresh_db, change_id=change_id)} == {"sent"}
    # the hostile title arrives inert in HTML and in Slack
    html = mail.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    slack = rx.requests("/slack")[0].body.decode()
    assert "<!channel>" not in slack and "&lt;!channel&gt;" in slack
    # every delivery carries the row's stable id
    row = rows(fresh_db, change_id=change_id, channel="hook")[0]
    assert rx.requests("/hook")[0].headers["x-regwatch-delivery"] == delivery_id(row["dedupe_key"], row["created_at"])
    assert mail["Message-ID"].startswith("<" + delivery_id(rows(fresh_db, channel="mail")[0]["dedupe_key"],
                                                            rows(fresh_db, channel="mail")[0]["created_at"]))


def test_receiver_down_three_times_then_the_alert_arrives_exactly_once(rx, fresh_db):
    config = config_for(rx)
    queue_change(fresh_db, config)
    rx.script("/hook", Reply(drop=True), Reply(status=503), Reply(hang=True))
    now, delays = T0, []
    for attempt in range(1, 4):
        stats = deliver_due(fresh_db, config, now=now)
        assert (stats.sent, stats.failed) == (0, 1)
        [row] = rows(fresh_db, route="compliance")
        assert row["status"] == "failed" and row["attempts"] == attempt and row["lease_owner"] is None
        due = at(row["next_attempt_at"])
        delays.append((due - now).total_seconds())
        assert deliver_due(fresh_db, config, now=due - timedelta(seconds=2)).handled == 0  # not due yet
        now = due
    for attempt, delay in enumerate(delays, 1):  # exponential with jitter: between half and all of 30·2^(n-1)
        full = 30 * 2 ** (attempt - 1)
        assert full / 2 - 1 <= delay <= full + 1, delays
    assert deliver_due(fresh_db, config, now=now).sent == 1
    assert deliver_due(fresh_db, config, now=now + timedelta(days=2)).handled == 0
    received = rx.requests("/hook")
    [row] = rows(fresh_db, route="compliance")
    assert [r.status for r in received] == [0, 503, 0, 200]
    assert {r.headers["x-regwatch-delivery"] for r in received} == {delivery_id(row["dedupe_key"], row["created_at"])}
    assert row["status"] == "sent" and row["attempts"] == 4 and "no answer within" in row["last_error"]


def test_digest_bundles_a_days_changes_into_one_message(rx, fresh_db):
    config = config_for(rx, channels={"instant": hook(rx, "/instant")}, routes={
        "daily": {"channels": ["hook"], "mode": "digest", "digest_at": "09:00"},
        "now": {"channels": ["instant"]},
        "ops": {"channels": ["ops-hook"], "ops": True}})
    beijing_day = [datetime(2026, 4, 27, h, m, tzinfo=UTC) for h, m in ((2, 0), (7, 0), (15, 30))]
    ids = [queue_change(fresh_db, config, now=t, title=f"公告{i}") for i, t in enumerate(beijing_day)]
    nine = datetime(2026, 4, 28, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
    assert deliver_due(fresh_db, config, now=nine - timedelta(minutes=1)).sent == 3  # only the immediate route
    assert rx.requests("/hook") == []
    late = queue_change(fresh_db, config, now=nine + timedelta(minutes=5), title="次日汇总")
    stats = deliver_due(fresh_db, config, now=nine + timedelta(minutes=10))
    assert stats.sent == 4  # three digest rows in one message, plus the late change's immediate row
    [req] = rx.requests("/hook")
    doc = req.json()
    assert doc["digest"] == {"route": "daily", "count": 3}
    assert [a["change"]["id"] for a in doc["alerts"]] == ids
    members = rows(fresh_db, route="daily", status="sent")
    assert req.headers["x-regwatch-delivery"] == digest_delivery_id(
        delivery_id(r["dedupe_key"], r["created_at"]) for r in members)
    assert len({r["sent_at"] for r in members}) == 1
    [pending] = rows(fresh_db, route="daily", status="pending")
    assert pending["change_id"] == late and at(pending["next_attempt_at"]) == nine + timedelta(days=1)


def test_dead_letter_raises_an_ops_alert_and_never_chains(rx, fresh_db):
    rx.default("/hook", Reply(status=500, body="always down"))
    config = config_for(rx, notify={"max_attempts": 3})
    change_id = queue_change(fresh_db, config)
    now = T0
    for _ in range(3):
        stats = deliver_due(fresh_db, config, now=now)
        now = max(at(r["next_attempt_at"]) for r in rows(fresh_db))
    assert stats.dead == 1
    [dead] = rows(fresh_db, change_id=change_id)
    assert dead["status"] == "dead" and dead["attempts"] == 3
    [alarm] = fresh_db.query("SELECT * FROM changes WHERE kind = 'outbox.dead'")
    details = json.loads(alarm["details"])
    assert details["outbox_id"] == dead["id"] and details["channel"] == "hook" and "HTTP 500" in details["last_error"]
    assert alarm["severity"] == "critical"
    [ops_row] = rows(fresh_db, change_id=alarm["id"])
    assert ops_row["route"] == "ops" and ops_row["channel"] == "ops-hook"
    assert deliver_due(fresh_db, config, now=now).sent == 1
    payload = rx.requests("/ops")[0].json()["alerts"][0]
    assert payload["change"]["kind"] == "outbox.dead" and payload["headline"]["zh"].startswith("【运维】告警投递失败")

    # an ops alert that itself dies is not alerted again: no chain of outbox.dead
    rx.default("/ops", Reply(status=500))
    queue_change(fresh_db, config)
    for _ in range(8):
        deliver_due(fresh_db, config, now=now)
        now += timedelta(hours=2)
    assert [r["status"] for r in rows(fresh_db, route="ops")] == ["sent", "dead"]
    assert fresh_db.execute("SELECT count(*) FROM changes WHERE kind = 'outbox.dead'").fetchone()[0] == 2


def test_one_hanging_channel_never_blocks_the_others(rx, fresh_db):
    rx.default("/slow", Reply(hang=True))
    config = config_for(rx, channels={"slow": hook(rx, "/slow", timeout=0.3)},
                        routes={"c": {"channels": ["slow", "hook"]}})
    for i in range(5):
        queue_change(fresh_db, config, title=f"公告{i}")
    stats = deliver_due(fresh_db, config, now=T0)
    assert (stats.sent, stats.failed, stats.skipped) == (5, 1, 4)
    assert len(rx.requests("/hook")) == 5 and len(rx.requests("/slow")) == 1  # one timeout, not five
    slow = rows(fresh_db, channel="slow")
    assert [r["attempts"] for r in slow] == [1, 0, 0, 0, 0]
    assert len({r["next_attempt_at"] for r in slow}) == 1  # the skipped rows wait for the channel's retry
    assert all(r["lease_owner"] is None for r in slow)


def test_a_crashed_workers_rows_are_resent_after_the_lease_with_the_same_id(rx, fresh_db):
    config = config_for(rx, notify={"lease_seconds": 60})
    queue_change(fresh_db, config)
    # a worker claims the row, sends it, and dies before marking it
    [claimed] = outbox.claim_due(fresh_db, now=T0, owner="crashed", lease_seconds=60, limit=10)
    first_id = delivery_id(claimed["dedupe_key"], claimed["created_at"])
    assert deliver_due(fresh_db, config, now=T0 + timedelta(seconds=59)).handled == 0  # still leased
    assert deliver_due(fresh_db, config, now=T0 + timedelta(seconds=61)).sent == 1
    assert rx.requests("/hook")[0].headers["x-regwatch-delivery"] == first_id


def test_two_concurrent_workers_never_send_the_same_row(rx, fresh_db, tmp_path):
    rx.default("/hook", Reply(delay=0.002))
    config = config_for(rx, routes={"c": {"channels": ["hook"]}})
    for i in range(80):
        queue_change(fresh_db, config, title=f"公告{i}")
    start = threading.Barrier(2)
    errors = []

    def work(name):
        db = open_db(tmp_path / "regwatch.db")
        try:
            start.wait()
            while deliver_due(db, config, now=T0, worker_id=name, limit=3).handled:
                pass
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    ids = [r.headers["x-regwatch-delivery"] for r in rx.requests("/hook")]
    assert len(ids) == 80 and len(set(ids)) == 80
    assert {r["status"] for r in rows(fresh_db)} == {"sent"}


def test_a_row_for_an_unconfigured_channel_fails_loudly(rx, fresh_db):
    old = config_for(rx, channels={"gone": hook(rx, "/gone")}, routes={"c": {"channels": ["gone"]}})
    queue_change(fresh_db, old)
    new = config_for(rx, routes={"c": {"channels": ["hook"]}})
    assert deliver_due(fresh_db, new, now=T0).failed == 1
    [row] = rows(fresh_db)
    assert "channel 'gone' is not configured" in row["last_error"]


def test_a_payload_that_cannot_be_rendered_fails_only_its_own_row(rx, fresh_db):
    config = config_for(rx, routes={"c": {"channels": ["hook"]}})
    queue_change(fresh_db, config)
    queue_change(fresh_db, config)
    fresh_db.execute("UPDATE outbox SET payload = '{not json' WHERE id = 1")
    stats = deliver_due(fresh_db, config, now=T0)
    assert (stats.sent, stats.failed) == (1, 1)
    assert "cannot render" in rows(fresh_db)[0]["last_error"]


def test_send_test_reports_the_real_outcome_per_channel(rx):
    rx.default("/bad", Reply(status=500, body="nope"))
    rx.default("/ding", Reply(body={"errcode": 310000, "errmsg": "sign not match"}))
    config = config_for(rx, channels={"bad": hook(rx, "/bad"),
                                      "ding": {"kind": "dingtalk", "webhook_url": rx.url("/ding?access_token=t")},
                                      "quiet": {**hook(rx, "/quiet"), "dry_run": True}},
                        routes={"c": {"channels": ["hook", "bad", "ding", "quiet"]}})
    report = send_test(config, "c")
    assert [(name, ok) for name, ok, _ in report] == [("hook", True), ("bad", False), ("ding", False), ("quiet", True)]
    assert "HTTP 500" in report[1][2] and "errcode 310000" in report[2][2] and "dry run" in report[3][2]
    doc = rx.requests("/hook")[0].json()
    assert doc["test"] is True and doc["alerts"][0]["headline"]["zh"] == "【测试】regwatch 测试消息（路由 c）"
    assert rx.requests("/quiet") == []
    with pytest.raises(ValueError, match="no route named 'x'; routes: c, ops"):
        send_test(config, "x")


def test_changes_one_document_made_together_travel_as_one_message(rx, fresh_db):
    config = config_for(rx)
    same = {"document_id": 7, "new_version_id": 70}
    first = queue_change(fresh_db, config, "document.new", **same)
    queue_change(fresh_db, config, "list.entry_removed", **same)
    queue_change(fresh_db, config, "list.entry_changed", **same)
    alone = queue_change(fresh_db, config, "list.proposed", document_id=8, new_version_id=80)
    rx.script("/hook", Reply(status=500))  # the first message fails once …
    deliver_due(fresh_db, config, now=T0)
    failed_ids = [r.headers["x-regwatch-delivery"] for r in rx.requests("/hook") if r.status == 500]
    stats = deliver_due(fresh_db, config, now=T0 + timedelta(hours=2))  # … and is retried
    assert stats.failed == 0
    delivered = [r for r in rx.requests("/hook") if r.status == 200]
    bodies = {r.headers["x-regwatch-delivery"]: r.json() for r in delivered}
    assert len(bodies) == 2
    sizes = sorted(len(b["alerts"]) for b in bodies.values())
    assert sizes == [1, 3]
    bundle = next(b for b in bodies.values() if len(b["alerts"]) == 3)
    assert [a["change"]["id"] for a in bundle["alerts"]] == [first, first + 1, first + 2]
    assert bundle["digest"] is None, "a bundle is not a digest"
    assert failed_ids and failed_ids[0] in bodies, "a retried message keeps its delivery id"
    assert any(a["change"]["id"] == alone for b in bodies.values() for a in b["alerts"])


def test_a_bundle_is_headed_by_what_happened_in_words():
    from notifier.alert import build_alert
    from notifier.render import Rendering

    alerts = [build_alert({**sample(kind), "id": n}) for n, kind in
              enumerate(["document.new", "list.entry_removed", "list.entry_changed"], start=1)]
    rendering = Rendering.for_bundle(alerts)
    assert rendering.headline == (
        "【白名单】工信部名单变动（2家：撤销1家、更名1家）：示例再生资源有限公司、示例梯次新能源科技有限公司",
        "MIIT white-list changes: 1 revoked, 1 renamed")
    assert rendering.text.count("示例再生资源有限公司") == 2  # the headline and its one table row
    assert "撤销 / revoked" in rendering.text
    assert "更名 / renamed（原名 / renamed from 示例梯次能源有限公司）" in rendering.text
    assert rendering.severity == "critical"
