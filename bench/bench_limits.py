"""What the read limits cost and save: each file of the hostile corpus (tests/hostile.py) read
through the limited worker, with its time and the worker's peak memory, and the price of
isolation on real attachments (in process against in the worker). Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract.attachments import parse_attachment  # noqa: E402
from crawler.extract.sandbox import _parse_attachment, parse_attachment_bounded, run_bounded  # noqa: E402
from tests.hostile import CORPUS  # noqa: E402

REAL = ["batch3_0.xlsx", "batch2_0.docx", "batch1_0.pdf"]
ROUNDS = 20


def main() -> None:
    parse_attachment_bounded(b"warm up the parse host", "x.txt")
    print(f"{'hostile file':16} {'bytes':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    for name, (filename, build, _) in CORPUS.items():
        data = build()
        started = time.perf_counter()
        outcome = run_bounded(_parse_attachment, data, filename, None, 50_000_000)
        seconds = time.perf_counter() - started
        parsed = outcome.value
        result = f"{parsed.status}: {parsed.error}" if outcome.ok else f"stopped: {outcome.reason}"
        print(f"{name:16} {len(data):>10,} {seconds:>8.2f} {outcome.peak_kb / 1024:>8.0f}  {result}")
    print(f"\n{'real attachment':16} {'in process':>12} {'in worker':>10}  (mean of {ROUNDS})")
    for name in REAL:
        data = (ROOT / "tests" / "fixtures" / "replica" / name).read_bytes()
        timings = []
        for parse in (parse_attachment, parse_attachment_bounded):
            parse(data, name)
            started = time.perf_counter()
            for _ in range(ROUNDS):
                parse(data, name)
            timings.append((time.perf_counter() - started) / ROUNDS * 1000)
        print(f"{name:16} {timings[0]:>9.1f} ms {timings[1]:>7.1f} ms")


if __name__ == "__main__":
    main()
