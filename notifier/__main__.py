"""`python -m notifier --db PATH [--config regwatch.toml] [--loop --interval S] [--test ROUTE]`
`python -m notifier --preview KIND [--format text|html|markdown|slack|json]`

A standalone worker process: what the crash tests kill and the benchmark drives. It loads
regwatch.toml through the one loader (options.load_config), as `regwatch notify` does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading

from notifier.render import Rendering
from notifier.routes import NotifierConfig, parse_notifier_config
from notifier.worker import DeliveryStats, deliver_due, run_loop, send_test
from options import ConfigError
from options import load_config as load_options
from storage.db import DEFAULT_DB, open_db
from storage.errors import StorageError
from storage.kinds import ChangeKind, sample


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m notifier", description="Deliver due alerts from the outbox.")
    parser.add_argument("--db", default=DEFAULT_DB, help="the regwatch database")
    parser.add_argument("--config", help="regwatch.toml (default: built-in routes to the log channel)")
    parser.add_argument("--loop", action="store_true", help="keep delivering until SIGTERM or Ctrl-C")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes with --loop")
    parser.add_argument("--worker-id", help="lease owner name (default: host:pid:random)")
    parser.add_argument("--test", metavar="ROUTE", help="send a test message through each channel of ROUTE")
    parser.add_argument("--preview", metavar="KIND", choices=sorted(ChangeKind.registry),
                        help="print a sample alert of this change kind and exit")
    parser.add_argument("--format", default="text", choices=("text", "html", "markdown", "slack", "json"),
                        help="format for --preview")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    return parser.parse_args(argv)


def load_config(path: str | None) -> NotifierConfig:
    """The notifier's part of regwatch.toml; without --config, the built-in routes to the log."""
    return parse_notifier_config(load_options(path, required=True).raw if path else {})


def report(stats: DeliveryStats) -> None:
    if stats.handled:
        print(f"notifier: sent={stats.sent} failed={stats.failed} dead={stats.dead} skipped={stats.skipped}",
              flush=True)


def preview(kind: str, fmt: str) -> str:
    rendering = Rendering.for_change({**sample(kind), "id": 1})
    if fmt == "slack":
        return json.dumps({"text": rendering.slack_text, "blocks": rendering.slack_blocks}, ensure_ascii=False,
                          indent=2)
    if fmt == "json":
        return json.dumps(rendering.json_document("rw-preview", "preview"), ensure_ascii=False, indent=2)
    return {"text": rendering.text, "html": rendering.html, "markdown": rendering.markdown}[fmt]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.preview:
        print(preview(args.preview, args.format))
        return 0
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
        if args.test:
            results = send_test(config, args.test)
            for name, ok, detail in results:
                print(f"{name}: {'ok' if ok else 'FAILED'}: {detail}", flush=True)
            return 0 if all(ok for _, ok, _ in results) else 1
        db = open_db(args.db)
    except (ConfigError, StorageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if not args.loop:
            report(deliver_due(db, config, worker_id=args.worker_id))
            return 0
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):
            run_loop(db, config, interval=args.interval, stop=stop, worker_id=args.worker_id, on_pass=report)
        return 0
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
