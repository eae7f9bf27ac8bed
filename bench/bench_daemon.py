"""The daemon measured over time: `regwatch run` against the replica, an aiosmtpd mailbox and a
webhook receiver, as a user runs it.

Run from the repository root: python bench/bench_daemon.py [--crawls 100]

- latency: the replica publishes a change (the next timeline state) → the alert email arrives;
  two rounds of five changes on a 10 s schedule, each on a fresh database;
- SIGTERM while a crawl child is running: exit code, seconds to exit, and the database checked
  (integrity, every document with a current version, every run finished, no stray temp blobs);
- restart: one source's last good run set older than its interval, the other's left fresh; the
  stale one must be crawled at once, the fresh one not before its schedule;
- RSS of the daemon process after 1 scheduled crawl and after --crawls crawls, on a 1 s
  schedule so that the crawls run back to back (each crawl is its own child process).

Crawls run with the delay off and robots.txt off (the politeness figures are in bench_crawl.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Figure, machine, save, table
from replica.sinks import HttpReceiver, SmtpSink
from replica.testing import ReplicaProcess

SOURCES = ("miit", "samr")


def write_config(folder: Path, replica: ReplicaProcess, smtp_port: int, hook_url: str, schedule: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sources = "".join(f'\n[sources.{sid}]\nbase_url = "{getattr(replica, sid)}"\nschedule = "{schedule}"\n'
                      for sid in SOURCES)
    path = folder / "regwatch.toml"
    path.write_text(f"""\
[regwatch]
database = "{folder / 'regwatch.db'}"
blobs = "{folder / 'blobs'}"
download_delay = 0
obey_robots = false
{sources}
[channels.mail]
kind = "email"
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "regwatch@localhost"
to = ["compliance@localhost"]

[channels.hook]
kind = "webhook"
url = "{hook_url}"
secret = "bench"

[routes.compliance]
channels = ["mail", "hook"]
categories = ["whitelist", "criteria", "inspection", "penalty"]
""", "utf-8")
    return path


class Daemon:
    """`regwatch run` as a child process, with its database read on the side."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.db_path = config.parent / "regwatch.db"
        exe = Path(sys.executable).parent / "regwatch"
        self.log = (config.parent / "daemon.log").open("a")
        self.proc = subprocess.Popen([str(exe), "--config", str(config), "run"], stdout=self.log,
                                     stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def runs(self, source: str | None = None, status_ok: bool = True) -> int:
        if not self.db_path.exists():
            return 0
        con = sqlite3.connect(self.db_path, timeout=30)
        try:
            sql = "select count(*) from crawl_runs where 1=1"
            args: list[str] = []
            if status_ok:
                sql += " and status in ('ok', 'degraded')"
            if source:
                sql += " and source_id = ?"
                args.append(source)
            return int(con.execute(sql, args).fetchone()[0])
        except sqlite3.OperationalError:
            return 0
        finally:
            con.close()

    def wait_runs(self, count: int, timeout: float, source: str | None = None) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.runs(source) >= count:
                return True
            if self.proc.poll() is not None:
                raise SystemExit(f"the daemon exited with {self.proc.returncode}; see {self.log.name}")
            time.sleep(0.1)
        return False

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def children(self) -> list[int]:
        out = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            try:
                out += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return out

    def stop(self, timeout: float = 60) -> tuple[int | None, float]:
        start = time.perf_counter()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None, time.perf_counter() - start
        self.log.close()
        return self.proc.returncode, time.perf_counter() - start


def latency_round(replica: ReplicaProcess, mail: SmtpSink, folder: Path, hook_url: str,
                  schedule: str) -> tuple[list[float], Daemon]:
    """Five changes published one after another; seconds from publishing to the email."""
    replica.reset()
    daemon = Daemon(write_config(folder, replica, mail.port, hook_url, schedule))
    if not daemon.wait_runs(2, 120):
        raise SystemExit("the daemon made no baseline crawl within 120 s")
    out = []
    for state in range(1, 6):
        before = len(mail.messages)
        published = time.monotonic()
        replica.set_state(state)
        got = mail.wait_for(before + 1, timeout=90)
        if len(got) > before:
            out.append(time.monotonic() - published)
            print(f"  state {state}: email after {out[-1]:.1f} s", flush=True)
        else:
            print(f"  state {state}: no email within 90 s", flush=True)
        time.sleep(1.0)  # let this state's other alerts go out before the next change
    return out, daemon


def clean_after(db_path: Path, blobs: Path) -> dict[str, object]:
    con = sqlite3.connect(db_path)
    try:
        return {
            "integrity": con.execute("pragma integrity_check").fetchone()[0],
            "documents_without_version": con.execute(
                "select count(*) from documents where current_version_id is null").fetchone()[0],
            "runs_unfinished": con.execute("select count(*) from crawl_runs where finished_at is null").fetchone()[0],
            "temp_blobs": len(list(blobs.rglob(".tmp-*"))) if blobs.exists() else 0,
        }
    finally:
        con.close()


def sigterm_during_crawl(daemon: Daemon) -> dict[str, object]:
    """Wait for a crawl child, then SIGTERM the daemon; it must exit 0 and leave the DB whole."""
    deadline = time.monotonic() + 60
    while not daemon.children() and time.monotonic() < deadline:
        time.sleep(0.02)
    had_child = bool(daemon.children())
    time.sleep(0.3)  # into the crawl, not at its first instruction
    code, seconds = daemon.stop()
    report = {"crawl_running": had_child, "exit_code": code, "seconds_to_exit": round(seconds, 2),
              **clean_after(daemon.db_path, daemon.config.parent / "blobs")}
    print(f"  SIGTERM during a crawl: {report}", flush=True)
    return report


def restart_overdue(replica: ReplicaProcess, mail: SmtpSink, folder: Path, hook_url: str) -> dict[str, object]:
    """miit's last good run is set 2 h back, samr's is fresh; the schedule is every hour."""
    con = sqlite3.connect(folder / "regwatch.db")
    old = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
    with con:
        con.execute("update sources set last_good_run_at = ? where id = 'miit'", [old])
        con.execute("update sources set last_good_run_at = ? where id = 'samr'",
                    [datetime.now(UTC).isoformat(timespec="seconds")])
    con.close()
    replica.clear_requests()
    started = time.time()
    daemon = Daemon(write_config(folder, replica, mail.port, hook_url, "every 1h"))
    before = {sid: daemon.runs(sid, status_ok=False) for sid in SOURCES}
    start = time.monotonic()
    crawled = daemon.wait_runs(before["miit"] + 1, 60, "miit")
    finished = time.monotonic() - start
    time.sleep(5)
    samr_runs = daemon.runs("samr", status_ok=False) - before["samr"]
    daemon.stop()
    first = min((e["time"] for e in replica.requests() if e["site"] == "miit"), default=None)
    report = {"overdue_crawled": crawled,
              "seconds_to_first_request": round(first - started, 2) if first is not None else None,
              "seconds_to_crawl_finished": round(finished, 2), "fresh_source_crawls_in_window": samr_runs}
    print(f"  restart: {report}", flush=True)
    return report


def rss_round(replica: ReplicaProcess, mail: SmtpSink, folder: Path, hook_url: str, crawls: int) -> tuple[int, int]:
    daemon = Daemon(write_config(folder, replica, mail.port, hook_url, "every 1s"))
    try:
        if not daemon.wait_runs(1, 120):
            raise SystemExit("no first crawl within 120 s")
        time.sleep(0.5)
        first = daemon.rss_kb()
        start = time.monotonic()
        if not daemon.wait_runs(crawls, crawls * 10):
            print(f"  only {daemon.runs()} crawls in {time.monotonic() - start:.0f} s", flush=True)
        time.sleep(0.5)
        last = daemon.rss_kb()
        print(f"  RSS after 1 crawl {first} kB, after {daemon.runs()} crawls {last} kB "
              f"({time.monotonic() - start:.0f} s)", flush=True)
        return first, last
    finally:
        daemon.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crawls", type=int, default=100)
    parser.add_argument("--interval", type=int, default=10, help="seconds between scheduled crawls")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    work = Path(tempfile.mkdtemp(prefix="regwatch-bench-daemon-"))
    schedule = f"every {args.interval}s"
    with ReplicaProcess().start() as replica, SmtpSink() as mail, HttpReceiver() as hooks:
        hook_url = hooks.url("/hook")
        latencies, daemon = latency_round(replica, mail, work / "a", hook_url, schedule)
        term = sigterm_during_crawl(daemon)
        restart = restart_overdue(replica, mail, work / "a", hook_url)
        more, daemon = latency_round(replica, mail, work / "b", hook_url, schedule)
        daemon.stop()
        latencies += more
        rss_first, rss_last = rss_round(replica, mail, work / "c", hook_url, args.crawls)
    clean = (term["exit_code"] == 0 and term["integrity"] == "ok" and not term["documents_without_version"]
             and not term["runs_unfinished"] and not term["temp_blobs"])
    figures = [
        Figure(f"publish → email, schedule every {args.interval} s", latencies, "s", args.interval + 3.0),
        Figure(f"daemon RSS after {args.crawls} crawls ÷ after 1", [rss_last / max(rss_first, 1)], "×", 1.10),
        Figure("SIGTERM during a crawl: clean exit (1 = yes)", [1.0 if clean else 0.0], "", 1.0,
               lower_is_better=False, extra=term),
        Figure("SIGTERM during a crawl: seconds to exit", [float(term["seconds_to_exit"])], "s"),
        Figure("restart: overdue source's first request after the daemon starts",
               [float(restart["seconds_to_first_request"])] if restart["seconds_to_first_request"] is not None
               else [], "s", 5.0, extra=restart),
        Figure("restart: fresh source crawled before its schedule", [float(restart["fresh_source_crawls_in_window"])],
               "crawls", 0.0),
    ]
    print(table(figures))
    save("daemon", figures, {"machine": machine(), "rss_kb": [rss_first, rss_last], "crawls": args.crawls})
    return 0


if __name__ == "__main__":
    sys.exit(main())
