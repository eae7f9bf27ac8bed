"""`regwatch demo` runs the whole cycle offline and its local mailbox and chat listener receive the alerts."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration  # crawls the replica or runs processes: make test-fast skips it


def test_demo_walks_the_timeline_and_delivers(demo_run):
    out, _messages, database = demo_run
    for state in range(6):
        assert f"state {state}:" in out
    assert "list.proposed" in out and "criteria.changed" in out and "list.entry_removed" in out
    assert "DeliveryStats" not in out
    counts = re.search(r"received in all: (\d+) emails · (\d+) Slack · (\d+) webhook · (\d+) DingTalk · (\d+) WeCom · "
                       r"(\d+) Feishu; enterprises on the list now: (\d+)", out)
    assert counts, out[-1000:]
    mail, slack, hooks, dingtalk, wecom, feishu, listed = map(int, counts.groups())
    assert mail == slack == hooks == 6, "one message per announcement, whatever it changed"
    assert dingtalk == wecom == feishu == 4, "the chat route takes warnings and worse: 公示, 公告, draft, revocation"
    assert listed == 165
    assert (database.parent / "regwatch.toml").exists()


def test_each_step_counts_what_the_receivers_got(demo_run):
    out, messages, _ = demo_run
    lines = [line for line in out.splitlines() if "delivered:" in line]
    assert len(lines) == 6
    assert "delivered: 0 emails · 0 Slack · 0 webhook" in lines[0], "the baseline alerts nothing"
    assert "delivered: 1 email · 1 Slack · 1 webhook · 1 DingTalk · 1 WeCom · 1 Feishu" in lines[2], \
        "a 公告 making 13 changes is one message per channel"
    emails = sorted(messages.glob("*-email.eml"))
    assert len(emails) == 6 and len(list(messages.glob("*-email.html"))) == 6
    assert len(list(messages.glob("*.json"))) == 6 + 6 + 4 * 3
