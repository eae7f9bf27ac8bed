"""`regwatch demo`: the whole cycle offline. The replica plays MIIT and SAMR, a local SMTP sink
plays the compliance mailbox, a local HTTP listener plays Slack and a webhook receiver; the
timeline is advanced through its six states, crawling and delivering after each.

The replica and its sinks need the `demo` extra (pip install 'regwatch[demo]'); `make run`,
`make demo` and `make test` install it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from notifier.worker import deliver_due
from regwatch.config import ConfigError, load_config
from regwatch.crawl import run_crawl
from replica import missing_demo_packages
from replica.sinks import HttpReceiver, SmtpSink
from replica.testing import ReplicaProcess
from storage.db import open_db
from storage.queries import list_changes
from storage.whitelist import current_entries

STEPS = {
    0: "history: white-list batches 1-5, the criteria, the April 2026 joint notice (baseline, no alerts)",
    1: "MIIT publishes the 公示 of batch 6",
    2: "the final 公告 of batch 6: one enterprise dropped, one name corrected",
    3: "a draft revision of the criteria changes two thresholds",
    4: "SAMR publishes an inspection protocol; MIIT revokes two enterprises",
    5: "SAMR publishes a penalty schedule; elsewhere only noise",
}


def demo_config(workdir: Path, smtp_port: int, http_url: str) -> str:
    return f"""\
[regwatch]
database = "{workdir / 'regwatch.db'}"
blobs = "{workdir / 'regwatch-blobs'}"

[channels.compliance-mail]
kind = "email"
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "regwatch@localhost"
to = ["compliance@localhost"]

[channels.team-slack]
kind = "slack"
webhook_url = "{http_url}slack"

[channels.erp-hook]
kind = "webhook"
url = "{http_url}hook"
secret = "${{REGWATCH_DEMO_SECRET:-demo-secret}}"

[routes.compliance]
channels = ["compliance-mail", "team-slack", "erp-hook"]

[routes.ops]
channels = ["team-slack"]
ops = true
"""


def run_demo(workdir: Path, echo: Callable[[str], object] = print) -> int:
    """Walk the replica's timeline, crawling and delivering after each state; `echo` prints a line."""
    missing = missing_demo_packages()
    if missing:
        raise ConfigError(f"the demo needs the demo extra ({', '.join(missing)} missing): "
                          "pip install 'regwatch[demo]', or run 'make demo'")
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("regwatch.db", "regwatch.db-wal", "regwatch.db-shm"):
        (workdir / name).unlink(missing_ok=True)
    with ReplicaProcess().start(state=0) as site, SmtpSink() as mail, HttpReceiver() as chat:
        config_path = workdir / "regwatch.toml"
        config_path.write_text(demo_config(workdir, mail.port, chat.url("/")), "utf-8")
        env = {**os.environ, "REGWATCH_MIIT_BASE_URL": site.miit, "REGWATCH_SAMR_BASE_URL": site.samr}
        config = load_config(config_path, environ=env)
        echo(f"replica: MIIT {site.miit}  SAMR {site.samr}")
        echo(f"mail sink: 127.0.0.1:{mail.port}   chat/webhook listener: {chat.url('/')}")
        echo(f"config and database: {workdir}\n")
        notifier_config = config.notifier()
        last = 0
        for state, what in STEPS.items():
            site.set_state(state)
            outcome = run_crawl(config, polite=False)
            db = open_db(config.database)
            stats = deliver_due(db, notifier_config)
            changes = list_changes(db)
            new = [c for c in changes if c["id"] > last]
            last = changes[-1]["id"] if changes else last
            echo(f"state {state}: {what}")
            echo(f"  crawl: {outcome.statuses}; delivered: {stats}")
            for change in new:
                echo(f"  - {change['kind']}: {change['summary'][:100]}")
            db.close()
        db = open_db(config.database)
        listed = len(current_entries(db))
        db.close()
        echo(f"\nmail received: {len(mail.messages)}; Slack posts: {len(chat.requests('/slack'))}; "
                   f"webhooks: {len(chat.requests('/hook'))}; enterprises on the list now: {listed}")
        if mail.messages:
            echo(f"first mail subject: {mail.messages[0]['subject']}")
        echo(f"try: regwatch --config {config_path} changes    (the replica stops with the demo)")
    return 0
