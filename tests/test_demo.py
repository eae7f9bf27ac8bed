"""`regwatch demo` runs the whole cycle offline and its local mailbox and chat listener receive the alerts."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration  # crawls the replica or runs processes: make test-fast skips it


def test_demo_walks_the_timeline_and_delivers(tmp_path):
    done = subprocess.run([sys.executable, "-m", "regwatch.cli", "demo", "--workdir", str(tmp_path / "demo")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for state in range(6):
        assert f"state {state}:" in out
    assert "list.proposed" in out and "criteria.changed" in out and "list.entry_removed" in out
    counts = re.search(r"mail received: (\d+); Slack posts: (\d+); webhooks: (\d+); enterprises on the list now: "
                       r"(\d+)", out)
    assert counts, out[-1000:]
    mail, slack, hooks, listed = map(int, counts.groups())
    assert mail == slack == hooks > 0
    assert listed == 165
    assert (tmp_path / "demo" / "regwatch.toml").exists()
