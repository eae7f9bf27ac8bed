"""Stable delivery ids under SIGKILL: 20 kills of `python -m notifier --loop` while it delivers a
13-change bundle and 1,000 single alerts. Nothing is lost, the bundle is never split, and every
resend of a change carries the id it first went out under."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from notifier.ids import delivery_id
from notifier.routes import parse_notifier_config
from options import load_config
from replica.sinks import HttpReceiver, Reply
from storage.changes import record_change
from storage.db import open_db
from storage.kinds import sample

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.integration  # crawls the replica or runs processes: make test-fast skips it
KILLS = 20
SINGLES = 1000
CONFIG = """
[notify]
lease_seconds = 1
batch_size = 40

[channels.hook]
kind = "webhook"
url = "${HOOK_URL}"
secret = "s3cret-hook"
timeout = 5

[routes.c]
channels = ["hook"]
"""


def start(db_path: Path, config_path: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "notifier", "--db", str(db_path), "--config", str(config_path),
                             "--loop", "--interval", "0.05", "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def unsent(db) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]


def test_twenty_kills_lose_nothing_and_every_resend_keeps_its_id(tmp_path):
    with HttpReceiver() as rx:
        rx.script("/hook", Reply(hang=True))  # the first message hangs: the first kill lands while it is in flight
        rx.default("/hook", Reply())
        config_path = tmp_path / "regwatch.toml"
        config_path.write_text(CONFIG, encoding="utf-8")
        env = {**os.environ, "HOOK_URL": rx.url("/hook"), "PYTHONPATH": str(ROOT)}
        config = parse_notifier_config(load_config(config_path, environ=env).raw)
        db_path = tmp_path / "regwatch.db"
        db = open_db(db_path)
        routes = config.route_filters()
        def single(i: int) -> int:
            return record_change(db, sample("document.new", title=f"公告{i}", document_id=None,
                                            new_version_id=None), routes)

        # 30 singles first, so a pass's batch of 40 ends inside the bundle: it must still go whole.
        singles = [single(i) for i in range(30)]
        bundle = [record_change(db, sample("list.entry_added", title="第六批名单", document_id=1, new_version_id=7,
                                           entity=f"企业{i}"), routes) for i in range(13)]
        singles += [single(i) for i in range(30, SINGLES)]
        single_ids = {r["change_id"]: delivery_id(r["dedupe_key"], r["created_at"])
                      for r in db.query("SELECT * FROM outbox WHERE bundle IS NULL")}

        step = (SINGLES + 13) // (KILLS + 2)
        for kill in range(KILLS):
            worker = start(db_path, config_path, env)
            seen = len(rx.requests("/hook"))
            rx.wait_for(seen + (1 if kill == 0 else step), "/hook", timeout=60)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        assert unsent(db) > 0, "the kills came before the end"
        worker = start(db_path, config_path, env)
        deadline = time.monotonic() + 120  # generous: proves it finishes, not how fast
        while unsent(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        worker.wait(10)
        assert unsent(db) == 0

        ids_by_change: dict[int, set[str]] = defaultdict(set)
        answered: set[int] = set()
        for request in rx.requests("/hook"):
            try:
                alerts = [a["change"]["id"] for a in request.json()["alerts"]]
            except ValueError:  # the kill tore this request mid-body: it delivered nothing
                continue
            if set(alerts) & set(bundle):
                assert sorted(alerts) == sorted(bundle), "a bundle travels whole"
            for change in alerts:
                ids_by_change[change].add(request.headers["x-regwatch-delivery"])
                if request.status == 200:
                    answered.add(change)
        assert answered == set(bundle) | set(singles), "no alert lost"
        assert all(len(ids) == 1 for ids in ids_by_change.values()), "a duplicate always repeats its id"
        assert {c: ids_by_change[c].pop() for c in singles} == single_ids
        assert len(set().union(*(ids_by_change[c] for c in bundle))) == 1, "one id for the whole bundle"
        resent = sum(1 for r in rx.requests("/hook")) - len({r.headers["x-regwatch-delivery"]
                                                             for r in rx.requests("/hook")})
        assert resent >= 1, "the kills did cause resends (the test can see duplicates)"
        db.close()


def test_a_bundle_over_the_channel_limit_splits_the_same_way_on_every_resend(tmp_path):
    from datetime import UTC, datetime, timedelta

    from notifier.worker import deliver_due

    with HttpReceiver() as rx:
        rx.script("/hook", Reply(), Reply(status=503))  # part 2 fails once, then everything answers
        rx.default("/hook", Reply())
        env = {"HOOK_URL": rx.url("/hook")}
        config_path = tmp_path / "regwatch.toml"
        config_path.write_text(CONFIG.replace("timeout = 5", "timeout = 5\nbundle_limit = 5"), encoding="utf-8")
        config = parse_notifier_config(load_config(config_path, environ=env).raw)
        db = open_db(tmp_path / "regwatch.db")
        now = datetime(2026, 5, 1, tzinfo=UTC)
        bundle = [record_change(db, sample("list.entry_added", document_id=1, new_version_id=7, entity=f"企业{i}"),
                                config.route_filters(), now=now) for i in range(13)]
        deliver_due(db, config, now=now)
        deliver_due(db, config, now=now + timedelta(hours=1))
        assert unsent(db) == 0
        parts = [([a["change"]["id"] for a in r.json()["alerts"]], r.headers["x-regwatch-delivery"], r.status)
                 for r in rx.requests("/hook")]
        # part 2 fails, so part 3 waits for the channel's retry; then both go, cut the same way
        assert [p[0] for p in parts] == [bundle[:5], bundle[5:10], bundle[5:10], bundle[10:]]
        assert parts[1][1] == parts[2][1] and parts[1][2] == 503, "the resent part keeps its id"
        assert len({p[1] for p in parts}) == 3
        db.close()
