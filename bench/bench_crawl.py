"""Crawl benchmark against a scaled replica: a full first crawl, then an unchanged re-crawl.

Prints requests, documents and seconds for both, and their ratio. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from regwatch.config import load_config
    from regwatch.crawl import run_crawl
    from replica.testing import ReplicaProcess
    from storage.db import open_db

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=300, help="extra articles per replica column")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="regwatch-bench-"))
    replica = ReplicaProcess().start(scale=args.scale)
    try:
        env = {"REGWATCH_MIIT_BASE_URL": replica.miit, "REGWATCH_SAMR_BASE_URL": replica.samr,
               "REGWATCH_DB": str(work / "bench.db"), "REGWATCH_BLOBS": str(work / "blobs")}
        config = load_config(environ=env)
        figures = {}
        for label, full in (("first (full) crawl", True), ("unchanged re-crawl", False)):
            start = time.perf_counter()
            outcome = run_crawl(config, full=full, polite=False, extra={"ROBOTSTXT_OBEY": False})
            seconds = time.perf_counter() - start
            db = open_db(config.database)
            run = {r["source_id"]: r for r in db.query(
                "select source_id, requests, items from crawl_runs where id in "
                "(select max(id) from crawl_runs group by source_id)")}
            docs = db.execute("select count(*) from documents").fetchone()[0]
            db.close()
            requests = sum(r["requests"] or 0 for r in run.values())
            figures[label] = (requests, seconds)
            print(f"{label}: {outcome.statuses}, {requests} requests, {docs} documents stored, "
                  f"{seconds:.1f} s ({requests / seconds:.0f} requests/s)")
        first, second = figures["first (full) crawl"], figures["unchanged re-crawl"]
        print(f"re-crawl requests as a share of the first crawl: {second[0] / max(first[0], 1):.1%}")
        print(json.dumps({"scale": args.scale, "first": first, "second": second}))
    finally:
        replica.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
