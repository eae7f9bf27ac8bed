"""A crawl past its wall-clock budget is killed and reported (a failed run and one health alert);
killing `regwatch crawl` takes its crawl process (and that one's parse host) with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regwatch.crawl import run_crawl
from tests.conftest import Watcher

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.integration  # crawls the replica or runs processes: make test-fast skips it


def test_a_crawl_over_its_budget_is_killed_and_reported(replica, tmp_path):
    watcher = Watcher(replica, tmp_path, "[sources.miit]\ncrawl_budget_minutes = 0.05\n")
    replica.set_fault("slow", delay=5.0)
    started = time.monotonic()
    outcome = run_crawl(watcher.config, ["miit"], polite=False, extra={"ROBOTSTXT_OBEY": False})
    assert time.monotonic() - started < 60, "killed at its 3 s budget, not left to run"
    assert outcome.statuses == {"miit": "failed"} and outcome.exit_code == 3
    db = watcher.db()
    run = db.execute("select status, message from crawl_runs order by id desc limit 1").fetchone()
    health = [json.loads(r[0]) for r in db.execute("select details from changes where kind = 'source.health'")]
    db.close()
    assert run[0] == "failed" and "budget of 0.05 min" in run[1]
    assert [(h["source"], h["state"]) for h in health] == [("miit", "failed")]


def test_each_source_has_its_own_budget_and_process(replica, tmp_path):
    """One crawl of two sources: the slow one is killed at its own budget, the other is crawled
    in its own process meanwhile and finishes ok (a shared budget or process would fail both)."""
    watcher = Watcher(replica, tmp_path, "[sources.miit]\ncrawl_budget_minutes = 0.05\n")
    replica.set_fault("slow", delay=5.0, host="miit")
    outcome = run_crawl(watcher.config, ["miit", "samr"], polite=False, extra={"ROBOTSTXT_OBEY": False})
    assert outcome.statuses == {"miit": "failed", "samr": "ok"} and outcome.exit_code == 3
    db = watcher.db()
    runs = dict(db.execute("select source_id, status from crawl_runs").fetchall())
    samr_documents = db.execute("select count(*) from documents where source_id = 'samr'").fetchone()[0]
    db.close()
    assert runs == {"miit": "failed", "samr": "ok"}
    assert samr_documents > 0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killing_regwatch_crawl_kills_its_crawl_process(replica, tmp_path):
    replica.set_fault("slow", delay=0.5)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REGWATCH_MIIT_BASE_URL": replica.miit,
           "REGWATCH_SAMR_BASE_URL": replica.samr, "REGWATCH_DB": str(tmp_path / "r.db"),
           "REGWATCH_BLOBS": str(tmp_path / "blobs")}
    (tmp_path / "regwatch.toml").write_text("[regwatch]\ndownload_delay = 0\n", "utf-8")
    parent = subprocess.Popen([sys.executable, "-c", "from regwatch.cli import main; main()", "--config",
                               "regwatch.toml", "crawl", "miit"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    family: list[int] = []
    while time.monotonic() < deadline and not family:
        family = _children(parent.pid)
        time.sleep(0.1)
    assert family, "regwatch crawl started its crawl process"
    while time.monotonic() < deadline and not _children(family[0]):
        time.sleep(0.1)  # the crawl's own children (its parse host) join in once parsing starts
    family += _children(family[0])
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    while time.monotonic() < deadline and any(_alive(p) for p in family):
        time.sleep(0.1)
    assert not [p for p in family if _alive(p)], "no orphan is left writing"
