"""Benchmark: alerts through the outbox and the webhook channel to a local receiver.

Phase 1 queues N alerts (default 1,000), then drains them with one worker: alerts per second,
and the latency from detection to delivery that a backlog of that size causes.
Phase 2 records alerts one by one while a worker loop runs: the latency the notifier itself
adds to a change (polling interval included). Prints figures; asserts nothing about time.

    python bench/bench_notify.py [--alerts 1000] [--trickle 200] [--interval 0.05]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Figure, save, table
from notifier.routes import parse_notifier_config
from notifier.worker import deliver_due, run_loop
from storage.changes import record_change
from storage.db import (
    immediate,
    open_db,
)
from storage.kinds import sample


class Receiver:
    """Records when each change id arrives; answers 200 at once."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self.requests = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.time()
                change_id = json.loads(body)["alerts"][0]["change"]["id"]
                with receiver.lock:
                    receiver.requests += 1
                    receiver.arrived.setdefault(change_id, now)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def record(db, change, routes) -> int:
    """record_change under BEGIN IMMEDIATE: with a worker writing at the same time, the deferred
    transaction of storage.changes.record_change can fail with "database is locked"."""
    with immediate(db):
        return record_change(db, change, routes)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latencies(recorded: dict[int, float], arrived: dict[int, float]) -> tuple[float, float, int]:
    lat = [arrived[i] - t for i, t in recorded.items() if i in arrived]
    if not lat:
        return float("nan"), float("nan"), 0
    return statistics.median(lat), percentile(lat, 0.95), len(lat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--trickle", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.05, help="worker poll interval in phase 2")
    args = parser.parse_args(argv)
    receiver = Receiver()
    config = parse_notifier_config({
        "channels": {"hook": {"kind": "webhook", "url": receiver.url, "secret": "bench-secret"}},
        "routes": {"bench": {"channels": ["hook"]}, "ops": {"channels": ["log"], "ops": True}},
    })
    routes = config.route_filters()
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as folder:
        db_path = Path(folder) / "regwatch.db"
        db = open_db(db_path)
        change = sample("list.proposed")

        recorded: dict[int, float] = {}
        started = time.perf_counter()
        for _ in range(args.alerts):
            recorded[record(db, change, routes)] = time.time()
        queued = time.perf_counter() - started
        started = time.perf_counter()
        sent = 0
        while (stats := deliver_due(db, config)).handled:
            sent += stats.sent
        drained = time.perf_counter() - started
        median, p95, n = latencies(recorded, receiver.arrived)
        print(f"phase 1: queued {args.alerts} alerts in {queued:.2f} s ({args.alerts / queued:.0f}/s, record_change "
              "with its outbox row)")
        print(f"phase 1: delivered {sent} via webhook in {drained:.2f} s: {sent / drained:.0f} alerts/s")
        print(f"phase 1: detection → delivery with a backlog of {args.alerts}: median {median * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms ({n} alerts)")

        stop = threading.Event()

        def work() -> None:  # a connection belongs to the thread that opened it
            worker_db = open_db(db_path)
            try:
                run_loop(worker_db, config, interval=args.interval, stop=stop)
            finally:
                worker_db.close()

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        trickle: dict[int, float] = {}
        for _ in range(args.trickle):
            trickle[record(db, change, routes)] = time.time()
            time.sleep(0.005)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(i in receiver.arrived for i in trickle):
            time.sleep(0.01)
        stop.set()
        worker.join(10)
        median, p95, n = latencies(trickle, receiver.arrived)
        print(f"phase 2: added latency, one change every 5 ms, worker polling every {args.interval * 1000:.0f} ms: "
              f"median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms ({n}/{args.trickle} delivered)")
        duplicates = receiver.requests - len(receiver.arrived)
        print(f"requests {receiver.requests}, distinct alerts {len(receiver.arrived)}, duplicates {duplicates}")
        lat = [(receiver.arrived[i] - t) * 1000 for i, t in trickle.items() if i in receiver.arrived]
        figures = [Figure("notify: added latency per alert (worker polling)", lat, "ms"),
                   Figure("notify: duplicate deliveries", [float(duplicates)], "", 0.0),
                   Figure("notify: backlog drained", [sent / drained], "alerts/s", lower_is_better=False)]
        print(table(figures))
        save("notify", figures)
        db.close()
    receiver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
