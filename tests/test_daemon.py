"""The application shell: crawl → outbox → delivery through `regwatch run --once` and
`regwatch notify`, against the replica and a real loopback HTTP receiver; the no-network
message of `regwatch run`; Datasette bound to localhost."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from regwatch.cli import cli
from replica.sinks import HttpReceiver
from tests.conftest import Watcher

pytestmark = pytest.mark.integration  # crawls the replica or runs processes: make test-fast skips it

FAST = """
[regwatch]
download_delay = 0
"""


def listening_addresses(port: int) -> list[str]:
    """Local addresses listening on `port`, read from /proc (IPv4 hex, e.g. 0100007F = 127.0.0.1)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with Path(table).open() as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(address)
    return found


def config_text(hook_url: str) -> str:
    return FAST + f"""
[channels.hook]
kind = "webhook"
url = "{hook_url}"
secret = "${{HOOK_SECRET}}"

[routes.compliance]
channels = ["hook"]
categories = ["whitelist"]
kinds = ["list.*"]

[routes.ops]
channels = ["hook"]
ops = true
"""


def test_run_once_crawls_and_delivers_then_notify_has_nothing_left(replica, tmp_path, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", "s3cret-value")
    with HttpReceiver() as hook:
        watcher = Watcher(replica, tmp_path, config_text(hook.url("/hook")))
        watcher.crawl()  # baseline
        replica.set_state(1)
        env = {**os.environ, "REGWATCH_CONFIG": str(tmp_path / "regwatch.toml"),
               "REGWATCH_DB": watcher.config.database, "REGWATCH_BLOBS": watcher.config.blobs,
               "REGWATCH_MIIT_BASE_URL": replica.miit, "REGWATCH_SAMR_BASE_URL": replica.samr}
        done = subprocess.run([sys.executable, "-m", "regwatch.cli", "run", "--once"], env=env,
                              capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr[-2000:]
        received = hook.wait_for(1, "/hook")
        bodies = [r.json() for r in received]
        kinds = [a["change"]["kind"] for b in bodies for a in b["alerts"]]
        assert kinds == ["list.proposed"], "only the route's kinds, once"
        assert "s3cret-value" not in done.stderr + done.stdout
        again = CliRunner().invoke(cli, ["--config", str(tmp_path / "regwatch.toml"), "--db",
                                         watcher.config.database, "notify"], env=env)
        assert again.exit_code == 0, again.output
        assert "outbox rows: 0 sent" in again.output
        assert len(hook.requests("/hook")) == 1


def test_health_alert_reaches_the_ops_route(replica, tmp_path, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", "x")
    with HttpReceiver() as hook:
        watcher = Watcher(replica, tmp_path, config_text(hook.url("/hook")))
        watcher.crawl()
        replica.set_fault("ruishu412", host="samr")
        outcome = watcher.crawl()
        assert outcome.exit_code == 3
        result = CliRunner().invoke(cli, ["--config", str(tmp_path / "regwatch.toml"), "--db",
                                          watcher.config.database, "notify"])
        assert result.exit_code == 0, result.output
        changes = [a["change"] for r in hook.wait_for(1, "/hook") for a in r.json()["alerts"]]
        assert [(c["kind"], c["details"]["state"]) for c in changes] == [("source.health", "blocked")]


def test_crawl_exit_code_3_when_a_source_is_blocked(replica, tmp_path):
    replica.set_fault("jsl521", host="miit")
    env = {"REGWATCH_MIIT_BASE_URL": replica.miit, "REGWATCH_SAMR_BASE_URL": replica.samr}
    config = tmp_path / "regwatch.toml"
    config.write_text(FAST, "utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(tmp_path / "r.db"), "crawl", "miit"],
                                env=env)
    assert result.exit_code == 3
    assert "miit: blocked" in result.output and "JSL" in result.output


def test_run_without_network_says_so_in_one_line(tmp_path):
    # A base URL on a closed loopback port stands in for "no network" without touching any real site.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    env = {**os.environ, "REGWATCH_MIIT_BASE_URL": f"http://127.0.0.1:{closed}",
           "REGWATCH_SAMR_BASE_URL": f"http://127.0.0.1:{closed}", "REGWATCH_DB": str(tmp_path / "r.db")}
    env.pop("REGWATCH_CONFIG", None)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "regwatch.cli", "run"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 30
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "regwatch demo" in lines[0] and "Traceback" not in done.stderr


@pytest.mark.parametrize("host", ["127.0.0.1"])
def test_serve_is_read_only_datasette_on_localhost(tmp_path, host):
    from storage.db import open_db

    db_path = tmp_path / "r.db"
    open_db(db_path).close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "regwatch.cli", "--db", str(db_path), "serve", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/r.json", timeout=2) as response:
                    data = json.loads(response.read())
                break
            except OSError:
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)
        assert any(t["name"] == "list_entries" for t in data["tables"])
        assert listening_addresses(port) == ["0100007F"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
