"""`regwatch demo`: the whole cycle offline. The replica plays MIIT and SAMR, a local SMTP sink
plays the compliance mailbox, a local HTTP listener plays Slack and a webhook receiver; the
timeline is advanced through its six states, crawling and delivering after each.

The replica and its sinks need the `demo` extra (pip install 'regwatch[demo]'); `make run`,
`make demo` and `make test` install it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from notifier.worker import deliver_due
from regwatch.config import ConfigError, load_config
from regwatch.crawl import run_crawl
from replica import missing_demo_packages
from replica.sinks import HttpReceiver, Reply, SmtpSink
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


CHATS = {"slack": "Slack", "hook": "webhook", "dingtalk": "DingTalk", "wecom": "WeCom", "feishu": "Feishu"}
ROBOT_OK = {"dingtalk": {"errcode": 0, "errmsg": "ok"}, "wecom": {"errcode": 0, "errmsg": "ok"},
            "feishu": {"code": 0, "msg": "success"}}


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

[channels.dingtalk]
kind = "dingtalk"
webhook_url = "{http_url}dingtalk"

[channels.wecom]
kind = "wecom"
webhook_url = "{http_url}wecom"

[channels.feishu]
kind = "feishu"
webhook_url = "{http_url}feishu"

[routes.compliance]
channels = ["compliance-mail", "team-slack", "erp-hook"]

[routes.recyclers-cn]
channels = ["dingtalk", "wecom", "feishu"]
categories = ["whitelist", "criteria"]
min_severity = "warning"
format = "summary"

[routes.ops]
channels = ["team-slack"]
ops = true
"""


@dataclass
class Received:
    """What the sinks have received so far, per channel; `since` gives one step's share."""

    mail: int = 0
    chat: dict[str, int] = field(default_factory=dict)

    def since(self, before: Received) -> str:
        """"2 emails · 2 Slack · 2 webhook · …": what arrived, counted at the receivers."""
        parts = [f"{self.mail - before.mail} email{'s' if self.mail - before.mail != 1 else ''}"]
        parts += [f"{self.chat.get(k, 0) - before.chat.get(k, 0)} {label}" for k, label in CHATS.items()]
        return " · ".join(parts)


def received(mail: SmtpSink, chat: HttpReceiver) -> Received:
    return Received(len(mail.messages), {k: len(chat.requests(f"/{k}")) for k in CHATS})


def save_messages(folder: Path, mail: SmtpSink, chat: HttpReceiver) -> int:
    """Every captured email as .eml and its HTML part as .html (with its CSV attachment, if any),
    every chat post as .json; named by order of arrival and channel. Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for n, message in enumerate(mail.messages, 1):
        stem = folder / f"{n:02d}-email"
        stem.with_suffix(".eml").write_bytes(bytes(message))
        written += 1
        for part in message.walk():
            if part.get_content_type() == "text/html":
                stem.with_suffix(".html").write_text(part.get_content(), "utf-8")
                written += 1
            elif part.get_filename():
                table = part.get_payload(decode=True)
                if isinstance(table, bytes):
                    stem.with_suffix(".csv").write_bytes(table)
                written += 1
    for n, request in enumerate(chat.requests(), 1):
        name = request.path.strip("/") or "post"
        (folder / f"{n:02d}-{name}.json").write_text(
            json.dumps(request.json(), ensure_ascii=False, indent=2) + "\n", "utf-8")
        written += 1
    return written


def run_demo(workdir: Path, echo: Callable[[str], object] = print, save_to: Path | None = None) -> int:
    """Walk the replica's timeline, crawling and delivering after each state; `echo` prints a line.
    With `save_to`, every captured message is written there at the end."""
    missing = missing_demo_packages()
    if missing:
        raise ConfigError(f"the demo needs the demo extra ({', '.join(missing)} missing): "
                          "pip install 'regwatch[demo]', or run 'make demo'")
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("regwatch.db", "regwatch.db-wal", "regwatch.db-shm"):
        (workdir / name).unlink(missing_ok=True)
    with ReplicaProcess().start(state=0) as site, SmtpSink() as mail, HttpReceiver() as chat:
        for path, answer in ROBOT_OK.items():
            chat.default(f"/{path}", Reply(body=answer))
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
            before = received(mail, chat)
            outcome = run_crawl(config, polite=False)
            db = open_db(config.database)
            deliver_due(db, notifier_config)
            changes = list_changes(db)
            new = [c for c in changes if c["id"] > last]
            last = changes[-1]["id"] if changes else last
            echo(f"state {state}: {what}")
            echo(f"  crawl: {outcome.statuses}; delivered: {received(mail, chat).since(before)}")
            for change in new:
                echo(f"  - {change['kind']} [{change['severity']}]: {change['summary'][:100]}")
            db.close()
        db = open_db(config.database)
        listed = len(current_entries(db))
        db.close()
        echo(f"\nreceived in all: {received(mail, chat).since(Received())}; "
             f"enterprises on the list now: {listed}")
        if mail.messages:
            echo(f"first mail subject: {mail.messages[0]['subject']}")
        if save_to is not None:
            count = save_messages(save_to, mail, chat)
            echo(f"saved {count} files (emails as .eml and .html, chat posts as .json) to {save_to}")
        echo(f"try: regwatch --config {config_path} changes    (the replica stops with the demo)")
    return 0
