"""`make bench`: run every benchmark script, then print one table of every figure with its target,
met or missed, and the machine it ran on (from bench/results.json). Asserts nothing about time.

Each script writes its own section of bench/results.json; a section left from an earlier run
(e.g. "crawl_before", the figures of the code before issue 15) is shown too, labelled.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.report import RESULTS, load_all, table  # noqa: E402

SCRIPTS = [["bench_classify.py"], ["bench_diff.py"], ["bench_notify.py"], ["bench_web.py"], ["bench_crawl.py"],
           ["bench_limits.py"], ["bench_watchlist.py"], ["bench_daemon.py", "--crawls", "100"]]


def main() -> int:
    failed = 0
    started = time.perf_counter()
    for args in SCRIPTS + [a.split() for a in sys.argv[1:]]:
        print(f"== {' '.join(args)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]], cwd=HERE.parent)
        if code:
            print(f"   {args[0]} exited with {code}")
            failed += 1
    machine, figures = load_all(RESULTS)
    print(f"\n== all figures ({RESULTS.relative_to(HERE.parent)}), {time.perf_counter() - started:.0f} s")
    print(f"machine: {machine.get('cores')} cores, {machine.get('cpu')}, Python {machine.get('python')}, "
          f"load average at start {machine.get('load_at_start')}")
    for section in dict.fromkeys(s for s, _ in figures):
        print(f"\n[{section}]")
        print(table([f for s, f in figures if s == section]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
