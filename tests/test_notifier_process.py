"""`python -m notifier` as a real process: killed with SIGKILL mid-batch and restarted, nothing
is lost and any duplicate carries the same delivery id. Also its --test and error paths."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from notifier.ids import delivery_id
from notifier.routes import parse_notifier_config
from options import load_config
from replica.sinks import HttpReceiver, Reply
from storage.changes import record_change
from storage.db import open_db
from storage.kinds import sample

pytestmark = pytest.mark.integration  # crawls the replica or runs processes: make test-fast skips it

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """
[notify]
lease_seconds = 1
batch_size = 5
backoff_base_seconds = 1
backoff_max_seconds = 2

[channels.hook]
kind = "webhook"
url = "${HOOK_URL}"
secret = "s3cret-hook"
timeout = 10

[routes.c]
channels = ["hook"]
"""


@pytest.fixture
def rx():
    with HttpReceiver() as receiver:
        yield receiver


def env_for(rx) -> dict[str, str]:
    return {**os.environ, "HOOK_URL": rx.url("/hook"), "PYTHONPATH": str(ROOT)}


def start_worker(db_path: Path, config_path: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "notifier", "--db", str(db_path), "--config", str(config_path), "--loop",
         "--interval", "0.05", "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_sent(worker: subprocess.Popen, rows: int, timeout: float = 30.0) -> int:
    """Read the worker's per-pass reports until `rows` rows are marked sent (or the deadline)."""
    deadline, sent = time.monotonic() + timeout, 0
    while sent < rows and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([worker.stdout], [], [], left)
        if not ready:
            break
        line = worker.stdout.readline()
        if not line:
            break
        match = re.match(r"notifier: sent=(\d+)", line)
        sent += int(match.group(1)) if match else 0
    return sent


def test_worker_killed_mid_batch_loses_nothing_and_resends_with_the_same_id(rx, tmp_path):
    config_path = tmp_path / "regwatch.toml"
    config_path.write_text(CONFIG, encoding="utf-8")
    env = env_for(rx)
    config = parse_notifier_config(load_config(config_path, environ=env).raw)
    db_path = tmp_path / "regwatch.db"
    db = open_db(db_path)
    for i in range(30):
        record_change(db, sample("list.entry_added", title=f"公告{i}"), config.route_filters())
    expected = {delivery_id(r["dedupe_key"], r["created_at"]) for r in db.query("SELECT * FROM outbox")}
    assert len(expected) == 30
    # seven quick answers, then the eighth request hangs: the kill lands while it is in flight
    rx.script("/hook", *[Reply(delay=0.01)] * 7, Reply(hang=True))
    rx.default("/hook", Reply(delay=0.005))

    worker = start_worker(db_path, config_path, env)
    try:
        assert len(rx.wait_for(8, "/hook", timeout=30)) >= 8, worker.stderr
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stderr.close()
        worker.stdout.close()
    in_flight = rx.requests("/hook")[7].headers["x-regwatch-delivery"]
    unsent = db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
    assert unsent >= 23  # the kill really came mid-run
    leased = db.execute("SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL").fetchone()[0]
    assert leased >= 1  # ...and mid-batch: the dead worker still holds rows

    worker = start_worker(db_path, config_path, env)
    try:
        assert wait_until_sent(worker, unsent) >= unsent
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(10) == 0
        worker.stderr.close()
        worker.stdout.close()
    assert db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0] == 0
    answered = [r.headers["x-regwatch-delivery"] for r in rx.requests("/hook") if r.status == 200]
    every = [r.headers["x-regwatch-delivery"] for r in rx.requests("/hook")]
    assert set(answered) == expected  # nothing lost, nothing foreign
    assert set(every) == expected  # a duplicate only ever repeats a known id
    assert Counter(every)[in_flight] == 2  # the in-flight alert was resent, under its own id
    db.close()


def test_cli_test_route_reports_each_channel_and_exit_code(rx, tmp_path):
    rx.default("/hook", Reply(status=500, body="nope"))
    config_path = tmp_path / "regwatch.toml"
    config_path.write_text(CONFIG, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "notifier", "--db", str(tmp_path / "x.db"), "--config",
                          str(config_path), "--test", "c"], cwd=ROOT, env=env_for(rx), capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1
    assert run.stdout.strip() == "hook: FAILED: webhook answered HTTP 500: nope"


def test_cli_bad_config_is_one_line_and_exit_1(tmp_path, rx):
    config_path = tmp_path / "regwatch.toml"
    config_path.write_text(CONFIG.replace('channels = ["hook"]', 'channels = ["hok"]'), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "notifier", "--db", str(tmp_path / "x.db"), "--config",
                          str(config_path)], cwd=ROOT, env=env_for(rx), capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.strip() == ("error: routes.c.channels: 'hok' is not a defined channel; channels: hook, log")
