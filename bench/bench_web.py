"""Search over 50,000 stored versions (median ms per query, in-process, as the web UI runs it)
and peak memory while exporting 100,000 changes (each format in its own process).

Prints figures; asserts nothing about time. Targets from issues 10 and 15: ≤ 30 ms per query;
export memory flat (100,000 changes need no more than 10,000 do, give or take a few MB).
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diff.text import tokens_for_index  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.search import search  # noqa: E402

DOCS = 50_000
CHANGES = 100_000
QUERIES = ["梯次利用", "杂质铝含量", "梯次利用 名单", "再生利用 回收率", '"综合利用行业规范条件"', "邦普",
           "行政处罚", "动力电池 监督检查", "公示", "锂回收率"]


def paragraphs() -> list[str]:
    data = resources.files("replica").joinpath("data")
    out = []
    for name in ("criteria_2024.txt", "criteria_2019.txt", "inspection_protocol_2026.txt", "certification_2023.txt",
                 "enforcement_notice_2026.txt", "announcement_2018_no40.txt"):
        out += [p.strip() for p in data.joinpath(name).read_text("utf-8").split("\n") if len(p.strip()) > 10]
    return out


def build_documents(path: Path) -> None:
    """50,000 documents of 3–8 real paragraphs each; each paragraph segmented once (jieba) and reused."""
    db = open_db(path)
    pool = paragraphs()
    tokens = [tokens_for_index(p) for p in pool]
    rng = random.Random(7)
    with db.conn:
        for i in range(1, DOCS + 1):
            picks = rng.sample(range(len(pool)), rng.randint(3, 8))
            text = "\n".join(pool[j] for j in picks)
            title = f"文件{i} " + pool[picks[0]][:20]
            db.conn.execute("insert into documents (id, source_id, doc_key, title, category, current_version_id) "
                            "values (?, 'miit', ?, ?, 'related', ?)", [i, f"k{i}", title, i])
            db.conn.execute("insert into versions (id, document_id, title, text) values (?, ?, ?, ?)",
                            [i, i, title, text])
            db.conn.execute("insert into documents_fts (title, body, document_id) values (?, ?, ?)",
                            [tokens_for_index(title[:8]), " ".join(tokens[j] for j in picks), i])
    db.close()


def bench_search(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    search(conn, "预热")  # the first query creates the temp vocabulary table
    times = []
    for _ in range(3):
        for q in QUERIES:
            start = time.perf_counter()
            search(conn, q, limit=20)
            times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


def build_changes(path: Path, n: int) -> None:
    db = open_db(path)
    details = {"batch": 6, "enterprise": "湖南邦普循环科技有限公司", "province": "湖南省", "type": "梯次利用",
               "reason": "revoked", "entries": [{"enterprise": f"示例企业{i}有限公司"} for i in range(12)]}
    with db.conn:
        db.conn.executemany(
            "insert into changes (id, detected_at, kind, source_id, category, summary, details, severity) "
            "values (?, ?, 'list.entry_removed', 'miit', 'whitelist', ?, ?, 'warning')",
            ((i, f"2026-11-{1 + i % 28:02d}T10:00:00+00:00", f"第6批名单删除：示例企业{i}有限公司",
              json.dumps(details, ensure_ascii=False)) for i in range(1, n + 1)))
    db.close()


EXPORT = """
import resource, sys
sys.path.insert(0, {root!r})
from storage.db import open_db
from regwatch.exporting import export
from storage.export_rows import Filters
with open({out!r}, "wb") as out:
    export(open_db({db!r}), "changes", {fmt!r}, Filters(), out, today="2026-12-01")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def export_peak_mb(db: Path, fmt: str, out: Path) -> float:
    code = EXPORT.format(root=str(ROOT), out=str(out), db=str(db), fmt=fmt)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs.db"
        start = time.perf_counter()
        build_documents(docs)
        print(f"built {DOCS} documents in {time.perf_counter() - start:.1f} s")
        result = bench_search(docs)
        print(f"search over {DOCS} stored versions: median {result['median_ms']:.1f} ms/query, "
              f"max {result['max_ms']:.1f} ms (target ≤ 30 ms: {'met' if result['median_ms'] <= 30 else 'missed'})")
        for n in (10_000, CHANGES):
            path = Path(tmp) / f"changes{n}.db"
            build_changes(path, n)
            peaks = {fmt: export_peak_mb(path, fmt, Path(tmp) / f"out.{fmt}") for fmt in ("csv", "jsonl", "xlsx")}
            print(f"export {n} changes, peak RSS: " + ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()))


if __name__ == "__main__":
    main()
