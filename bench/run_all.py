"""`make bench`: run every benchmark script and print their figures. Asserts nothing about time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_classify.py", "bench_diff.py", "bench_notify.py", "bench_web.py", "bench_crawl.py", "bench_limits.py",
           "bench_watchlist.py"]


def main() -> int:
    failed = 0
    for name in SCRIPTS:
        print(f"== {name}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / name)], cwd=HERE.parent)
        if code:
            print(f"   {name} exited with {code}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
